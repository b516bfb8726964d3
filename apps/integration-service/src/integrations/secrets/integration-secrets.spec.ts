import { AppException, isCredentialKey, SECRET_MASK } from '@app/contracts';
import { assertKeptSecretsStay, maskSecrets, mergeSecrets, publicParts, resolveMaskedSecrets, splitSecrets } from './integration-secrets';
import { SecretBox } from './secret-box';

describe('splitSecrets / mergeSecrets', () => {
  const auth = { type: 'OAUTH2', client_id: 'cid', client_secret: 'cs', token_url: 'https://t' };
  const connection = { url: 'https://x', secret: 'whsec_1', sasl: { user: 'u', password: 'p' }, timeout: 3 };
  const health_check = { endpoint: null, headers: {} };
  const parts = { auth, connection, health_check };

  it('moves secret values out of the public copies, at any depth', () => {
    const s = splitSecrets(parts);
    expect(s.auth).toEqual({ type: 'OAUTH2', client_id: 'cid', token_url: 'https://t' });
    expect(s.connection).toEqual({ url: 'https://x', sasl: { user: 'u' }, timeout: 3 });
    expect(s.secrets).toEqual({ 'auth.client_secret': 'cs', 'connection.secret': 'whsec_1', 'connection.sasl.password': 'p' });
  });

  it('puts them back, in clear for connectors or masked for the API', () => {
    const s = splitSecrets(parts);
    expect(mergeSecrets(s, s.secrets)).toEqual(parts);
    const masked = maskSecrets(s, Object.keys(s.secrets));
    expect(masked).toEqual({ auth: { ...auth, client_secret: SECRET_MASK }, connection: { ...connection, secret: SECRET_MASK, sasl: { user: 'u', password: SECRET_MASK } }, health_check });
  });

  it('masks without touching the stored objects, and gives connectors copies of their own', () => {
    const s = splitSecrets(parts);
    const before = JSON.stringify(s);
    maskSecrets(s, Object.keys(s.secrets));
    const merged = mergeSecrets(s, s.secrets);
    (merged.connection.sasl as Record<string, unknown>).user = 'changed';
    expect(JSON.stringify(s)).toBe(before);
  });

  it('keeps a stored secret when the mask comes back, and refuses a mask with nothing stored', () => {
    expect(resolveMaskedSecrets({ 'auth.password': SECRET_MASK, 'auth.token': 'new' }, { 'auth.password': 'old' })).toEqual({ 'auth.password': 'old', 'auth.token': 'new' });
    expect(() => resolveMaskedSecrets({ 'auth.password': SECRET_MASK }, {})).toThrow(/auth.password/);
  });
});

/** Credentials outside the secret fields: one canary per shape, none of them left in a public copy. */
describe('credential shapes', () => {
  const canary = (n: string) => `CANARY-${n}-7f3a`;
  const given = {
    auth: { type: 'CUSTOM', custom: { provider: 'x', clientSecret: canary('custom-camel') }, token_url: `https://svc:${canary('auth-url')}@idp.example.com/token` },
    connection: {
      url: `https://u:${canary('url')}@hooks.example.com/in?x=1`,
      headers: { Authorization: canary('authz'), 'Proxy-Authorization': canary('proxy'), 'X-Api-Key': canary('xapikey'), Cookie: canary('cookie'), 'X-Trace': 'not-a-secret' },
      apiKey: canary('apiKey'),
      clientSecret: canary('clientSecret'),
      accessToken: canary('accessToken'),
      servers: ['nats://a.example.com:4222', `nats://n:${canary('nats')}@b.example.com:4222`],
      brokers: [{ host: 'k1', password: canary('nested-array') }],
    },
    health_check: { endpoint: `https://h:${canary('endpoint')}@status.example.com/health`, headers: { authorization: canary('hc-authz'), 'x-auth-token': canary('hc-token'), accept: 'application/json' } },
  };

  it('takes every one out of the public copies, keeps the rest as given, and gives them back to the connector', () => {
    const s = splitSecrets(given);
    const pub = JSON.stringify({ auth: s.auth, connection: s.connection, health_check: s.health_check });
    expect(pub).not.toMatch(/CANARY/);
    expect(Object.keys(s.secrets).sort()).toEqual(
      [
        'auth.custom.clientSecret',
        'auth.token_url',
        'connection.url',
        'connection.headers.Authorization',
        'connection.headers.Proxy-Authorization',
        'connection.headers.X-Api-Key',
        'connection.headers.Cookie',
        'connection.apiKey',
        'connection.clientSecret',
        'connection.accessToken',
        'connection.servers.1',
        'connection.brokers.0.password',
        'health_check.endpoint',
        'health_check.headers.authorization',
        'health_check.headers.x-auth-token',
      ].sort(),
    );
    expect(s.connection.url).toBe(`https://u:${SECRET_MASK}@hooks.example.com/in?x=1`);
    expect(s.connection.servers).toEqual(['nats://a.example.com:4222', `nats://n:${SECRET_MASK}@b.example.com:4222`]);
    expect(s.connection.headers).toEqual({ 'X-Trace': 'not-a-secret' });
    expect(s.health_check.headers).toEqual({ accept: 'application/json' });
    expect(mergeSecrets(s, s.secrets)).toEqual(given);
  });

  it('shows each masked in a response, and an older row holding one in clear is masked on read and dropped from events', () => {
    const s = splitSecrets(given);
    const masked = maskSecrets(s, Object.keys(s.secrets));
    expect(JSON.stringify(masked)).not.toMatch(/CANARY/);
    expect((masked.connection.headers as Record<string, string>).Authorization).toBe(SECRET_MASK);
    expect((masked.connection.brokers as unknown[])[0]).toEqual({ host: 'k1', password: SECRET_MASK });
    expect(Array.isArray(masked.connection.brokers)).toBe(true);
    // stored before the rule knew these shapes: in clear in the public copy
    expect(JSON.stringify(maskSecrets(given, []))).not.toMatch(/CANARY/);
    expect(JSON.stringify(publicParts(given))).not.toMatch(/CANARY/);
    expect(publicParts(given).connection.headers).toEqual({ 'X-Trace': 'not-a-secret' });
  });

  it('keeps each stored value when its masked form comes back, and a URL only when nothing but the password is masked', () => {
    const stored = splitSecrets(given).secrets;
    const back = splitSecrets(maskSecrets(splitSecrets(given), Object.keys(stored)));
    expect(resolveMaskedSecrets(back.secrets, stored)).toEqual(stored);
    const moved = { 'connection.url': `https://u:${SECRET_MASK}@attacker.example.net/in?x=1` };
    expect(() => resolveMaskedSecrets(moved, stored)).toThrow(/connection.url/);
    expect(() => resolveMaskedSecrets({ 'connection.url': `https://u:${SECRET_MASK}@hooks.example.com/in` }, {})).toThrow(/connection.url/);
    expect(resolveMaskedSecrets({ 'connection.url': 'https://u:new-pass@hooks.example.com/in' }, stored)).toEqual({ 'connection.url': 'https://u:new-pass@hooks.example.com/in' });
  });

  it('names credentials whatever their case and separators, and leaves look-alikes alone', () => {
    for (const k of ['api_key', 'apiKey', 'X-API-KEY', 'authorization', 'Proxy-Authorization', 'cookie', 'Set-Cookie', 'clientSecret', 'accessToken', 'privateKey', 'connectionString', 'pwd', 'x-amz-security-token']) expect({ k, is: isCredentialKey(k) }).toEqual({ k, is: true });
    for (const k of ['url', 'host', 'username', 'client_id', 'access_key_id', 'accept', 'content-type', 'queue_url', 'author', 'region']) expect({ k, is: isCredentialKey(k) }).toEqual({ k, is: false });
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 7));

  it('round-trips and never shows the plaintext', () => {
    const sealed = box.seal('{"auth.password":"pw"}', 'id-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('pw');
    expect(box.open(sealed, 'id-1')).toBe('{"auth.password":"pw"}');
  });

  it('refuses a ciphertext moved to another row, tampered with, or opened with another key', () => {
    const sealed = box.seal('x', 'id-1');
    expect(() => box.open(sealed, 'id-2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('y').toString('base64url');
    expect(() => box.open(parts.join('.'), 'id-1')).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed, 'id-1')).toThrow();
  });
});

describe('assertKeptSecretsStay', () => {
  const hosts = (...h: string[]) => new Set(h);
  const refused = (f: () => void) => {
    try {
      f();
    } catch (e) {
      return (e as AppException).errors;
    }
    return undefined;
  };

  it('lets masks keep their values while the hosts called stay the same (or fewer)', () => {
    const incoming = { 'auth.token': SECRET_MASK, 'connection.headers.x-api-key': SECRET_MASK };
    expect(refused(() => assertKeptSecretsStay(incoming, hosts('a.example', 'b.example'), hosts('a.example')))).toBeUndefined();
  });

  it('names every masked credential when a new host would be called, except the ones never sent', () => {
    const incoming = { 'auth.token': SECRET_MASK, 'connection.headers.x-api-key': SECRET_MASK, 'connection.secret': SECRET_MASK, 'auth.password': 'given-again' };
    const errors = refused(() => assertKeptSecretsStay(incoming, hosts('a.example'), hosts('evil.example'), (p) => p === 'connection.secret'));
    expect(errors).toEqual([
      { field: 'auth.token', message: expect.stringContaining('evil.example') },
      { field: 'connection.headers.x-api-key', message: expect.stringContaining('send the value again') },
    ]);
    expect(refused(() => assertKeptSecretsStay({ 'auth.password': 'new' }, hosts('a.example'), hosts('evil.example')))).toBeUndefined();
  });
});

describe('metadata', () => {
  it('seals credential-named keys of metadata like the connection, masks them on read, strips them from events', () => {
    const parts = { auth: {}, connection: {}, health_check: {}, metadata: { owner: 'ops', apiToken: 't0k', nested: { password: 'p' } } };
    const { secrets, ...pub } = splitSecrets(parts);
    expect(secrets).toEqual({ 'metadata.apiToken': 't0k', 'metadata.nested.password': 'p' });
    expect(pub.metadata).toEqual({ owner: 'ops', nested: {} });
    expect(maskSecrets(pub, Object.keys(secrets)).metadata).toEqual({ owner: 'ops', apiToken: SECRET_MASK, nested: { password: SECRET_MASK } });
    expect(mergeSecrets(pub, secrets).metadata).toEqual(parts.metadata);
    // A row stored before the rule: masked on read, absent from events.
    expect(maskSecrets(parts, []).metadata).toEqual({ owner: 'ops', apiToken: SECRET_MASK, nested: { password: SECRET_MASK } });
    expect(publicParts(parts).metadata).toEqual({ owner: 'ops', nested: {} });
    expect('metadata' in splitSecrets({ auth: {}, connection: {}, health_check: {} })).toBe(false);
  });
});
