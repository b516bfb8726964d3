import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { ConnectionOf } from './common.types';

@ObjectType({ description: 'An AWS account of the fleet (REST: /api/v1/accounts)' })
export class Account {
  @Field(() => ID) account_id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) role_arn!: string | null;
  @Field(() => Boolean, { description: 'Whether an ExternalId is stored (its value is never returned)' }) external_id_set!: boolean;
  @Field(() => GraphQLJSON, { description: 'A list of regions, or "*" for every enabled region' }) regions!: string[] | '*';
  @Field(() => GraphQLJSONObject) tags!: Record<string, string>;
  @Field(() => Int) sync_interval_minutes!: number;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String) status!: string;
  @Field(() => String, { nullable: true }) status_message!: string | null;
  @Field(() => String, { nullable: true }) status_checked_at!: string | null;
  @Field(() => String, { nullable: true }) last_sync_at!: string | null;
  @Field(() => String, { nullable: true }) next_sync_at!: string | null;
  @Field(() => String) created_at!: string;
  @Field(() => String) updated_at!: string;
}

@ObjectType({ description: 'A resource of the inventory (REST: /api/v1/resources)' })
export class Resource {
  @Field(() => ID) arn!: string;
  @Field(() => String) account_id!: string;
  @Field(() => String, { description: '"global" for account-wide resources (IAM)' }) region!: string;
  @Field(() => String) service!: string;
  @Field(() => String) type!: string;
  @Field(() => String) name!: string;
  @Field(() => String) state!: string;
  @Field(() => GraphQLJSONObject) tags!: Record<string, string>;
  @Field(() => String, { nullable: true }) created_at!: string | null;
  @Field(() => GraphQLJSONObject, { description: "AWS's raw description, JSON-safe" }) properties!: Record<string, unknown>;
  @Field(() => String) first_seen_at!: string;
  @Field(() => String) last_seen_at!: string;
  @Field(() => String, { nullable: true }) removed_at!: string | null;
}

@ObjectType({ description: 'A change of a resource seen by a sync (REST: /api/v1/resources/changes)' })
export class ResourceChange {
  @Field(() => ID) id!: string;
  @Field(() => String) arn!: string;
  @Field(() => String) account_id!: string;
  @Field(() => String) type!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'discovered, changed or removed' }) kind!: string;
  @Field(() => GraphQLJSONObject, { nullable: true }) changes!: object | null;
  @Field(() => String, { nullable: true }) sync_id!: string | null;
  @Field(() => String) at!: string;
}

@ObjectType()
export class ResourceSummary {
  @Field(() => Int) total!: number;
  @Field(() => GraphQLJSONObject) by_type!: Record<string, number>;
  @Field(() => GraphQLJSONObject) by_region!: Record<string, number>;
  @Field(() => GraphQLJSONObject) by_account!: Record<string, number>;
}

@ObjectType()
class SyncTask {
  @Field(() => String) account_id!: string;
  @Field(() => String) region!: string;
  @Field(() => String) status!: string;
  @Field(() => [String]) types!: string[];
  @Field(() => Int) resources_seen!: number;
  @Field(() => Int) discovered!: number;
  @Field(() => Int) changed!: number;
  @Field(() => Int) removed!: number;
  @Field(() => Int, { nullable: true }) duration_ms!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true }) started_at!: string | null;
  @Field(() => String, { nullable: true }) finished_at!: string | null;
}

@ObjectType({ description: 'An inventory sync (REST: /api/v1/inventory/sync/{id})' })
export class SyncRun {
  @Field(() => ID) id!: string;
  @Field(() => String) status!: string;
  @Field(() => String) trigger!: string;
  @Field(() => GraphQLJSONObject) request!: Record<string, unknown>;
  @Field(() => Int) tasks_total!: number;
  @Field(() => Int) tasks_done!: number;
  @Field(() => Int) tasks_failed!: number;
  @Field(() => Int) resources_seen!: number;
  @Field(() => Int) discovered!: number;
  @Field(() => Int) changed!: number;
  @Field(() => Int) removed!: number;
  @Field(() => String) started_at!: string;
  @Field(() => String, { nullable: true }) finished_at!: string | null;
  @Field(() => String, { nullable: true }) status_reason!: string | null;
  @Field(() => [SyncTask]) tasks!: SyncTask[];
}

@ObjectType({ description: 'A fleet command (REST: /api/v1/commands)' })
export class Command {
  @Field(() => ID) id!: string;
  @Field(() => String) command!: string;
  @Field(() => String) service!: string;
  @Field(() => String) operation!: string;
  @Field(() => Boolean) mutating!: boolean;
  @Field(() => String) status!: string;
  @Field(() => String, { nullable: true }) status_reason!: string | null;
  @Field(() => Int) max_concurrency!: number;
  @Field(() => GraphQLJSON, { description: 'A count or a percentage ("10%")' }) max_errors!: number | string;
  @Field(() => Int) timeout_seconds!: number;
  @Field(() => Boolean) allow_mutations!: boolean;
  @Field(() => GraphQLJSONObject, { description: 'Who ran it: name and role' }) requested_by!: object;
  @Field(() => GraphQLJSONObject, { description: 'Targets per status' }) counts!: object;
  @Field(() => String) created_at!: string;
  @Field(() => String, { nullable: true }) finished_at!: string | null;
  @Field(() => String, { nullable: true }) cancelled_by!: string | null;
}

@ObjectType({ description: 'One account × region of a fleet command (REST: /api/v1/commands/{id}/results)' })
export class CommandTarget {
  @Field(() => String) account_id!: string;
  @Field(() => String) region!: string;
  @Field(() => String) status!: string;
  @Field(() => Int, { nullable: true }) exit_code!: number | null;
  @Field(() => Int, { nullable: true }) duration_ms!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String) output_preview!: string;
  @Field(() => String) stderr_preview!: string;
  @Field(() => Boolean) preview_truncated!: boolean;
  @Field(() => Int) output_bytes!: number;
  @Field(() => String, { nullable: true }) started_at!: string | null;
  @Field(() => String, { nullable: true }) finished_at!: string | null;
}

export const AccountConnection = ConnectionOf(Account, 'Account');
export const ResourceConnection = ConnectionOf(Resource, 'Resource');
export const ResourceChangeConnection = ConnectionOf(ResourceChange, 'ResourceChange');
export const CommandConnection = ConnectionOf(Command, 'Command');
export const CommandTargetConnection = ConnectionOf(CommandTarget, 'CommandTarget');
