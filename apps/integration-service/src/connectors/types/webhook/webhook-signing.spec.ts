import { AppException, SECRET_MASK } from '@app/contracts';
import { generateWebhookSecret, webhookSecretKey } from './standard-webhooks';
import { activeRotation, currentSigningSecret, requireWebhook, rotatedConnection, signingSecrets, withSigningSecret } from './webhook-signing';

const A = 'whsec_' + Buffer.alloc(24, 1).toString('base64');
const B = 'whsec_' + Buffer.alloc(24, 2).toString('base64');
const NOW = Date.parse('2026-12-02T12:00:00Z');

describe('webhook signing secrets', () => {
  it("generates Svix-format secrets: whsec_ and base64 of 24 random bytes, valid for our signer", () => {
    const made = new Set(Array.from({ length: 50 }, generateWebhookSecret));
    expect(made.size).toBe(50);
    for (const s of made) {
      expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(webhookSecretKey(s)).toHaveLength(24);
    }
  });

  it('gives a connection without any secret a generated one, keeps given ones, and keeps the stored one on update', () => {
    const generated = withSigningSecret({ url: 'https://h.example/x' }, false);
    expect(webhookSecretKey(generated.secret as string)).not.toBeNull();
    expect(generated.url).toBe('https://h.example/x');
    expect(withSigningSecret({ url: 'u', secret: A }, false)).toEqual({ url: 'u', secret: A });
    expect(withSigningSecret({ url: 'u', secrets: [A] }, true)).toEqual({ url: 'u', secrets: [A] });
    expect(withSigningSecret({ url: 'u', secret: SECRET_MASK }, true)).toEqual({ url: 'u', secret: SECRET_MASK });
    // Left out on update with one stored: the mask, which the update resolves to the stored value.
    expect(withSigningSecret({ url: 'u' }, true)).toEqual({ url: 'u', secret: SECRET_MASK });
    expect(withSigningSecret({ url: 'u', secret: '' }, false).secret).toMatch(/^whsec_/);
  });

  it('rotates: a new secret, the replaced one kept until the grace ends, a rotation in progress replaced', () => {
    const once = rotatedConnection({ url: 'u', secret: SECRET_MASK, secrets: [B] }, A, NOW, 3600, B);
    expect(once).toEqual({ url: 'u', secret: B, secrets: [B], rotation: { previous_secret: A, expires_at: '2026-12-02T13:00:00.000Z' } });
    const twice = rotatedConnection({ ...once, rotation: { previous_secret: SECRET_MASK, expires_at: '2026-12-02T13:00:00.000Z' } }, B, NOW + 1000, 60, A);
    expect(twice.rotation).toEqual({ previous_secret: B, expires_at: '2026-12-02T12:01:01.000Z' });
    expect(rotatedConnection({ secret: SECRET_MASK, rotation: { previous_secret: SECRET_MASK, expires_at: 'x' } }, A, NOW, 0, B)).toEqual({ secret: B });
    expect(rotatedConnection({}, undefined, NOW, 3600, B)).toEqual({ secret: B });
  });

  it('signs with the previous secret only while its rotation lasts', () => {
    const c = { secret: B, secrets: [A], rotation: { previous_secret: A, expires_at: new Date(NOW + 1000).toISOString() } };
    expect(signingSecrets({ ...c, secrets: [] }, NOW)).toEqual([B, A]);
    expect(signingSecrets({ ...c, secrets: [] }, NOW + 1000)).toEqual([B]);
    expect(signingSecrets(c, NOW)).toEqual([A, B]); // one signature per distinct secret
    expect(signingSecrets({ secret: B, rotation: { previous_secret: A } }, NOW)).toEqual([B]);
    expect(activeRotation({ rotation: { previous_secret: A, expires_at: 'soon' } }, NOW)).toBeNull();
    expect(activeRotation(c, NOW)).toEqual({ previous_secret: A, expires_at: '2026-12-02T12:00:01.000Z' });
  });

  it('reads the current secret from secret, else the first of secrets; only webhooks have one', () => {
    expect(currentSigningSecret({ secret: A, secrets: [B] })).toBe(A);
    expect(currentSigningSecret({ secrets: ['', B] })).toBe(B);
    expect(currentSigningSecret({})).toBeUndefined();
    expect(() => requireWebhook({ id: 'i', name: 'hook', type: 'WEBHOOK' })).not.toThrow();
    const err = (() => {
      try {
        requireWebhook({ id: 'i', name: 'cmdb', type: 'REST_API' });
      } catch (e) {
        return e as AppException;
      }
    })();
    expect(err).toBeInstanceOf(AppException);
    expect(err).toMatchObject({ code: 'INTEGRATION_NOT_WEBHOOK', status: 409 });
  });
});
