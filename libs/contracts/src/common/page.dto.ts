import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';

/** What a list's page says besides its items, where it says it (the descriptions end up in the OpenAPI document). */
export interface PageOptions {
  /** `limit`'s example. */
  limitExample?: number;
  /** The page carries `total` (the number of matches): its description, or true for none. */
  total?: string | true;
  /** `next_cursor`'s description. */
  nextCursor?: string;
  /** The page carries `page` (when paging by number): its description. */
  page?: string;
}

/** One page of a list: `next_cursor` is opaque, passed back as `cursor` for the next page, null on the last. */
export type PageDto<T, O extends PageOptions = PageOptions> = { items: T[]; limit: number; next_cursor: string | null } & (O['total'] extends string | true ? { total: number } : unknown) &
  (O['page'] extends string ? { page?: number } : unknown);

const described = (description: string | true | undefined): ApiPropertyOptions => (typeof description === 'string' ? { description } : {});

/**
 * The class of a page of `item`, for a named page DTO (`class AccountPageDto extends PageOf(AccountDto, { total: true }) {}`):
 * one definition of the page shape, while each page keeps its own schema name in the OpenAPI document.
 */
export function PageOf<T, const O extends PageOptions = Record<never, never>>(item: Type<T>, opts?: O): Type<PageDto<T, O>> {
  class Page {}
  const property = (name: string, options: ApiPropertyOptions) => ApiProperty(options)(Page.prototype, name);
  property('items', { type: [item] });
  property('limit', { type: Number, ...(opts?.limitExample !== undefined ? { example: opts.limitExample } : {}) });
  if (opts?.total) property('total', { type: Number, ...described(opts.total) });
  property('next_cursor', { nullable: true, type: String, ...described(opts?.nextCursor) });
  if (opts?.page) property('page', { required: false, type: Number, description: opts.page });
  return Page as Type<PageDto<T, O>>;
}
