import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One page of a list. `next_cursor` is opaque; pass it back as `cursor` to get the next page. */
export class PageDto<T> {
  @ApiProperty({ isArray: true })
  items!: T[];

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ description: 'Number of items that match the filters', example: 1 })
  total!: number;

  @ApiPropertyOptional({ description: 'Cursor of the next page; absent on the last page', nullable: true, type: String })
  next_cursor!: string | null;

  @ApiPropertyOptional({ description: 'Page number, when paging by `page`', type: Number })
  page?: number;
}
