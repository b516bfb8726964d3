import { SECRET_MASK } from '@app/contracts';
import { maskSecrets, mergeSecrets, resolveMaskedSecrets, splitSecrets } from './integration-secrets';
import { SecretBox } from './secret-box';

describe('splitSecrets / mergeSecrets', () => {
  const auth = { type: 'OAUTH2', client_id: 'cid', client_secret: 'cs', token_url: 'https://t' };
  const connection = { url: 'https://x', secret: 'whsec_1', sasl: { user: 'u', password: 'p' }, timeout: 3 };

  it('moves secret values out of the public copies, at any depth', () => {
    const s = splitSecrets(auth, connection);
    expect(s.auth).toEqual({ type: 'OAUTH2', client_id: 'cid', token_url: 'https://t' });
    expect(s.connection).toEqual({ url: 'https://x', sasl: { user: 'u' }, timeout: 3 });
    expect(s.secrets).toEqual({ 'auth.client_secret': 'cs', 'connection.secret': 'whsec_1', 'connection.sasl.password': 'p' });
  });

  it('puts them back, in clear for connectors or masked for the API', () => {
    const s = splitSecrets(auth, connection);
    expect(mergeSecrets(s.auth, s.connection, s.secrets)).toEqual({ auth, connection });
    const masked = maskSecrets(s.auth, s.connection, Object.keys(s.secrets));
    expect(masked).toEqual({ auth: { ...auth, client_secret: SECRET_MASK }, connection: { ...connection, secret: SECRET_MASK, sasl: { user: 'u', password: SECRET_MASK } } });
  });

  it('masks without touching the stored objects, and gives connectors copies of their own', () => {
    const s = splitSecrets(auth, connection);
    const before = JSON.stringify(s);
    maskSecrets(s.auth, s.connection, Object.keys(s.secrets));
    const merged = mergeSecrets(s.auth, s.connection, s.secrets);
    (merged.connection.sasl as Record<string, unknown>).user = 'changed';
    expect(JSON.stringify(s)).toBe(before);
  });

  it('keeps a stored secret when the mask comes back, and refuses a mask with nothing stored', () => {
    expect(resolveMaskedSecrets({ 'auth.password': SECRET_MASK, 'auth.token': 'new' }, { 'auth.password': 'old' })).toEqual({ 'auth.password': 'old', 'auth.token': 'new' });
    expect(() => resolveMaskedSecrets({ 'auth.password': SECRET_MASK }, {})).toThrow(/auth.password/);
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
