import { AppException, IntegrationType, SECRET_MASK } from '@app/contracts';
import { generateWebhookSecret } from './standard-webhooks';

type Json = Record<string, unknown>;

/**
 * `connection.rotation` of a WEBHOOK after a rotation: the secret it replaced, still signed with (outbound) and
 * accepted (inbound) until `expires_at`, so that receivers and senders can switch over without a gap. Sealed and
 * masked like every secret (`previous_secret` is a credential key).
 */
export interface SigningRotation {
  previous_secret: string;
  expires_at: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The rotation in progress at `nowMs`, or null (none, malformed, or its grace is over). */
export function activeRotation(connection: Json, nowMs: number): SigningRotation | null {
  const r = connection.rotation;
  if (!isObject(r) || typeof r.previous_secret !== 'string' || typeof r.expires_at !== 'string') return null;
  const until = Date.parse(r.expires_at);
  return Number.isFinite(until) && until > nowMs ? { previous_secret: r.previous_secret, expires_at: new Date(until).toISOString() } : null;
}

/** The secret an admin reads and rotates: `secret`, else the first of `secrets`. */
export function currentSigningSecret(connection: Json): string | undefined {
  if (typeof connection.secret === 'string' && connection.secret) return connection.secret;
  const list = Array.isArray(connection.secrets) ? connection.secrets : [];
  return list.find((s): s is string => typeof s === 'string' && s !== '');
}

/**
 * Every secret a message is signed with (one `v1,` signature each, Standard Webhooks) and an inbound message may be
 * signed with: `secrets`, `secret`, and the previous secret while its rotation's grace lasts (`nowMs` given).
 */
export function signingSecrets(connection: Json, nowMs?: number): string[] {
  const list = Array.isArray(connection.secrets) ? connection.secrets.filter((s): s is string => typeof s === 'string') : [];
  const primary = typeof connection.secret === 'string' && connection.secret ? [connection.secret] : [];
  const previous = nowMs === undefined ? null : activeRotation(connection, nowMs);
  return [...new Set([...list, ...primary, ...(previous ? [previous.previous_secret] : [])])];
}

/**
 * A WEBHOOK always has a signing secret (unsigned webhooks were issue 14's item 20): a connection without `secret`
 * or `secrets` gets one. On create it is generated; on an update that leaves it out, the stored one is kept
 * (`storedSecret`: the mask, which the update resolves to the stored value), since a PUT that drops it cannot mean
 * "send unsigned from now on", and a silent new key would break every receiver. Other connections are unchanged.
 */
export function withSigningSecret(connection: Json, storedSecret: boolean, generate: () => string = generateWebhookSecret): Json {
  if (signingSecrets(connection).length) return connection;
  return { ...connection, secret: storedSecret ? SECRET_MASK : generate() };
}

/**
 * The connection after a rotation: a new `secret`; the one it replaces (`current`, in clear) becomes
 * `rotation.previous_secret` until now + `graceSeconds` (0: at once, as after a leak). A rotation still in its grace
 * is replaced, so at most two secrets of the rotation are ever valid. `secrets` (extra keys the owner manages) stay.
 */
export function rotatedConnection(connection: Json, current: string | undefined, nowMs: number, graceSeconds: number, fresh: string = generateWebhookSecret()): Json {
  const { rotation: _previousRotation, ...rest } = connection;
  const next: Json = { ...rest, secret: fresh };
  if (current && graceSeconds > 0) next.rotation = { previous_secret: current, expires_at: new Date(nowMs + graceSeconds * 1000).toISOString() } satisfies SigningRotation;
  return next;
}

/** Only a WEBHOOK has a signing secret: anything else is a 409 naming what it is. */
export function requireWebhook(row: { id: string; name: string; type: string }): void {
  if (row.type !== IntegrationType.WEBHOOK) throw new AppException('INTEGRATION_NOT_WEBHOOK', `Integration "${row.name}" is ${row.type}: only WEBHOOK integrations have a signing secret`);
}
