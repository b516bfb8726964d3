import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com/): HMAC-SHA256 over "${id}.${timestamp}.${body}",
 * key = base64 after `whsec_`, header `webhook-signature: v1,<base64>` (several, space-separated, while
 * secrets rotate).
 */

const PREFIX = 'whsec_';

/** A new signing secret in Svix's format: `whsec_` and base64 of 24 random bytes (192 bits). */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

/** The HMAC key of a `whsec_...` secret, or null when it is not valid base64 of at least 16 bytes. */
export function webhookSecretKey(secret: string): Buffer | null {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const key = Buffer.from(b64, 'base64');
  return key.length >= 16 && key.length <= 128 ? key : null;
}

function signedContent(id: string, timestamp: string | number, body: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

/** The `webhook-signature` value: one `v1,<sig>` per secret. */
export function signStandardWebhook(id: string, timestamp: number, body: Buffer | string, secrets: string[]): string {
  const content = signedContent(id, timestamp, body);
  return secrets
    .map((s) => {
      const key = webhookSecretKey(s);
      if (!key) throw new Error('Invalid webhook secret');
      return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
    })
    .join(' ');
}

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: string };

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * Verifies an inbound Standard Webhooks request. `rawBody` must be the bytes as received (not re-serialised
 * JSON). Timestamps more than `toleranceSeconds` away from `now` (unix seconds) are refused against replays.
 */
export function verifyStandardWebhook(
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer | string,
  secrets: string[],
  toleranceSeconds = 300,
  now: number = Math.floor(Date.now() / 1000),
): WebhookVerification {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const sig = header(headers, 'webhook-signature');
  if (!id || !ts || !sig) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'invalid webhook-timestamp' };
  const timestamp = Number(ts);
  if (Math.abs(now - timestamp) > toleranceSeconds) return { ok: false, reason: 'timestamp outside the tolerance' };
  const content = signedContent(id, ts, rawBody);
  const expected = secrets
    .map(webhookSecretKey)
    .filter((k): k is Buffer => k !== null)
    .map((key) => createHmac('sha256', key).update(content).digest());
  if (!expected.length) return { ok: false, reason: 'no valid secret configured' };
  for (const part of sig.split(' ')) {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    // Compare against every secret without stopping early, so timing does not tell which one matched.
    let match = false;
    for (const e of expected) if (given.length === e.length && timingSafeEqual(given, e)) match = true;
    if (match) return { ok: true, id, timestamp };
  }
  return { ok: false, reason: 'no matching signature' };
}
