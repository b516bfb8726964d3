import { AppException, unavailableException } from '@app/contracts';
import { currentCorrelationId, messageDuration, messagesHandled, normaliseCorrelationId, runWithCorrelation } from '@app/observability';
import { Logger } from '@nestjs/common';
import { MessageContext, ReplyEnvelope, RequestHandler } from './message-bus';

const logger = new Logger('Messaging');

/**
 * Runs a request handler the same way on every transport: inside the caller's correlation id, with metrics,
 * and with every failure turned into an error envelope (unknown errors are logged and hidden).
 */
export async function runHandler(app: string, handler: RequestHandler, payload: unknown, subject: string, correlationId: string | undefined): Promise<ReplyEnvelope> {
  const id = normaliseCorrelationId(correlationId);
  return runWithCorrelation(id, async () => {
    const end = messageDuration.startTimer({ app, subject });
    const ctx: MessageContext = { subject, correlationId: id };
    try {
      const data = await handler(payload, ctx);
      end({ outcome: 'ok' });
      messagesHandled.inc({ app, subject, outcome: 'ok' });
      return { ok: true, data: data ?? null };
    } catch (e) {
      const outcome = e instanceof AppException && e.status < 500 ? 'rejected' : 'error';
      end({ outcome });
      messagesHandled.inc({ app, subject, outcome });
      if (e instanceof AppException) {
        if (e.status >= 500) logger.warn(`${subject} failed: ${e.code}: ${e.message}`);
        return { ok: false, error: e.toPayload() };
      }
      // The service's database (or another dependency) is down: the caller gets 503 + Retry-After, not a 500.
      const unavailable = unavailableException(e);
      if (unavailable) {
        logger.warn(`${subject} failed: ${unavailable.message}`);
        return { ok: false, error: unavailable.toPayload() };
      }
      const errorId = normaliseCorrelationId(undefined);
      logger.error({ msg: `${subject} failed with an unexpected error`, error_id: errorId, err: e });
      return { ok: false, error: new AppException('INTERNAL_ERROR', `Unexpected error (error id ${errorId})`).toPayload() };
    }
  });
}

/** Turns a reply envelope back into a value or the same AppException on the caller's side. */
export function unwrapReply<T>(reply: unknown): T {
  const env = reply as ReplyEnvelope;
  if (env && env.ok === true) return env.data as T;
  if (env && env.ok === false && AppException.isPayload(env.error)) throw AppException.fromPayload(env.error);
  throw new AppException('INTERNAL_ERROR', 'Malformed reply from a service');
}

export function outgoingCorrelationId(): string {
  return currentCorrelationId() ?? normaliseCorrelationId(undefined);
}
