import { InboundHookRequest, InboundHookResultDto, InboundRecentDto, InboundRecentRequest, RpcSubjects } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ReceiveWebhookCommand } from './commands/receive-webhook/receive-webhook.command';
import { ListRecentInboundQuery } from './queries/list-recent-inbound/list-recent-inbound.query';

/** Inbound over NATS: webhook requests forwarded by the gateway, and the recent-messages query. */
@Controller()
export class InboundRpcController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.IntegrationHook)
  hook(req: InboundHookRequest): Promise<InboundHookResultDto> {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) headers[k.toLowerCase()] = v;
    }
    return this.commands.execute(new ReceiveWebhookCommand(req.integration_id, headers, Buffer.from(req.body_base64, 'base64')));
  }

  @OnMessage(RpcSubjects.IntegrationInboundRecent)
  recent(req: InboundRecentRequest): Promise<InboundRecentDto> {
    return this.queries.execute(new ListRecentInboundQuery(req.id, req.limit ?? 20));
  }
}
