import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, IsObject, IsString, MaxLength } from 'class-validator';
import { OptionalOrNull } from '@app/contracts';
import { GraphQLJSONObject } from 'graphql-scalars';

/** Arguments of every connection (the global contract pipe validates them like a REST query): `first` (1..graphql.max_page_size, default 50), `after` (endCursor). */
@ArgsType()
export class PageArgs {
  @OptionalOrNull() @IsInt()
  @Field(() => Int, { nullable: true, description: 'Page size (1..graphql.max_page_size, default 50)' }) first?: number | null;
  @OptionalOrNull() @IsString() @MaxLength(1024)
  @Field(() => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' }) after?: string | null;
}

/** A connection with the REST list's filters: `filter` takes the REST query parameters (not limit/cursor/page). */
@ArgsType()
export class FilteredPageArgs extends PageArgs {
  @OptionalOrNull() @IsObject()
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The REST list query parameters, validated as REST validates them' }) filter?: Record<string, unknown> | null;
}
