import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Type } from '@nestjs/common';

/** Relay-style page info. `endCursor` is the REST page's `next_cursor`: pass it as `after` for the next page. */
@ObjectType()
class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  node: T;
  cursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number | null;
}

/**
 * A cursor connection over one REST page. The services page by an opaque cursor that continues after a page, so
 * only the last edge carries a cursor (the page's `endCursor`); the others are null.
 */
export function ConnectionOf<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => node) node!: T;
    @Field(() => String, { nullable: true, description: 'Set on the last edge of a page: the cursor after it' }) cursor!: string | null;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: Edge<T>[];
    @Field(() => [node], { description: 'The nodes of `edges`, without the edge wrapper' }) nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { nullable: true, description: 'Items matching the filters (null where the service does not count them)' }) totalCount!: number | null;
  }
  return ConnectionType as Type<Connection<T>>;
}

/** A REST page (items, next_cursor, total?) as a connection. */
export function toConnection<T>(page: { items: T[]; next_cursor: string | null; total?: number }): Connection<T> {
  const last = page.items.length - 1;
  return {
    edges: page.items.map((node, i) => ({ node, cursor: i === last ? page.next_cursor : null })),
    nodes: page.items,
    pageInfo: { hasNextPage: page.next_cursor !== null && page.next_cursor !== undefined, endCursor: page.next_cursor ?? null },
    totalCount: page.total ?? null,
  };
}
