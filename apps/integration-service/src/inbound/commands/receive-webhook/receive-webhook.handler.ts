import { InboundHookResultDto, inboundSubject } from '@app/contracts';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { inboundEventId } from '../../inbound-publisher';
import { InboundRuntime } from '../../inbound.runtime';
import { ReceiveWebhookCommand } from './receive-webhook.command';

function header(headers: Record<string, string | string[]>, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** Verifies (signature, 5-minute tolerance) and publishes; resolves once the event is on the bus. */
@CommandHandler(ReceiveWebhookCommand)
export class ReceiveWebhookHandler implements ICommandHandler<ReceiveWebhookCommand> {
  constructor(private readonly runtime: InboundRuntime) {}

  async execute({ integrationId, headers, body }: ReceiveWebhookCommand): Promise<InboundHookResultDto> {
    await this.runtime.receiveWebhook(integrationId, headers, body);
    return { event_id: inboundEventId(integrationId, header(headers, 'webhook-id')), subject: inboundSubject(integrationId) };
  }
}
