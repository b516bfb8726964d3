import websocket from '@fastify/websocket';
import { allows, Identity, identityKey } from '@app/auth';
import { AppException } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { sendProblem, toAppException } from '@app/platform';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { Authenticator } from '../auth/authenticator';
import { RequestLimits } from '../auth/request-limits';
import { watchCredential } from './credential-watch';
import { EventStreams, parseSubjects } from './event-streams.service';

/** A client that reads slower than events arrive is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const PATH = '/api/v1/events/ws';

interface Opened {
  identity: Identity;
  patterns: string[];
  afterSequence?: number;
  credentials: Record<string, string | undefined>;
}

/**
 * `GET /api/v1/events/ws`: the SSE stream's events over a plain WebSocket, for clients that want WebSockets
 * without GraphQL. Same credentials (headers of the upgrade request), permission (EventsRead), `subjects`
 * rules and per-identity stream bound as `/api/v1/events/stream`; `after_sequence=<n>` resumes after a sequence.
 * Each text frame is `{ "sequence", "subject", "event" }`. Refusals are problem+json answers to the upgrade
 * request; a credential that expires or is revoked later closes the socket with 4403.
 */
export async function serveEventsWebSocket(nest: NestFastifyApplication): Promise<void> {
  const fastify = nest.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const authenticator = nest.get(Authenticator);
  const limits = nest.get(RequestLimits);
  const streams = nest.get(EventStreams);
  const bus = nest.get<MessageBus>(MESSAGE_BUS);
  const logger = new Logger('EventWebSocket');
  const opened = new WeakMap<FastifyRequest, Opened>();
  // Registered here first; Mercurius (graphql-ws subscriptions) reuses the same instance.
  await fastify.register(websocket, { options: { maxPayload: 4096 } });

  const prepare = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    try {
      const credentials = { authorization: header(req, 'authorization'), 'x-api-key': header(req, 'x-api-key') };
      const identity = await authenticator.authenticate(req.headers);
      if (!identity) throw new AppException('UNAUTHORIZED', 'Authentication required: send Authorization: Bearer <token> or X-API-Key with the upgrade request');
      limits.takeForIdentity(identityKey(identity));
      if (!allows(identity.role, 'EventsRead')) throw new AppException('FORBIDDEN', 'Requires the viewer role (EventsRead)');
      const query = req.query as Record<string, string | string[] | undefined>;
      const patterns = parseSubjects(query.subjects, identity);
      const raw = query.after_sequence;
      if (raw !== undefined && (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw))) throw new AppException('VALIDATION_FAILED', 'after_sequence must be a sequence number', { errors: [{ field: 'after_sequence', message: 'must be a sequence number' }] });
      opened.set(req, { identity, patterns, afterSequence: raw === undefined ? undefined : Number(raw), credentials });
    } catch (e) {
      sendProblem(reply, req, toAppException(e));
      return reply as never;
    }
  };

  fastify.get(PATH, { websocket: true, preValidation: prepare }, (socket: WebSocket, req: FastifyRequest) => {
    const o = opened.get(req)!;
    let release: (() => void) | undefined;
    const watch: { stop?: () => void } = {};
    let sub: { close(): Promise<void> } | undefined;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      release?.();
      watch.stop?.();
      void sub?.close().catch(() => undefined);
    };
    socket.on('close', close);
    socket.on('message', () => socket.close(1003, 'This stream is one-way')); // nothing is read from clients
    try {
      release = streams.acquire(o.identity, { end: () => socket.close(1001, 'The gateway is shutting down') });
    } catch (e) {
      const err = toAppException(e);
      socket.close(4429, err.message.slice(0, 100));
      return;
    }
    watch.stop = watchCredential(authenticator, o.credentials, (why) => socket.close(4403, why.message.slice(0, 100)));
    bus
      .stream(o.patterns, { afterSequence: o.afterSequence }, (event, position) => {
        if (closed || socket.readyState !== socket.OPEN) return;
        socket.send(JSON.stringify({ sequence: position.sequence, subject: position.subject, event }));
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          logger.warn({ msg: 'event websocket client too slow: closing', identity: o.identity.name });
          socket.close(4008, 'Too slow: reconnect with after_sequence');
        }
      })
      .then(
        (s) => {
          sub = s;
          if (closed) void s.close().catch(() => undefined);
          else socket.send(JSON.stringify({ subscribed: o.patterns, after_sequence: s.after ?? null }));
        },
        () => socket.close(1011, 'The event stream is not available'),
      );
    logger.log({ msg: 'event websocket opened', identity: o.identity.name, subjects: o.patterns, after_sequence: o.afterSequence ?? null });
  });
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}
