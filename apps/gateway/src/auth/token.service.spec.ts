import { Role } from '@app/auth';
import { ConfigSchema } from '@app/config';
import { SignJWT, UnsecuredJWT } from 'jose';
import { TokenService } from './token.service';

const secret = Buffer.from('0123456789abcdef0123456789abcdef-test-secret');
const config = ConfigSchema.parse({});
const tokens = new TokenService(config, secret);
const claims = { sub: 'user-1', role: Role.Operator, sid: 'session-1' };

async function signed(alg: string, change: Partial<{ iss: string; aud: string; exp: number; iat: number }> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'operator', sid: 'session-1' })
    .setProtectedHeader({ alg })
    .setSubject('user-1')
    .setIssuer(change.iss ?? config.auth.jwt_issuer)
    .setAudience(change.aud ?? config.auth.jwt_audience)
    .setIssuedAt(change.iat ?? now)
    .setNotBefore(now - 1)
    .setExpirationTime(change.exp ?? now + 60)
    .sign(secret);
}

describe('TokenService', () => {
  it('verifies what it issues', async () => {
    expect(await tokens.verifyLocal(await tokens.issue(claims))).toEqual(claims);
  });

  it('refuses other algorithms, unsecured tokens, wrong iss/aud, expired and over-long-lived tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bad = {
      hs512: await signed('HS512'),
      unsecured: new UnsecuredJWT({ role: 'admin', sid: 's' }).setSubject('user-1').setIssuer(config.auth.jwt_issuer).setAudience(config.auth.jwt_audience).setIssuedAt().setNotBefore(now).setExpirationTime('1m').encode(),
      iss: await signed('HS256', { iss: 'other' }),
      aud: await signed('HS256', { aud: 'other' }),
      expired: await signed('HS256', { exp: now - 60 }),
      too_old: await signed('HS256', { iat: now - 3600, exp: now + 60 }),
      longer_life_than_issued: await signed('HS256', { iat: now, exp: now + 2 * config.auth.access_token_ttl_seconds }),
      exp_before_iat: await signed('HS256', { iat: now, exp: now - 1 }),
    };
    for (const [what, token] of Object.entries(bad)) expect({ what, claims: await tokens.verifyLocal(token) }).toEqual({ what, claims: undefined });
    expect(await tokens.verifyLocal(await signed('HS256'))).toEqual(claims);
  });

  it('refuses a verified (cached) token once it expires, and never caches a refusal', async () => {
    const fresh = new TokenService(config, secret);
    const now = Date.now();
    const token = await signed('HS256', { exp: Math.floor(now / 1000) + 30 });
    expect(await fresh.verifyLocal(token)).toEqual(claims);
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await fresh.verifyLocal(tampered)).toBeUndefined();
    jest.useFakeTimers({ now: now + 40_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      expect(await fresh.verifyLocal(token)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => new TokenService(config, Buffer.from('short'))).toThrow(/at least 32 bytes/);
  });

  it('requires an audience with an OIDC issuer, and asymmetric algorithms only', () => {
    const oidc = (auth: Record<string, unknown>) => new TokenService(ConfigSchema.parse({ auth }), secret);
    expect(() => oidc({ oidc_issuer: 'https://idp.example' })).toThrow(/oidc_audience/);
    expect(() => oidc({ oidc_issuer: 'https://idp.example', oidc_audience: 'a', oidc_algorithms: 'HS256,none' })).toThrow(/asymmetric/);
    expect(() => oidc({ oidc_issuer: 'https://idp.example', oidc_audience: 'a', oidc_role_map: 'ops=root' })).toThrow(/oidc_role_map/);
  });
});
