import { CloudEvent, EventSubjects, HealthStatus, HealthStatusChangedData, IntegrationStatus } from '@app/contracts';
import { InProcessMessageBus } from '@app/messaging';
import { CommandBus } from '@nestjs/cqrs';
import { ChangeIntegrationStatusCommand } from './commands/change-integration-status/change-integration-status.command';
import { HealthStatusConsumer } from './health-status.consumer';

/** The status reason of an integration moved by a health verdict, as health-monitor words it. */
describe('HealthStatusConsumer', () => {
  const run = async (data: HealthStatusChangedData) => {
    const executed: ChangeIntegrationStatusCommand[] = [];
    const commands = { execute: async (c: ChangeIntegrationStatusCommand) => (executed.push(c), null) } as unknown as CommandBus;
    await new HealthStatusConsumer(new InProcessMessageBus(), commands).handle({ type: EventSubjects.HealthStatusChanged, data } as CloudEvent);
    return executed;
  };
  const verdict = (over: Partial<HealthStatusChangedData>): HealthStatusChangedData => ({
    integration_id: '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10',
    from: HealthStatus.HEALTHY,
    to: HealthStatus.UNHEALTHY,
    consecutive_failures: 3,
    consecutive_successes: 0,
    reason: '3 consecutive failed health checks: expected status 200, got 500',
    ...over,
  });

  it('takes the reason of an UNHEALTHY verdict as is: the prefix once', async () => {
    const [cmd] = await run(verdict({}));
    expect(cmd).toMatchObject({ to: IntegrationStatus.ERROR, reason: '3 consecutive failed health checks: expected status 200, got 500' });
    expect(cmd.reason!.match(/consecutive failed health checks/g)).toHaveLength(1);
  });

  it('words a verdict without a reason itself, and a recovery', async () => {
    expect((await run(verdict({ reason: null })))[0].reason).toBe('3 consecutive failed health checks');
    expect((await run(verdict({ from: HealthStatus.UNHEALTHY, to: HealthStatus.HEALTHY, consecutive_failures: 0, consecutive_successes: 2, reason: null })))[0]).toMatchObject({
      to: IntegrationStatus.ACTIVE,
      reason: 'recovered after 2 successful health check(s)',
    });
  });
});
