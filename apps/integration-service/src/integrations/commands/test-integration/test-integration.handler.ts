import { randomUUID } from 'node:crypto';
import { AppException, createCloudEvent, Direction, IntegrationStatus, RpcSubjects, rpcTimeoutMs, TestIntegrationResultDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Connector } from '../../../connectors';
import { ConnectorContextFactory } from '../../connector-context.factory';
import { IntegrationHealthCheck } from '../../integration-health-check';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { assertTransition } from '../../lifecycle/integration-lifecycle';
import { ChangeIntegrationStatusCommand } from '../change-integration-status/change-integration-status.command';
import { TestIntegrationCommand } from './test-integration.command';

/**
 * The test's own work (check, then the test event) ends before the gateway stops waiting for the answer (the RPC
 * contract's timeout, itself under the 15 s request bound), leaving time to record the outcome: a peer that never
 * answers fails the test in time, whatever the integration's own timeouts (up to an hour).
 */
export const CONNECTION_TEST_BUDGET_MS = rpcTimeoutMs(RpcSubjects.IntegrationTest, undefined, 14_000) - 2_000;

/** CONFIGURING/ACTIVE/ERROR → TESTING → ACTIVE on success, ERROR with the reason on failure. */
@CommandHandler(TestIntegrationCommand)
export class TestIntegrationHandler implements ICommandHandler<TestIntegrationCommand> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly connectors: ConnectorContextFactory,
    private readonly healthCheck: IntegrationHealthCheck,
    private readonly commands: CommandBus,
  ) {}

  async execute({ id, sendTestEvent }: TestIntegrationCommand): Promise<TestIntegrationResultDto> {
    const row = await this.repo.getOrThrow(id);
    assertTransition(row.status as IntegrationStatus, IntegrationStatus.TESTING, row.name);
    if (sendTestEvent && row.direction === Direction.INBOUND) {
      throw new AppException('VALIDATION_FAILED', 'An INBOUND integration cannot send a test event', { errors: [{ field: 'send_test_event', message: 'only for OUTBOUND and BIDIRECTIONAL integrations' }] });
    }
    await this.commands.execute(new ChangeIntegrationStatusCommand(id, IntegrationStatus.TESTING, 'connection test started'));

    const started = performance.now();
    let healthy = false;
    let error: string | null = null;
    let sent: boolean | null = null;
    let connector: Connector | undefined;
    let deadline: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`the connection test did not finish within ${CONNECTION_TEST_BUDGET_MS / 1000} s`)), CONNECTION_TEST_BUDGET_MS);
    });
    try {
      // Each step is bounded by the budget and the steps together race it; the outcome is the winner's only.
      ({ healthy, error, sent } = await Promise.race([
        (async () => {
          // The same verdict as the background check: the configured endpoint when there is one, else the connector's own
          // check; a test is one operation against the peer, so it waits no longer than the integration's own timeout.
          const health = await this.healthCheck.run(row, { maxMs: Math.min(row.timeout_seconds * 1000, CONNECTION_TEST_BUDGET_MS) });
          if (!health.healthy || !sendTestEvent) return { healthy: health.healthy, error: health.error, sent };
          connector = this.connectors.create(row, Math.min(row.timeout_seconds * 1000, CONNECTION_TEST_BUDGET_MS));
          await connector.initialize();
          if (!connector.send) return { healthy: true, error: null, sent };
          const event = createCloudEvent({ type: 'integration.test', source: '/aws-mcp-server/integration-service', subject: id, data: { integration_id: id, message: 'Test event from AWS MCP Server' } });
          const result = await connector.send({ deliveryId: randomUUID(), attempt: 1, event });
          return result.ok ? { healthy: true, error: null, sent: true } : { healthy: false, error: `test event not accepted: ${result.error ?? `status ${result.statusCode}`}`, sent: false };
        })(),
        outOfTime,
      ]));
    } catch (e) {
      healthy = false;
      error = (e as Error).message;
    } finally {
      clearTimeout(deadline);
      // Also ends what a step still waits for once the budget is spent.
      await connector?.close().catch(() => undefined);
    }
    const latency = Math.round(performance.now() - started);
    const to = healthy ? IntegrationStatus.ACTIVE : IntegrationStatus.ERROR;
    const after = await this.commands.execute(new ChangeIntegrationStatusCommand(id, to, healthy ? 'connection test passed' : error, { from: IntegrationStatus.TESTING, quietIfInvalid: true }));
    return { id, status: after?.status ?? to, healthy, latency_ms: latency, error, test_event_sent: sent };
  }
}
