import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { Role, isRole } from '@app/auth';
import { APP_CONFIG, AppConfig, ConfigError } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TtlCache } from './ttl-cache';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, JWTPayload, jwtVerify, SignJWT } from 'jose';

export const JWT_SECRET = Symbol('JWT_SECRET');

/** The only algorithm of our own tokens. Anything else (none, RS256 with our secret as a "public key", ...) is refused. */
const LOCAL_ALGORITHM = 'HS256';
const CLOCK_TOLERANCE_SECONDS = 5;
/** How long a verified token's claims are reused before its signature is checked again (never past its `exp`). */
const VERIFIED_CACHE_MS = 60_000;

export interface LocalClaims {
  sub: string;
  role: Role;
  sid: string;
}

export interface ExternalClaims {
  sub: string;
  name: string;
  role: Role | undefined;
}

/** Access tokens: HS256 JWTs we sign, and (optionally) JWTs of an OIDC issuer checked against its JWKS. */
@Injectable()
export class TokenService {
  private readonly logger = new Logger('Tokens');
  private readonly oidc?: {
    issuer: string;
    audience: string;
    algorithms: string[];
    roleClaim: string;
    roleMap: Map<string, Role>;
    jwks: ReturnType<typeof createRemoteJWKSet>;
  };

  /** One KeyObject for the life of the process: jose would otherwise make one from the bytes on every verify. */
  private readonly key: KeyObject;
  /**
   * Claims of tokens whose signature and times were checked, keyed by the whole token. Saves the HMAC and the
   * parsing on every request of a client that reuses its token; revocation does not depend on it (the session is
   * checked on every request). Only successes are kept, so garbage tokens cannot evict good ones.
   */
  private readonly verified = new TtlCache<LocalClaims>(VERIFIED_CACHE_MS);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SECRET) secret: Buffer,
  ) {
    if (secret.length < 32) throw new ConfigError('Invalid configuration: auth.jwt_secret: must be at least 32 bytes');
    this.key = createSecretKey(secret);
    const a = config.auth;
    if (a.oidc_issuer) {
      if (!a.oidc_audience) throw new ConfigError('Invalid configuration: auth.oidc_audience (MCP_AUTH_OIDC_AUDIENCE): required with auth.oidc_issuer');
      if (a.oidc_issuer === a.jwt_issuer) throw new ConfigError('Invalid configuration: auth.oidc_issuer: must differ from auth.jwt_issuer');
      const algorithms = a.oidc_algorithms.filter((alg) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(alg));
      if (!algorithms.length) throw new ConfigError('Invalid configuration: auth.oidc_algorithms: must name asymmetric algorithms (RS256, ES256, PS256, EdDSA)');
      const roleMap = new Map<string, Role>();
      for (const pair of a.oidc_role_map) {
        const [value, role] = pair.split('=').map((s) => s.trim());
        if (!value || !isRole(role)) throw new ConfigError(`Invalid configuration: auth.oidc_role_map: "${pair}" must be <claim value>=<viewer|operator|admin>`);
        roleMap.set(value, role);
      }
      const jwksUrl = new URL(a.oidc_jwks_url ?? `${a.oidc_issuer.replace(/\/$/, '')}/.well-known/jwks.json`);
      this.oidc = {
        issuer: a.oidc_issuer,
        audience: a.oidc_audience,
        algorithms,
        roleClaim: a.oidc_role_claim,
        roleMap,
        jwks: createRemoteJWKSet(jwksUrl, { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }),
      };
      this.logger.log(`OIDC: accepting tokens of ${a.oidc_issuer} (keys from ${jwksUrl.origin}${jwksUrl.pathname})`);
    }
  }

  get accessTtlSeconds(): number {
    return this.config.auth.access_token_ttl_seconds;
  }

  async issue(claims: LocalClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: claims.role, sid: claims.sid })
      .setProtectedHeader({ alg: LOCAL_ALGORITHM, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.config.auth.jwt_issuer)
      .setAudience(this.config.auth.jwt_audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.accessTtlSeconds)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** Whether the token claims to come from the external issuer (decided before any check, then checked strictly). */
  isExternal(token: string): boolean {
    if (!this.oidc) return false;
    try {
      return decodeJwt(token).iss === this.oidc.issuer;
    } catch {
      return false;
    }
  }

  /** Our own token: HS256 only, signature, iss, aud, exp, nbf, iat and a sane lifetime. Undefined when any fails. */
  async verifyLocal(token: string): Promise<LocalClaims | undefined> {
    const cached = this.verified.get(token);
    if (cached) return cached;
    try {
      if (decodeProtectedHeader(token).alg !== LOCAL_ALGORITHM) return undefined;
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [LOCAL_ALGORITHM],
        issuer: this.config.auth.jwt_issuer,
        audience: this.config.auth.jwt_audience,
        requiredClaims: ['sub', 'exp', 'iat', 'nbf'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: this.accessTtlSeconds + CLOCK_TOLERANCE_SECONDS,
      });
      if (typeof payload.sub !== 'string' || !isRole(payload.role) || typeof payload.sid !== 'string') return undefined;
      // We issue exp = iat + TTL: a longer life was not issued by us, however recent its iat.
      const life = payload.exp! - payload.iat!;
      if (life <= 0 || life > this.accessTtlSeconds + CLOCK_TOLERANCE_SECONDS) return undefined;
      const claims: LocalClaims = { sub: payload.sub, role: payload.role, sid: payload.sid };
      this.verified.set(token, claims, payload.exp! * 1000 - Date.now());
      return claims;
    } catch {
      return undefined;
    }
  }

  /** An OIDC token: a key from the issuer's JWKS, asymmetric algorithms only, iss, aud, exp, nbf; roles from the claim. */
  async verifyExternal(token: string): Promise<ExternalClaims | undefined> {
    const o = this.oidc;
    if (!o) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, o.jwks, { algorithms: o.algorithms, issuer: o.issuer, audience: o.audience, requiredClaims: ['sub', 'exp'], clockTolerance: CLOCK_TOLERANCE_SECONDS }));
    } catch (e) {
      this.logger.debug(`OIDC token refused: ${(e as Error).name}`);
      return undefined;
    }
    if (typeof payload.sub !== 'string') return undefined;
    const name = typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub;
    return { sub: payload.sub, name: name.slice(0, 128), role: this.mapRole(payload) };
  }

  /** The highest role any value of the role claim maps to (dotted paths reach nested claims, e.g. realm_access.roles). */
  private mapRole(payload: JWTPayload): Role | undefined {
    const o = this.oidc!;
    let value: unknown = payload;
    for (const part of o.roleClaim.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    const rank = [Role.Viewer, Role.Operator, Role.Admin];
    let best: Role | undefined;
    for (const v of values) {
      const role = o.roleMap.size ? o.roleMap.get(v) : isRole(v) ? v : undefined;
      if (role && (!best || rank.indexOf(role) > rank.indexOf(best))) best = role;
    }
    return best;
  }
}
