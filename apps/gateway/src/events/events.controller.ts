import { Identity, RequirePermission } from '@app/auth';
import { AppException } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { ApiProblems } from '@app/platform';
import { Controller, Get, Headers, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentIdentity } from '../auth/current-identity';
import { EventStreams, parseSubjects } from './event-streams.service';

const HEARTBEAT_MS = 15_000;
/** A client that reads slower than events arrive is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

@ApiTags('events')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api/v1/events')
export class EventsController {
  private readonly logger = new Logger('EventStream');

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly streams: EventStreams,
  ) {}

  @Get('stream')
  @RequirePermission('EventsRead')
  @ApiOperation({
    summary: 'Live events (Server-Sent Events)',
    description:
      'Relays the domain events (CloudEvents) on the subjects asked for. Each SSE message has `id:` = the stream sequence, `event:` = the event type and `data:` = the CloudEvent. The first message is the position the stream starts after (`id:` with empty `data:`, which EventSource does not dispatch). Reconnect with `Last-Event-ID` to resume after that sequence. A comment line is sent every 15 s as a heartbeat.',
  })
  @ApiQuery({ name: 'subjects', required: false, description: 'Comma-separated NATS patterns, e.g. `fleet.resource.*,health.>`; default: every domain', example: 'fleet.resource.*,health.>' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this sequence' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream' })
  @ApiProblems(400, 401, 403, 429, 503)
  async stream(
    @Query('subjects') subjects: string | string[] | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentIdentity() identity: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const patterns = parseSubjects(subjects, identity);
    let afterSequence: number | undefined;
    if (lastEventId !== undefined && lastEventId !== '') {
      if (!/^\d{1,15}$/.test(lastEventId)) throw new AppException('VALIDATION_FAILED', 'Last-Event-ID must be a sequence number from an id: line', { errors: [{ field: 'Last-Event-ID', message: 'must be a sequence number' }] });
      afterSequence = Number(lastEventId);
    }
    const res = reply.raw;
    const release = this.streams.acquire(identity, res);
    let live = false;
    const early: string[] = [];
    const send = (chunk: string) => {
      if (!live) return void early.push(chunk);
      if (res.writableEnded || res.destroyed) return;
      res.write(chunk);
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.logger.warn({ msg: 'event stream client too slow: closing', identity: identity.name });
        res.destroy();
      }
    };
    let subscription;
    try {
      subscription = await this.bus.stream(patterns, { afterSequence }, (event, position) => {
        send(`id: ${position.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
    } catch (e) {
      release();
      throw e instanceof AppException ? e : new AppException('SERVICE_UNAVAILABLE', 'The event stream is not available', { retryAfterSeconds: 5 });
    }
    // From here on the connection is ours: Fastify no longer answers it.
    reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string | number | string[];
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // The position comes as an id with empty data: EventSource (and our client) take it as the Last-Event-ID to
    // resume after without dispatching anything, so a reconnect before the first event still loses none.
    const position = subscription.after !== undefined ? `id: ${subscription.after}\ndata:\n` : '';
    res.write(`retry: 3000\n: subscribed to ${patterns.join(',')}\n${position}\n`);
    live = true;
    for (const chunk of early.splice(0)) send(chunk);
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
    const sub = subscription;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      release();
      void sub.close().catch(() => undefined);
    };
    res.on('close', close);
    req.raw.on('close', () => {
      if (res.writableEnded || res.destroyed) close();
    });
    this.logger.log({ msg: 'event stream opened', identity: identity.name, subjects: patterns, after_sequence: afterSequence ?? null });
  }
}
