/** @module edge/webhooks/signing.test */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { deriveTenantWebhookSecret, signWebhook } from './signing';

// The example secret from the Standard Webhooks specification.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PAYLOAD = JSON.stringify({ type: 'job.completed', data: { job_id: 'job_123', text: 'hello' } });

describe('signWebhook', () => {
  it('makes headers that the standardwebhooks package verifies', () => {
    const headers = signWebhook(SECRET, 'msg_job_123', new Date(), PAYLOAD);
    expect(new Webhook(SECRET).verify(PAYLOAD, headers)).toEqual(JSON.parse(PAYLOAD));
  });

  it('sets the id, the timestamp in whole seconds, a v1 signature and the JSON content type', () => {
    const headers = signWebhook(SECRET, 'msg_job_123', new Date(1_700_000_000_987), PAYLOAD);
    expect(headers).toEqual({
      'webhook-id': 'msg_job_123',
      'webhook-timestamp': '1700000000',
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'content-type': 'application/json',
    });
  });

  it('matches the signature example of the Standard Webhooks specification', () => {
    const headers = signWebhook(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}');
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('fails verification when the payload was tampered with', () => {
    const headers = signWebhook(SECRET, 'msg_job_123', new Date(), PAYLOAD);
    expect(() => new Webhook(SECRET).verify(PAYLOAD.replace('hello', 'HELLO'), headers)).toThrow('No matching signature found');
  });

  it('fails verification under another secret', async () => {
    const headers = signWebhook(SECRET, 'msg_job_123', new Date(), PAYLOAD);
    const other = await deriveTenantWebhookSecret('master', 'tenant-b');
    expect(() => new Webhook(other).verify(PAYLOAD, headers)).toThrow('No matching signature found');
  });

  it('signs each timestamp differently while the id stays the same', () => {
    const first = signWebhook(SECRET, 'msg_job_123', new Date(1_700_000_000_000), PAYLOAD);
    const retry = signWebhook(SECRET, 'msg_job_123', new Date(1_700_000_005_000), PAYLOAD);
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });
});

describe('deriveTenantWebhookSecret', () => {
  it('derives a whsec_ secret holding a 32-byte key', async () => {
    const secret = await deriveTenantWebhookSecret('master-key', 'tenant-a');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('is HMAC-SHA256(masterKey, "webhook-secret:" + tenantKey)', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', 'master-key').update('webhook-secret:tenant-a').digest('base64');
    expect(await deriveTenantWebhookSecret('master-key', 'tenant-a')).toBe(`whsec_${expected}`);
  });

  it('is stable per tenant and different across tenants and master keys', async () => {
    const a1 = await deriveTenantWebhookSecret('master-key', 'tenant-a');
    const a2 = await deriveTenantWebhookSecret('master-key', 'tenant-a');
    const b = await deriveTenantWebhookSecret('master-key', 'tenant-b');
    const rotated = await deriveTenantWebhookSecret('master-key-2', 'tenant-a');
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    expect(rotated).not.toBe(a1);
  });

  it('produces a secret that signs and verifies', async () => {
    const secret = await deriveTenantWebhookSecret('master-key', 'tenant-a');
    expect(new Webhook(secret).verify(PAYLOAD, signWebhook(secret, 'msg_1', new Date(), PAYLOAD))).toEqual(JSON.parse(PAYLOAD));
  });

  it('refuses an empty master key', async () => {
    await expect(deriveTenantWebhookSecret('', 'tenant-a')).rejects.toThrow('masterKey must not be empty');
  });
});
