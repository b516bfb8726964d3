import {
  AccountDto,
  AccountIdRequest,
  AccountPageDto,
  CreateAccountRequest,
  DiscoverAccountsRequest,
  DiscoverAccountsResultDto,
  ListAccountsQuery,
  ListResourceChangesQuery,
  ListResourcesQuery,
  ResourceArnRequest,
  ResourceChangePageDto,
  ResourceDto,
  ResourcePageDto,
  ResourceSummaryDto,
  ResourceSummaryQuery,
  StartSyncRequest,
  SyncAcceptedDto,
  SyncIdRequest,
  SyncRunDto,
  UpdateAccountRequest,
} from './fleet';
import {
  CancelCommandRequest,
  CheckCommandRequest,
  CommandAcceptedDto,
  CommandCheckDto,
  CommandDryRunDto,
  CommandDto,
  CommandIdRequest,
  CommandOutputFirstPart,
  CommandOutputPart,
  CommandPageDto,
  CommandResultPageDto,
  CommandTargetRequest,
  ListCommandResultsRequest,
  ListCommandsQuery,
  RunCommandRequest,
} from './fleet-commands';
import { GetHealthHistoryRequest, GetIntegrationHealthRequest, HealthHistoryPageDto, IntegrationHealthDto, ProbeIntegrationRequest, ProbeResultDto } from './health';
import {
  BulkRegisterRequest,
  BulkRegisterResultDto,
  CircuitDto,
  DeliveryDto,
  DeliveryPageDto,
  DeliveryRefRequest,
  InboundHookRequest,
  InboundHookResultDto,
  InboundRecentDto,
  InboundRecentRequest,
  IntegrationConfigDto,
  IntegrationDto,
  IntegrationIdRequest,
  IntegrationPageDto,
  IntegrationTypeDto,
  LifecycleRequest,
  ListDeliveriesRequest,
  ListIntegrationsQuery,
  ReplayRequest,
  ReplayResultDto,
  RotateSigningSecretRequest,
  SigningSecretDto,
  TestIntegrationRequest,
  TestIntegrationResultDto,
  UpdateIntegrationRequest,
} from './integrations';
import { RpcSubject, RpcSubjects } from './subjects';
import { InstanceInfo } from './system';

declare const RESPONSE: unique symbol;
/** A response type carried by the map (a type, not a value: unions and arrays are responses too). */
export interface Returns<T> {
  readonly [RESPONSE]?: T;
}
/** `response: returns<IntegrationDto>()` in a contract. */
export const returns = <T>(): Returns<T> => ({});

/** A request/response DTO class (validated with `validateInto`, Swagger-annotated). */
export type DtoClass<T extends object = object> = new () => T;

/**
 * One RPC subject's contract, agreed by the caller (`MessageBus.request`) and the server (`@OnMessage`):
 * - `request`: the class the payload is validated into before the handler sees it; null: no payload (`{}`).
 * - `what`: how validation errors name the payload ("The query has 2 invalid fields: ..."); default "payload".
 * - `timeoutMs`: how long the caller waits. Omitted: `nats.request_timeout_ms` (5 s), for reads and simple writes.
 *   `'per-call'`: the caller passes `{ timeoutMs }` computed from data (the probe, bounded by the check's own timeout).
 *   A subject a gateway route calls must stay under `server.request_timeout_ms` (15 s by default), so that the
 *   service's answer, or UPSTREAM_TIMEOUT naming the subject, reaches the client before the route's generic 503.
 * - `everyInstance`: served by every instance (no queue group) and called with `gather`, not `request`.
 */
export interface RpcContract<Req extends object = object, Res = unknown> {
  request: DtoClass<Req> | null;
  response: Returns<Res>;
  what?: string;
  timeoutMs?: number | 'per-call';
  everyInstance?: true;
}

/** Long operations a route waits for (discovery, bulk writes, replay, command start and output): just under the 15 s request bound. */
const LONG_MS = 14_000;

/** Every RPC subject's contract, defined once: what a door sends, what the service answers, how long to wait. */
export const RpcContracts = {
  [RpcSubjects.IntegrationCreate]: { request: IntegrationConfigDto, response: returns<IntegrationDto>(), what: 'integration' },
  [RpcSubjects.IntegrationUpdate]: { request: UpdateIntegrationRequest, response: returns<IntegrationDto>(), what: 'integration' },
  [RpcSubjects.IntegrationDelete]: { request: IntegrationIdRequest, response: returns<{ deleted: true }>() },
  [RpcSubjects.IntegrationGet]: { request: IntegrationIdRequest, response: returns<IntegrationDto>() },
  [RpcSubjects.IntegrationList]: { request: ListIntegrationsQuery, response: returns<IntegrationPageDto>(), what: 'query' },
  // The connection test's own work is bounded below the request bound (issue 14 item 12); this waits just under it.
  [RpcSubjects.IntegrationTest]: { request: TestIntegrationRequest, response: returns<TestIntegrationResultDto>(), timeoutMs: LONG_MS },
  [RpcSubjects.IntegrationLifecycle]: { request: LifecycleRequest, response: returns<IntegrationDto>() },
  [RpcSubjects.IntegrationBulk]: { request: BulkRegisterRequest, response: returns<BulkRegisterResultDto>(), what: 'request body', timeoutMs: LONG_MS },
  [RpcSubjects.IntegrationTypes]: { request: null, response: returns<IntegrationTypeDto[]>() },
  [RpcSubjects.IntegrationSecretGet]: { request: IntegrationIdRequest, response: returns<SigningSecretDto>() },
  [RpcSubjects.IntegrationSecretRotate]: { request: RotateSigningSecretRequest, response: returns<SigningSecretDto>(), what: 'request body' },
  // health-monitor waits for the check's own timeout_seconds plus a margin (not an HTTP route).
  [RpcSubjects.IntegrationProbe]: { request: ProbeIntegrationRequest, response: returns<ProbeResultDto>(), timeoutMs: 'per-call' },
  [RpcSubjects.IntegrationDeliveriesList]: { request: ListDeliveriesRequest, response: returns<DeliveryPageDto>(), what: 'query' },
  [RpcSubjects.IntegrationDeliveryRetry]: { request: DeliveryRefRequest, response: returns<DeliveryDto>() },
  [RpcSubjects.IntegrationReplay]: { request: ReplayRequest, response: returns<ReplayResultDto>(), what: 'request body', timeoutMs: LONG_MS },
  [RpcSubjects.IntegrationCircuitGet]: { request: IntegrationIdRequest, response: returns<CircuitDto>() },
  [RpcSubjects.IntegrationHook]: { request: InboundHookRequest, response: returns<InboundHookResultDto>() },
  [RpcSubjects.IntegrationInboundRecent]: { request: InboundRecentRequest, response: returns<InboundRecentDto>(), what: 'query' },
  [RpcSubjects.HealthGet]: { request: GetIntegrationHealthRequest, response: returns<IntegrationHealthDto>() },
  [RpcSubjects.HealthHistory]: { request: GetHealthHistoryRequest, response: returns<HealthHistoryPageDto>(), what: 'query' },
  // The gather window: every instance that answers within it is listed.
  [RpcSubjects.SystemPing]: { request: null, response: returns<InstanceInfo>(), timeoutMs: 1000, everyInstance: true },
  [RpcSubjects.FleetAccountCreate]: { request: CreateAccountRequest, response: returns<AccountDto>(), what: 'account' },
  [RpcSubjects.FleetAccountUpdate]: { request: UpdateAccountRequest, response: returns<AccountDto>(), what: 'account' },
  [RpcSubjects.FleetAccountDelete]: { request: AccountIdRequest, response: returns<{ deleted: true }>() },
  [RpcSubjects.FleetAccountGet]: { request: AccountIdRequest, response: returns<AccountDto>() },
  [RpcSubjects.FleetAccountList]: { request: ListAccountsQuery, response: returns<AccountPageDto>(), what: 'query' },
  [RpcSubjects.FleetAccountDiscover]: { request: DiscoverAccountsRequest, response: returns<DiscoverAccountsResultDto>(), what: 'request', timeoutMs: LONG_MS },
  [RpcSubjects.FleetResourceList]: { request: ListResourcesQuery, response: returns<ResourcePageDto>(), what: 'query' },
  [RpcSubjects.FleetResourceGet]: { request: ResourceArnRequest, response: returns<ResourceDto>() },
  [RpcSubjects.FleetResourceSummary]: { request: ResourceSummaryQuery, response: returns<ResourceSummaryDto>(), what: 'query' },
  [RpcSubjects.FleetResourceChanges]: { request: ListResourceChangesQuery, response: returns<ResourceChangePageDto>(), what: 'query' },
  [RpcSubjects.FleetSyncStart]: { request: StartSyncRequest, response: returns<SyncAcceptedDto>(), what: 'request' },
  [RpcSubjects.FleetSyncGet]: { request: SyncIdRequest, response: returns<SyncRunDto>() },
  [RpcSubjects.FleetCommandRun]: { request: RunCommandRequest, response: returns<CommandAcceptedDto | CommandDryRunDto>(), what: 'request body', timeoutMs: LONG_MS },
  [RpcSubjects.FleetCommandGet]: { request: CommandIdRequest, response: returns<CommandDto>() },
  [RpcSubjects.FleetCommandList]: { request: ListCommandsQuery, response: returns<CommandPageDto>(), what: 'query' },
  [RpcSubjects.FleetCommandResults]: { request: ListCommandResultsRequest, response: returns<CommandResultPageDto>(), what: 'query' },
  // Without `stream`: the result with the first part of each stream; with it: one later part of that stream.
  [RpcSubjects.FleetCommandResult]: { request: CommandTargetRequest, response: returns<CommandOutputFirstPart | CommandOutputPart>(), timeoutMs: LONG_MS },
  [RpcSubjects.FleetCommandCancel]: { request: CancelCommandRequest, response: returns<CommandDto>() },
  /** Runs `aws <service> <operation> help` (a few seconds on a loaded machine). */
  [RpcSubjects.FleetCommandCheck]: { request: CheckCommandRequest, response: returns<CommandCheckDto>(), what: 'request body', timeoutMs: LONG_MS },
} as const satisfies { [S in RpcSubject]: RpcContract };
export type RpcContracts = typeof RpcContracts;

/** The payload of a subject without a request class. */
export type EmptyPayload = Record<string, never>;
/** What a caller sends on `S` (and what its handler receives, validated). */
export type RpcRequest<S extends RpcSubject> = RpcContracts[S]['request'] extends DtoClass<infer R> ? R : EmptyPayload;
/** What the handler of `S` answers. */
export type RpcResponse<S extends RpcSubject> = RpcContracts[S]['response'] extends Returns<infer R> ? R : never;
/** Subjects every instance answers (`gather`). */
export type GatherSubject = { [S in RpcSubject]: RpcContracts[S] extends { everyInstance: true } ? S : never }[RpcSubject];
/** Subjects one member of a queue group answers (`request`). */
export type RequestSubject = Exclude<RpcSubject, GatherSubject>;
/** The call options `S` takes: `{ timeoutMs }` where the contract says the caller computes it, none otherwise. */
export type RpcCallOptions<S extends RpcSubject> = RpcContracts[S] extends { timeoutMs: 'per-call' } ? [opts: { timeoutMs: number }] : [];

/** The contract of a subject at run time (undefined for a subject outside the map). */
export function rpcContract(subject: string): RpcContract | undefined {
  return Object.prototype.hasOwnProperty.call(RpcContracts, subject) ? (RpcContracts as Record<string, RpcContract>)[subject] : undefined;
}

/**
 * How long a caller waits on `subject`: the contract's bound, the caller's own where the contract says `'per-call'`,
 * else the transport's default (`nats.request_timeout_ms`).
 */
export function rpcTimeoutMs(subject: string, opts: { timeoutMs?: number } | undefined, fallbackMs: number): number {
  const t = rpcContract(subject)?.timeoutMs;
  if (t === 'per-call') return opts?.timeoutMs ?? fallbackMs;
  return t ?? fallbackMs;
}
