import { Readable } from 'node:stream';
import { WEBHOOK_MAX_BODY_BYTES } from '@app/contracts';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** `POST /api/v1/hooks/{integration_id}` (query string allowed). */
const HOOK_PATH = /^\/api\/v1\/hooks\/[^/?#]+\/?(\?.*)?$/;

const RAW_BODY = Symbol('webhookRawBody');

/** The bytes of a webhook request exactly as received (signatures are over these, not re-serialised JSON). */
export function webhookRawBody(req: FastifyRequest): Buffer | undefined {
  return (req as FastifyRequest & { [RAW_BODY]?: Buffer })[RAW_BODY];
}

/**
 * Keeps the raw body of webhook requests, and only of those, bounded to WEBHOOK_MAX_BODY_BYTES (413 above it):
 * a preParsing hook reads the stream once, keeps the bytes on the request and hands the parser the same bytes.
 * Every other route is parsed as before, with the server's own body limit.
 */
export function keepWebhookRawBody(nest: NestFastifyApplication, limit = WEBHOOK_MAX_BODY_BYTES): void {
  const fastify = nest.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method !== 'POST' || !HOOK_PATH.test(req.url)) return payload;
    const tooLarge = () => Object.assign(new Error(`The webhook body exceeds ${limit} bytes`), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped (up to 16× the limit), so the client gets its 413 instead of a reset.
    for await (const chunk of payload) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += b.length;
      if (size <= limit) chunks.push(b);
      else if (size > limit * 16) throw tooLarge();
    }
    if (size > limit) throw tooLarge();
    const raw = Buffer.concat(chunks);
    (req as FastifyRequest & { [RAW_BODY]?: Buffer })[RAW_BODY] = raw;
    const replay = Readable.from([raw]) as Readable & { receivedEncodedLength?: number };
    replay.receivedEncodedLength = raw.length;
    return replay;
  });
}
