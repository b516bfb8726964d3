import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { CLIENT_CAPABILITIES_META_KEY, ServerContext } from '@modelcontextprotocol/server';

export const MCP_CONFIRMATION_KEY = Symbol('MCP_CONFIRMATION_KEY');
const TTL_MS = 5 * 60_000;

/** The key of confirmation tokens, derived from the JWT secret that every gateway replica shares. */
export function confirmationKey(jwtSecret: Buffer): Buffer {
  return createHmac('sha256', jwtSecret).update('mcp-confirmation-v1').digest();
}

/** One digest per exact request: who asks and everything that decides what runs where. */
export function requestDigest(who: string, what: unknown): string {
  return createHash('sha256').update(JSON.stringify([who, what])).digest('base64url');
}

/**
 * Short-lived proof that this gateway asked for a confirmation of exactly this request by this caller: `<expiry>.<mac>`.
 * Stateless (any replica verifies it), bound to the request digest, useless for any other command, target or caller.
 */
export class ConfirmationTokens {
  constructor(private readonly key: Buffer) {}

  mint(digest: string, now = Date.now()): string {
    const exp = String(now + TTL_MS);
    return `${exp}.${this.mac(digest, exp)}`;
  }

  verify(token: unknown, digest: string, now = Date.now()): boolean {
    if (typeof token !== 'string') return false;
    const m = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m || Number(m[1]) < now) return false;
    const given = Buffer.from(m[2]);
    const expected = Buffer.from(this.mac(digest, m[1]));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(digest: string, exp: string): string {
    return createHmac('sha256', this.key).update(`${digest}.${exp}`).digest('base64url');
  }
}

/**
 * Whether the client can answer an elicitation on this request: declared in the 2026-07-28 per-request envelope. A
 * 2025-era request served statelessly cannot be asked (the answer would arrive at another server instance).
 */
export function canElicit(ctx: ServerContext): boolean {
  const envelope: Record<string, unknown> | undefined = ctx.mcpReq.envelope;
  const caps = envelope?.[CLIENT_CAPABILITIES_META_KEY];
  return typeof caps === 'object' && caps !== null && 'elicitation' in caps;
}
