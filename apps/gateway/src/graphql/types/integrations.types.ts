import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { ConnectionOf } from './common.types';

@ObjectType({ description: 'An integration, secrets masked (REST: /api/v1/integrations)' })
export class Integration {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String) type!: string;
  @Field(() => String) direction!: string;
  @Field(() => String) version!: string;
  @Field(() => String) status!: string;
  @Field(() => String, { nullable: true }) status_reason!: string | null;
  @Field(() => GraphQLJSONObject, { description: 'Auth settings; secret values masked' }) auth!: object;
  @Field(() => GraphQLJSONObject) health_check!: object;
  @Field(() => GraphQLJSONObject) retry!: object;
  @Field(() => Int) timeout_seconds!: number;
  @Field(() => Int) rate_limit_per_minute!: number;
  @Field(() => GraphQLJSONObject) tags!: Record<string, string>;
  @Field(() => GraphQLJSONObject) metadata!: Record<string, unknown>;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => GraphQLJSONObject, { description: "The type's own settings; secret values masked" }) connection!: Record<string, unknown>;
  @Field(() => [GraphQLJSONObject]) subscriptions!: object[];
  @Field(() => GraphQLJSONObject) delivery!: object;
  @Field(() => String) created_at!: string;
  @Field(() => String) updated_at!: string;
}

@ObjectType({ description: 'One health check (REST: /api/v1/integrations/{id}/health/history)' })
export class HealthCheck {
  @Field(() => ID) id!: string;
  @Field(() => String) outcome!: string;
  @Field(() => String) due_at!: string;
  @Field(() => String) started_at!: string;
  @Field(() => String) checked_at!: string;
  @Field(() => Int, { nullable: true }) latency_ms!: number | null;
  @Field(() => Int, { nullable: true }) status_code!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true }) method!: string | null;
  @Field(() => String) status_after!: string;
}

@ObjectType()
class HealthLastError {
  @Field(() => String) at!: string;
  @Field(() => String) message!: string;
  @Field(() => Int, { nullable: true }) status_code!: number | null;
}

@ObjectType()
class HealthUptime {
  @Field(() => Float, { nullable: true }) ratio!: number | null;
  @Field(() => Int) successes!: number;
  @Field(() => Int) failures!: number;
  @Field(() => Int) unknown!: number;
}

@ObjectType({ description: 'Health of an integration (REST: /api/v1/integrations/{id}/health)' })
export class IntegrationHealth {
  @Field(() => ID) integration_id!: string;
  @Field(() => String) status!: string;
  @Field(() => Boolean) monitored!: boolean;
  @Field(() => Int, { nullable: true }) interval_seconds!: number | null;
  @Field(() => Int) failure_threshold!: number;
  @Field(() => Int) success_threshold!: number;
  @Field(() => Int) consecutive_failures!: number;
  @Field(() => Int) consecutive_successes!: number;
  @Field(() => String, { nullable: true }) status_changed_at!: string | null;
  @Field(() => String, { nullable: true }) next_check_at!: string | null;
  @Field(() => HealthCheck, { nullable: true }) last_check!: HealthCheck | null;
  @Field(() => String, { nullable: true }) last_success_at!: string | null;
  @Field(() => HealthLastError, { nullable: true }) last_error!: HealthLastError | null;
  @Field(() => HealthUptime, { description: 'Over the last 24 hours' }) uptime_24h!: HealthUptime;
  @Field(() => [HealthCheck], { description: 'The latest checks, newest first (at most 10)' }) latest_checks!: HealthCheck[];
}

@ObjectType()
class DeliveryAttempt {
  @Field(() => Int) attempt!: number;
  @Field(() => String) started_at!: string;
  @Field(() => Boolean) ok!: boolean;
  @Field(() => Int, { nullable: true }) status_code!: number | null;
  @Field(() => Int) duration_ms!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType({ description: 'An outbound delivery (REST: /api/v1/integrations/{id}/deliveries); status DEAD is a dead letter' })
export class Delivery {
  @Field(() => ID) id!: string;
  @Field(() => String) integration_id!: string;
  @Field(() => String) event_id!: string;
  @Field(() => String) event_type!: string;
  @Field(() => String) status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) next_attempt_at!: string | null;
  @Field(() => String, { nullable: true }) last_error!: string | null;
  @Field(() => Int, { nullable: true }) last_status_code!: number | null;
  @Field(() => String) created_at!: string;
  @Field(() => String, { nullable: true }) delivered_at!: string | null;
  @Field(() => [DeliveryAttempt]) attempt_log!: DeliveryAttempt[];
}

@ObjectType({ description: "The circuit breaker of an integration's outbound delivery" })
export class Circuit {
  @Field(() => String) integration_id!: string;
  @Field(() => String) state!: string;
  @Field(() => Int) consecutive_failures!: number;
  @Field(() => String, { nullable: true }) opened_at!: string | null;
  @Field(() => GraphQLJSONObject, { description: 'Deliveries per status' }) counts!: Record<string, number>;
}

@ObjectType({ description: 'A line of the audit log (REST: /api/v1/audit)' })
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field(() => String) at!: string;
  @Field(() => String) actor_kind!: string;
  @Field(() => String, { nullable: true }) actor_id!: string | null;
  @Field(() => String, { nullable: true }) actor_name!: string | null;
  @Field(() => String, { nullable: true }) role!: string | null;
  @Field(() => String) method!: string;
  @Field(() => String) path!: string;
  @Field(() => String, { nullable: true }) route!: string | null;
  @Field(() => Int) status!: number;
  @Field(() => String) correlation_id!: string;
  @Field(() => String) client_address!: string;
  @Field(() => String, { description: 'rest, mcp, graphql or console' }) door!: string;
  @Field(() => String, { nullable: true, description: 'METHOD route, the MCP tool, or `mutation <field>`' }) action!: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The arguments, secrets censored' }) arguments!: unknown;
  @Field(() => String, { nullable: true }) outcome!: string | null;
}

@ObjectType({ description: 'A domain event (CloudEvents 1.0) with its JetStream sequence' })
export class Event {
  @Field(() => ID) id!: string;
  @Field(() => String) type!: string;
  @Field(() => String) source!: string;
  @Field(() => String) time!: string;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true }) correlationid!: string | null;
  @Field(() => GraphQLJSON) data!: unknown;
  @Field(() => String, { description: 'The NATS subject it was published on' }) nats_subject!: string;
  @Field(() => String, { description: 'JetStream sequence: resume after it' }) sequence!: string;
}

export const IntegrationConnection = ConnectionOf(Integration, 'Integration');
export const HealthCheckConnection = ConnectionOf(HealthCheck, 'HealthCheck');
export const DeliveryConnection = ConnectionOf(Delivery, 'Delivery');
export const AuditEntryConnection = ConnectionOf(AuditEntry, 'AuditEntry');
