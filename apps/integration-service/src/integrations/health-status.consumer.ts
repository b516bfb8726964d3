import { CloudEvent, EventSubjects, HealthStatus, HealthStatusChangedData, IntegrationStatus } from '@app/contracts';
import { Closeable, MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ChangeIntegrationStatusCommand } from './commands/change-integration-status/change-integration-status.command';

/**
 * Reacts to health-monitor's verdicts: UNHEALTHY moves a live integration to ERROR, HEALTHY moves it (back) to
 * ACTIVE (recovery). Durable: a verdict published while this service was down is applied when it returns.
 */
@Injectable()
export class HealthStatusConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthStatusConsumer.name);
  private subscription?: Closeable;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.consume({ durable: 'integration-service-health', subjects: [EventSubjects.HealthStatusChanged], handler: (e) => this.handle(e) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  async handle(event: CloudEvent): Promise<void> {
    const data = event.data as HealthStatusChangedData;
    if (!data?.integration_id || (data.to !== HealthStatus.HEALTHY && data.to !== HealthStatus.UNHEALTHY)) return;
    const to = data.to === HealthStatus.HEALTHY ? IntegrationStatus.ACTIVE : IntegrationStatus.ERROR;
    // health-monitor's reason is already the whole sentence ("3 consecutive failed health checks: …"): used as is.
    const reason = data.to === HealthStatus.HEALTHY ? `recovered after ${data.consecutive_successes} successful health check(s)` : (data.reason ?? `${data.consecutive_failures} consecutive failed health checks`);
    // Not valid from INACTIVE/DEPRECATED/TESTING: ignored, quietly (a late verdict is not an error).
    const changed = await this.commands.execute(new ChangeIntegrationStatusCommand(data.integration_id, to, reason, { quietIfInvalid: true }));
    if (changed) this.logger.log(`integration ${data.integration_id} is now ${to}: ${reason}`);
  }
}
