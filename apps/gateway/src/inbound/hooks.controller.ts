import { Public } from '@app/auth';
import { AppException, InboundHookResultDto, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { webhookRawBody } from './webhook-raw-body';

/** Request headers that matter to verification; nothing else (cookies, Authorization) is forwarded. */
const FORWARDED = /^(webhook-[a-z-]+|content-type|user-agent)$/;

/** The webhook receiver of INBOUND/BIDIRECTIONAL WEBHOOK integrations (Standard Webhooks). */
@ApiTags('inbound')
@Controller('api/v1/hooks')
export class HooksController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Post(':integration_id')
  @HttpCode(200)
  // Public on purpose: a webhook sender has no user token. Authentication is the Standard Webhooks signature
  // (HMAC-SHA256 with the integration's secret, timestamp within 5 minutes), checked in integration-service,
  // where the secret lives. The AuthGuard skips routes marked @Public() (apps/gateway/src/auth/auth.guard.ts).
  @Public()
  @ApiOperation({
    summary: 'Receive a webhook for an inbound integration',
    description:
      'Verified per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`, 5-minute tolerance) with the integration\'s `whsec_` secret(s), then published as a CloudEvent (`integration.inbound.received`) on `integration.inbound.{integration_id}`. The body must be JSON, at most 256 KiB. 401 for a bad signature or stale timestamp, 404 for an unknown or non-receiving integration, 503 while it is not ACTIVE.',
  })
  @ApiParam({ name: 'integration_id', format: 'uuid' })
  @ApiBody({ description: 'Any JSON, signed as sent', schema: { type: 'object' } })
  @ApiOkResponse({ type: InboundHookResultDto })
  @ApiProblems(400, 401, 404, 413, 503)
  receive(@Param('integration_id', new ParseUuidPipe('integration_id')) id: string, @Req() req: FastifyRequest): Promise<InboundHookResultDto> {
    const raw = webhookRawBody(req);
    if (!raw) throw new AppException('BAD_REQUEST', 'The webhook body could not be read');
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (FORWARDED.test(k) && v !== undefined) headers[k] = v;
    return this.bus.request(RpcSubjects.IntegrationHook, { integration_id: id, headers, body_base64: raw.toString('base64') });
  }
}
