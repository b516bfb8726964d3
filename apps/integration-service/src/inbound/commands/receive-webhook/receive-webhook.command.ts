import { InboundHookResultDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

/** One request to `POST /api/v1/hooks/{integrationId}`, as the gateway forwarded it. */
export class ReceiveWebhookCommand extends Command<InboundHookResultDto> {
  constructor(
    readonly integrationId: string,
    readonly headers: Record<string, string | string[]>,
    readonly body: Buffer,
  ) {
    super();
  }
}
