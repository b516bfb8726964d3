import { loadConfig } from '@app/config';
import {
  AccountDto,
  AppException,
  domainEvent,
  EventPayloads,
  EventSubject,
  EventSubjects,
  HealthStatus,
  IntegrationDto,
  IntegrationIdRequest,
  InstanceInfo,
  IntegrationPageDto,
  ListIntegrationsQuery,
  rpcContract,
  RpcContracts,
  RpcSubjects,
  ProbeResultDto,
} from '@app/contracts';
import { Controller } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { InProcessMessageBus } from './in-process-message-bus';
import { MessageBus, ServeOptions } from './message-bus';
import { MessagingModule } from './messaging.module';
import { OnMessage } from './on-message.decorator';

/**
 * The contract maps as types: each `@ts-expect-error` below must be an error, or `npm run typecheck` (which covers
 * spec files) fails with "Unused '@ts-expect-error' directive". The function is never called; tsc is its runner.
 */
export async function callSitesThatMustNotCompile(bus: MessageBus): Promise<void> {
  const id = '6f1c2a4e-8a52-4f5e-9d0c-1b2a3c4d5e6f';
  // The right call compiles and infers the response.
  const integration: IntegrationDto = await bus.request(RpcSubjects.IntegrationGet, { id });
  void integration;

  // @ts-expect-error a payload of the wrong type (id is a string)
  await bus.request(RpcSubjects.IntegrationGet, { id: 42 });
  // @ts-expect-error a payload missing a required field
  await bus.request(RpcSubjects.FleetAccountGet, {});
  // @ts-expect-error a payload with a field the request class does not have
  await bus.request(RpcSubjects.IntegrationGet, { id, force: true });
  // @ts-expect-error the response is an IntegrationDto, not an AccountDto
  const account: AccountDto = await bus.request(RpcSubjects.IntegrationGet, { id });
  void account;
  // @ts-expect-error no timeout literal at a call site: the contract holds it
  await bus.request(RpcSubjects.IntegrationGet, { id }, { timeoutMs: 30_000 });
  // @ts-expect-error the probe's contract leaves the bound to the caller, who must give it
  await bus.request(RpcSubjects.IntegrationProbe, { id });
  const probe: ProbeResultDto = await bus.request(RpcSubjects.IntegrationProbe, { id }, { timeoutMs: 35_000 });
  void probe;
  // @ts-expect-error every instance answers a ping: gather it, do not request it
  await bus.request(RpcSubjects.SystemPing, {});
  // @ts-expect-error one replica answers a get: request it, do not gather it
  await bus.gather(RpcSubjects.IntegrationGet, { id });
  // @ts-expect-error a subject outside the map
  await bus.request('rpc.integration.unknown', {});
}

export function eventsThatMustNotCompile(): void {
  domainEvent(EventSubjects.FleetAccountDeleted, { account_id: '123456789012' }, '123456789012');
  // @ts-expect-error the payload of fleet.account.deleted is { account_id }
  domainEvent(EventSubjects.FleetAccountDeleted, { id: '123456789012' }, '123456789012');
  // @ts-expect-error a field of the wrong type
  domainEvent(EventSubjects.HealthStatusChanged, { integration_id: 'x', from: HealthStatus.HEALTHY, to: HealthStatus.UNHEALTHY, consecutive_failures: '2', consecutive_successes: 0, reason: null }, 'x');
  // @ts-expect-error an event type outside EventSubjects
  domainEvent('fleet.account.renamed', { account_id: 'x' }, 'x');
}

// Every EventSubjects value has a payload type.
const everyEventHasAPayload: [Exclude<EventSubject, keyof EventPayloads>] extends [never] ? true : false = true;

@Controller()
class HandlersThatMustNotCompile {
  // @ts-expect-error answers an AccountDto where the contract says IntegrationDto
  @OnMessage(RpcSubjects.IntegrationGet)
  async get(req: IntegrationIdRequest): Promise<AccountDto> {
    return { account_id: req.id } as AccountDto;
  }

  // @ts-expect-error may answer null where the contract does not
  @OnMessage(RpcSubjects.IntegrationList)
  async list(): Promise<null> {
    return null;
  }
}

/** A handler that agrees with its contract, served by the real explorer. */
@Controller()
class ListHandler {
  received: unknown[] = [];

  @OnMessage(RpcSubjects.IntegrationList)
  async list(req: ListIntegrationsQuery): Promise<IntegrationPageDto> {
    this.received.push(req);
    return { items: [], total: 0, next_cursor: null, limit: req.limit ?? 0 };
  }
}

@Controller()
class PingHandler {
  @OnMessage(RpcSubjects.SystemPing)
  async ping(): Promise<InstanceInfo> {
    return { app: 'spec-app', instance_id: 'i', version: '0', started_at: new Date(0).toISOString(), uptime_seconds: 0, ready: true, checks: {} };
  }
}

describe('typed contracts', () => {
  it('has a contract for every RPC subject, and every fixed bound fits the HTTP request bound', () => {
    const config = loadConfig({ argv: [], env: {} });
    expect(everyEventHasAPayload).toBe(true);
    for (const subject of Object.values(RpcSubjects)) {
      const contract = rpcContract(subject);
      expect(contract).toBeDefined();
      const t = contract!.timeoutMs ?? config.nats.request_timeout_ms;
      if (t !== 'per-call') expect(t).toBeLessThan(config.server.request_timeout_ms);
    }
    expect(Object.keys(RpcContracts).sort()).toEqual(Object.values(RpcSubjects).sort());
    expect(HandlersThatMustNotCompile).toBeDefined();
  });

  describe('served by @OnMessage', () => {
    let app: TestingModule;
    let bus: InProcessMessageBus;
    const served: Array<{ subject: string; opts?: ServeOptions }> = [];

    beforeAll(async () => {
      bus = new InProcessMessageBus();
      const serve = bus.serve.bind(bus);
      jest.spyOn(bus, 'serve').mockImplementation((subject, handler, opts) => (served.push({ subject, opts }), serve(subject, handler, opts)));
      app = await (await Test.createTestingModule({ imports: [MessagingModule.forRoot({ bus, app: 'spec-app' })], controllers: [ListHandler, PingHandler] }).compile()).init();
    });
    afterAll(async () => {
      await app.close();
    });

    it('validates the payload into the contract\'s request class before the handler runs', async () => {
      const handler = app.get(ListHandler);
      await expect(bus.request(RpcSubjects.IntegrationList, { limit: 5 })).resolves.toMatchObject({ limit: 5 });
      expect(handler.received.at(-1)).toBeInstanceOf(ListIntegrationsQuery);
      const before = handler.received.length;
      const err = (await bus.request(RpcSubjects.IntegrationList, { limit: 'many' } as unknown as ListIntegrationsQuery).catch((e: unknown) => e)) as AppException;
      // The contract's `what` names the payload, as the handlers' own validation did.
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(err.message).toMatch(/^The query has 1 invalid field: limit/);
      expect(handler.received.length).toBe(before);
    });

    it('serves in the app\'s queue group, and on every instance where the contract says so', async () => {
      expect(served).toContainEqual({ subject: RpcSubjects.IntegrationList, opts: { app: 'spec-app', queue: 'spec-app' } });
      expect(served).toContainEqual({ subject: RpcSubjects.SystemPing, opts: { app: 'spec-app', queue: undefined } });
      expect(await bus.gather(RpcSubjects.SystemPing, {})).toMatchObject([{ app: 'spec-app', ready: true }]);
    });
  });
});
