import { createHash, timingSafeEqual } from 'node:crypto';
import { Identity, isRole, Role } from '@app/auth';
import { AppException } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { UsersRepository } from '../users/users.repository';
import { SessionsRepository } from './sessions.repository';
import { TokenService } from './token.service';
import { TtlCache } from './ttl-cache';

/** `mcp_<16 hex key id>_<43 base64url secret>` */
export const API_KEY_PATTERN = /^mcp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** How long a user's state, a session's state or a checked API key is trusted before the database is asked again. */
const CACHE_MS = 5000;

const unauthorized = (detail = 'Missing, invalid or expired credentials') => new AppException('AUTH_TOKEN_INVALID', detail);

/**
 * Turns the credentials of a request into an Identity, or refuses them with 401. One credential per request:
 * `Authorization: Bearer <JWT>` (ours, or the OIDC issuer's) or `X-API-Key`.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger('Auth');
  private readonly users = new TtlCache<{ role: Role; username: string } | null>(CACHE_MS);
  private readonly sessions = new TtlCache<string | null>(CACHE_MS);
  private readonly keys = new TtlCache<Identity | null>(CACHE_MS);

  constructor(
    private readonly tokens: TokenService,
    private readonly usersRepo: UsersRepository,
    private readonly sessionsRepo: SessionsRepository,
    private readonly apiKeys: ApiKeysRepository,
  ) {}

  /** Undefined when the request carries no credential at all. */
  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Identity | undefined> {
    const authorization = headers['authorization'];
    const apiKey = headers['x-api-key'];
    if (Array.isArray(authorization) || Array.isArray(apiKey)) throw unauthorized('Send one credential');
    if (authorization !== undefined && apiKey !== undefined) throw unauthorized('Send either Authorization or X-API-Key, not both');
    if (apiKey !== undefined) return this.byApiKey(apiKey);
    if (authorization === undefined) return undefined;
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization);
    if (!m) throw unauthorized('Authorization must be "Bearer <access token>"');
    return this.tokens.isExternal(m[1]) ? this.byExternalToken(m[1]) : this.byLocalToken(m[1]);
  }

  private async byLocalToken(token: string): Promise<Identity> {
    const claims = await this.tokens.verifyLocal(token);
    if (!claims) throw unauthorized();
    const user = await this.user(claims.sub);
    if (!user) throw unauthorized();
    // The session must be live and be this user's: a token naming one user's subject and another's session is forged.
    if ((await this.sessionOwner(claims.sid)) !== claims.sub) throw unauthorized('The session has ended');
    // The user's current role, so that a demotion applies before the token expires.
    return { kind: 'user', id: claims.sub, name: user.username, role: user.role, sessionId: claims.sid };
  }

  private async byExternalToken(token: string): Promise<Identity> {
    const claims = await this.tokens.verifyExternal(token);
    if (!claims) throw unauthorized();
    if (!claims.role) throw new AppException('FORBIDDEN', 'The identity provider grants this token no role here');
    return { kind: 'oidc', id: claims.sub, name: claims.name, role: claims.role };
  }

  private async byApiKey(key: string): Promise<Identity> {
    const m = API_KEY_PATTERN.exec(key);
    if (!m) throw unauthorized('Invalid API key');
    const cacheKey = sha256Hex(key);
    const cached = this.keys.get(cacheKey);
    if (cached !== undefined) {
      if (!cached) throw unauthorized('Invalid API key');
      return cached;
    }
    const row = await this.apiKeys.findByKeyId(m[1]);
    const given = Buffer.from(sha256Hex(m[2]), 'hex');
    const stored = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex');
    const matches = timingSafeEqual(given, stored) && !!row;
    const valid = matches && !row!.revoked_at && (!row!.expires_at || row!.expires_at.getTime() > Date.now()) && isRole(row!.role);
    const identity: Identity | null = valid ? { kind: 'api_key', id: row!.id, name: row!.name, role: row!.role as Role } : null;
    // A positive verdict is never trusted past the key's expiry.
    this.keys.set(cacheKey, identity, identity && row!.expires_at ? row!.expires_at.getTime() - Date.now() : CACHE_MS);
    if (!identity) throw unauthorized('Invalid, revoked or expired API key');
    void this.apiKeys.touch(identity.id).catch((e: Error) => this.logger.warn(`could not record API key use: ${e.message}`));
    return identity;
  }

  private async user(id: string): Promise<{ role: Role; username: string } | null> {
    const cached = this.users.get(id);
    if (cached !== undefined) return cached;
    const row = await this.usersRepo.findById(id);
    const value = row && !row.disabled && isRole(row.role) ? { role: row.role as Role, username: row.username } : null;
    this.users.set(id, value);
    return value;
  }

  /** The user whose live session this is, or null when it has ended (logged out, revoked by reuse or a password change). */
  private async sessionOwner(familyId: string): Promise<string | null> {
    const cached = this.sessions.get(familyId);
    if (cached !== undefined) return cached;
    const owner = await this.sessionsRepo.activeFamilyOwner(familyId);
    this.sessions.set(familyId, owner);
    return owner;
  }

  /** Forget what was cached, so that a change made on this instance applies at once (others follow within 5 s). */
  forgetUser(id: string): void {
    this.users.delete(id);
    this.sessions.clear();
  }

  forgetSession(familyId: string): void {
    this.sessions.delete(familyId);
  }

  forgetApiKeys(): void {
    this.keys.clear();
  }
}
