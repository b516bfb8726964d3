import { Direction, IntegrationStatus } from '@app/contracts';
import { CommandBus } from '@nestjs/cqrs';
import { ConnectorContextFactory } from '../../connector-context.factory';
import { IntegrationHealthCheck } from '../../integration-health-check';
import { IntegrationEntity } from '../../integration.entity';
import { IntegrationRepository } from '../../integration.repository';
import { CONNECTION_TEST_BUDGET_MS, TestIntegrationHandler } from './test-integration.handler';
import { TestIntegrationCommand } from './test-integration.command';

describe('TestIntegrationHandler', () => {
  const setup = (timeoutSeconds: number) => {
    const row = { id: 'i-1', name: 'grpc', status: IntegrationStatus.ACTIVE, direction: Direction.OUTBOUND, timeout_seconds: timeoutSeconds } as unknown as IntegrationEntity;
    const repo = { getOrThrow: jest.fn(async () => row), findById: jest.fn(async () => row) } as unknown as IntegrationRepository;
    const run = jest.fn(async () => ({ method: 'connector', healthy: false, status_code: null, error: 'unreachable' }));
    const commands = { execute: jest.fn(async () => row) } as unknown as CommandBus;
    const handler = new TestIntegrationHandler(repo, {} as ConnectorContextFactory, { run } as unknown as IntegrationHealthCheck, commands);
    return { handler, run };
  };

  it("waits for the peer no longer than the integration's own timeout (a 2 s gRPC peer is not given the health check's 30 s)", async () => {
    const { handler, run } = setup(2);
    const result = await handler.execute(new TestIntegrationCommand('i-1', false));
    expect(run).toHaveBeenCalledWith(expect.objectContaining({ id: 'i-1' }), { maxMs: 2000 });
    expect({ healthy: result.healthy, error: result.error }).toEqual({ healthy: false, error: 'unreachable' });
  });

  it('stays inside the budget the gateway waits for, whatever the integration allows', async () => {
    const { handler, run } = setup(3600);
    await handler.execute(new TestIntegrationCommand('i-1', false));
    expect(run).toHaveBeenCalledWith(expect.anything(), { maxMs: CONNECTION_TEST_BUDGET_MS });
  });
});
