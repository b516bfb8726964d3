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
import { GetHealthHistoryRequest, GetIntegrationHealthRequest, HealthHistoryPageDto, IntegrationHealthDto, IntegrationHealthListDto, ListIntegrationHealthRequest, ProbeIntegrationRequest, ProbeResultDto } from './health';
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

/**
 * Every RPC subject, declared once: its name, its subject (under `rpc.`, so it never falls into the event stream), what a
 * door sends, what the service answers, how long to wait. `RpcSubjects` and the subject-keyed `RpcContracts` come from it.
 */
const RPC = {
  IntegrationCreate: { subject: 'rpc.integration.create', request: IntegrationConfigDto, response: returns<IntegrationDto>(), what: 'integration' },
  IntegrationUpdate: { subject: 'rpc.integration.update', request: UpdateIntegrationRequest, response: returns<IntegrationDto>(), what: 'integration' },
  IntegrationDelete: { subject: 'rpc.integration.delete', request: IntegrationIdRequest, response: returns<{ deleted: true }>() },
  IntegrationGet: { subject: 'rpc.integration.get', request: IntegrationIdRequest, response: returns<IntegrationDto>() },
  IntegrationList: { subject: 'rpc.integration.list', request: ListIntegrationsQuery, response: returns<IntegrationPageDto>(), what: 'query' },
  // The connection test's own work is bounded below the request bound (issue 14 item 12); this waits just under it.
  IntegrationTest: { subject: 'rpc.integration.test', request: TestIntegrationRequest, response: returns<TestIntegrationResultDto>(), timeoutMs: LONG_MS },
  IntegrationLifecycle: { subject: 'rpc.integration.lifecycle', request: LifecycleRequest, response: returns<IntegrationDto>() },
  IntegrationBulk: { subject: 'rpc.integration.bulk', request: BulkRegisterRequest, response: returns<BulkRegisterResultDto>(), what: 'request body', timeoutMs: LONG_MS },
  IntegrationTypes: { subject: 'rpc.integration.types', request: null, response: returns<IntegrationTypeDto[]>() },
  /** integration-service: a WEBHOOK's signing secret in clear (admins only; the reply is the only place it travels). */
  IntegrationSecretGet: { subject: 'rpc.integration.secret.get', request: IntegrationIdRequest, response: returns<SigningSecretDto>() },
  /** integration-service: a new signing secret, the previous one kept for a grace period. */
  IntegrationSecretRotate: { subject: 'rpc.integration.secret.rotate', request: RotateSigningSecretRequest, response: returns<SigningSecretDto>(), what: 'request body' },
  /** integration-service runs one integration's health check (endpoint with auth applied, or the connector's). */
  // health-monitor waits for the check's own timeout_seconds plus a margin (not an HTTP route).
  IntegrationProbe: { subject: 'rpc.integration.probe', request: ProbeIntegrationRequest, response: returns<ProbeResultDto>(), timeoutMs: 'per-call' },
  /** integration-service: one integration's deliveries (with attempts), cursor-paged. */
  IntegrationDeliveriesList: { subject: 'rpc.integration.deliveries.list', request: ListDeliveriesRequest, response: returns<DeliveryPageDto>(), what: 'query' },
  IntegrationDeliveryRetry: { subject: 'rpc.integration.deliveries.retry', request: DeliveryRefRequest, response: returns<DeliveryDto>() },
  IntegrationReplay: { subject: 'rpc.integration.deliveries.replay', request: ReplayRequest, response: returns<ReplayResultDto>(), what: 'request body', timeoutMs: LONG_MS },
  IntegrationCircuitGet: { subject: 'rpc.integration.circuit.get', request: IntegrationIdRequest, response: returns<CircuitDto>() },
  /** gateway → integration-service: one `POST /api/v1/hooks/{id}` (headers + raw body base64), verified by the WEBHOOK connector. */
  IntegrationHook: { subject: 'rpc.integration.hook', request: InboundHookRequest, response: returns<InboundHookResultDto>() },
  /** integration-service: the last messages an inbound integration received and published. */
  IntegrationInboundRecent: { subject: 'rpc.integration.inbound.recent', request: InboundRecentRequest, response: returns<InboundRecentDto>(), what: 'query' },
  /** health-monitor: one integration's health (status, counters, uptime, latest checks). */
  HealthGet: { subject: 'rpc.health.get', request: GetIntegrationHealthRequest, response: returns<IntegrationHealthDto>() },
  /** health-monitor: the health of up to 100 integrations at once (what a page's relations batch into). */
  HealthList: { subject: 'rpc.health.list', request: ListIntegrationHealthRequest, response: returns<IntegrationHealthListDto>() },
  /** health-monitor: one integration's check history, newest first, cursor-paged. */
  HealthHistory: { subject: 'rpc.health.history', request: GetHealthHistoryRequest, response: returns<HealthHistoryPageDto>(), what: 'query' },
  /** Every instance answers (no queue group): who is running, and is it ready. */
  // The gather window: every instance that answers within it is listed.
  SystemPing: { subject: 'rpc.system.ping', request: null, response: returns<InstanceInfo>(), timeoutMs: 1000, everyInstance: true },
  FleetAccountCreate: { subject: 'rpc.fleet.account.create', request: CreateAccountRequest, response: returns<AccountDto>(), what: 'account' },
  FleetAccountUpdate: { subject: 'rpc.fleet.account.update', request: UpdateAccountRequest, response: returns<AccountDto>(), what: 'account' },
  FleetAccountDelete: { subject: 'rpc.fleet.account.delete', request: AccountIdRequest, response: returns<{ deleted: true }>() },
  FleetAccountGet: { subject: 'rpc.fleet.account.get', request: AccountIdRequest, response: returns<AccountDto>() },
  FleetAccountList: { subject: 'rpc.fleet.account.list', request: ListAccountsQuery, response: returns<AccountPageDto>(), what: 'query' },
  FleetAccountDiscover: { subject: 'rpc.fleet.account.discover', request: DiscoverAccountsRequest, response: returns<DiscoverAccountsResultDto>(), what: 'request', timeoutMs: LONG_MS },
  FleetResourceList: { subject: 'rpc.fleet.resource.list', request: ListResourcesQuery, response: returns<ResourcePageDto>(), what: 'query' },
  FleetResourceGet: { subject: 'rpc.fleet.resource.get', request: ResourceArnRequest, response: returns<ResourceDto>() },
  FleetResourceSummary: { subject: 'rpc.fleet.resource.summary', request: ResourceSummaryQuery, response: returns<ResourceSummaryDto>(), what: 'query' },
  /** The recorded changes of resources (history), newest first. */
  FleetResourceChanges: { subject: 'rpc.fleet.resource.changes', request: ListResourceChangesQuery, response: returns<ResourceChangePageDto>(), what: 'query' },
  FleetSyncStart: { subject: 'rpc.fleet.sync.start', request: StartSyncRequest, response: returns<SyncAcceptedDto>(), what: 'request' },
  FleetSyncGet: { subject: 'rpc.fleet.sync.get', request: SyncIdRequest, response: returns<SyncRunDto>() },
  /** Fleet commands (AWS CLI across accounts × regions): run (or dry-run), read, cancel. */
  FleetCommandRun: { subject: 'rpc.fleet.command.run', request: RunCommandRequest, response: returns<CommandAcceptedDto | CommandDryRunDto>(), what: 'request body', timeoutMs: LONG_MS },
  FleetCommandGet: { subject: 'rpc.fleet.command.get', request: CommandIdRequest, response: returns<CommandDto>() },
  FleetCommandList: { subject: 'rpc.fleet.command.list', request: ListCommandsQuery, response: returns<CommandPageDto>(), what: 'query' },
  FleetCommandResults: { subject: 'rpc.fleet.command.results', request: ListCommandResultsRequest, response: returns<CommandResultPageDto>(), what: 'query' },
  // Without `stream`: the result with the first part of each stream; with it: one later part of that stream.
  FleetCommandResult: { subject: 'rpc.fleet.command.result', request: CommandTargetRequest, response: returns<CommandOutputFirstPart | CommandOutputPart>(), timeoutMs: LONG_MS },
  FleetCommandCancel: { subject: 'rpc.fleet.command.cancel', request: CancelCommandRequest, response: returns<CommandDto>() },
  /** Runs `aws <service> <operation> help` (a few seconds on a loaded machine). */
  FleetCommandCheck: { subject: 'rpc.fleet.command.check', request: CheckCommandRequest, response: returns<CommandCheckDto>(), what: 'request body', timeoutMs: LONG_MS },
} as const satisfies Record<string, RpcContract & { subject: `rpc.${string}` }>;
type Rpc = typeof RPC;

/** `RpcSubjects.IntegrationCreate` is `'rpc.integration.create'`: the names every caller and handler use. */
export const RpcSubjects = Object.fromEntries(Object.entries(RPC).map(([name, c]) => [name, c.subject])) as { readonly [K in keyof Rpc]: Rpc[K]['subject'] };
export type RpcSubject = (typeof RpcSubjects)[keyof typeof RpcSubjects];

/** The contracts keyed by subject, as the bus and `@OnMessage` look them up. */
export const RpcContracts = Object.fromEntries(Object.values(RPC).map((c) => [c.subject, c])) as { readonly [K in keyof Rpc as Rpc[K]['subject']]: Rpc[K] };
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
