import { createHmac } from 'node:crypto';
import { signStandardWebhook, verifyStandardWebhook, webhookSecretKey } from './standard-webhooks';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

describe('Standard Webhooks signatures', () => {
  it('matches the published test vector', () => {
    // The example of the Standard Webhooks / Svix documentation.
    expect(signStandardWebhook('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}', [SECRET])).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  const headers = (id: string, ts: number, sig: string) => ({ 'Webhook-Id': id, 'webhook-timestamp': String(ts), 'webhook-signature': sig });

  it('verifies what it signs, within the tolerance, and nothing else', () => {
    const body = Buffer.from('{"a":1}');
    const sig = signStandardWebhook('d-1', 1000, body, [SECRET]);
    expect(verifyStandardWebhook(headers('d-1', 1000, sig), body, [SECRET], 300, 1200)).toEqual({ ok: true, id: 'd-1', timestamp: 1000 });
    expect(verifyStandardWebhook(headers('d-1', 1000, sig), '{"a":2}', [SECRET], 300, 1200)).toMatchObject({ ok: false });
    expect(verifyStandardWebhook(headers('d-2', 1000, sig), body, [SECRET], 300, 1200)).toMatchObject({ ok: false });
    expect(verifyStandardWebhook(headers('d-1', 1000, sig), body, [OTHER], 300, 1200)).toMatchObject({ ok: false, reason: 'no matching signature' });
    expect(verifyStandardWebhook(headers('d-1', 1000, sig), body, [SECRET], 300, 1301)).toMatchObject({ ok: false, reason: 'timestamp outside the tolerance' });
    expect(verifyStandardWebhook(headers('d-1', 1000, sig), body, [SECRET], 300, 699)).toMatchObject({ ok: false });
    expect(verifyStandardWebhook({ 'webhook-id': 'd-1' }, body, [SECRET], 300, 1000)).toMatchObject({ ok: false });
    expect(verifyStandardWebhook(headers('d-1', 1000, 'v2,' + sig.slice(3)), body, [SECRET], 300, 1000)).toMatchObject({ ok: false });
  });

  it('signs with every secret during rotation; a receiver holding either one accepts', () => {
    const sig = signStandardWebhook('d-1', 1000, 'x', [SECRET, OTHER]);
    const parts = sig.split(' ');
    expect(parts).toHaveLength(2);
    const independent = (secret: string) =>
      'v1,' + createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update('d-1.1000.x').digest('base64');
    expect(parts).toEqual([independent(SECRET), independent(OTHER)]);
    expect(verifyStandardWebhook(headers('d-1', 1000, sig), 'x', [OTHER], 300, 1000).ok).toBe(true);
    expect(verifyStandardWebhook(headers('d-1', 1000, parts[0]), 'x', ['whsec_' + Buffer.alloc(24).toString('base64'), SECRET], 300, 1000).ok).toBe(true);
  });

  it('accepts only base64 secrets of 16 to 128 bytes', () => {
    expect(webhookSecretKey(SECRET)?.length).toBe(24);
    expect(webhookSecretKey('whsec_short')).toBeNull();
    expect(webhookSecretKey('whsec_not base64!!')).toBeNull();
    expect(() => signStandardWebhook('i', 1, 'b', ['whsec_x'])).toThrow('Invalid webhook secret');
  });
});
