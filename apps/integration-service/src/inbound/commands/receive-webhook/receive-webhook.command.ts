/** One request to `POST /api/v1/hooks/{integrationId}`, as the gateway forwarded it. */
export class ReceiveWebhookCommand {
  constructor(
    readonly integrationId: string,
    readonly headers: Record<string, string | string[]>,
    readonly body: Buffer,
  ) {}
}
