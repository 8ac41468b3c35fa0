/**
 * Privacy at the edge, in workerd with real Redis (no model worker): PII in a prompt is replaced
 * by placeholders before the job reaches Redis, and the owner alone gets the values back;
 * concurrent budget charges never overspend; erasure makes every read 404 and leaves only
 * ciphertext that cannot be decrypted.
 *
 * The job is processed by a BullMQ worker inside this test that echoes the sanitized prompt as
 * its result (standing in for the model, which would not reproduce placeholders on demand), so
 * that restoration is observable. The model path itself is covered by platform.test.ts.
 */
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_PREFIX } from '../../shared/jobs/generate-job';
import { pureCharge } from '../../shared/privacy/ledger/charge-builders';
import { TRAIN_ADAPTER_QUEUE } from '../../shared/jobs/train-adapter-job';
import { privatePhases, privateTrainingEpsilon } from '../../shared/jobs/train-adapter-plan';
import type { TestIssuer } from './edge-harness';
import { startEchoEdge, type CallInit, type EchoEdge } from './echo-edge';
import { waitFor } from './stack-harness';

const REDIS_URL = 'redis://127.0.0.1:6379/5';
const PII = {
  name: 'Margaret Thornbury',
  email: 'margaret.thornbury@example.org',
  phone: '+44 20 7946 0958',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
};
const PROMPT = `My name is ${PII.name}. Email me at ${PII.email} or call ${PII.phone}. Charge card ${PII.card}; refunds to IBAN ${PII.iban}.`;

let edge: EchoEdge;
let url: string;
let mf: Miniflare;
let issuer: TestIssuer;
let redis: Redis;

beforeAll(async () => {
  // Report completion 50 ms after the job returns, as a worker does once BullMQ has stored the result.
  edge = await startEchoEdge({
    redisUrl: REDIS_URL,
    echo: { chunk: 3, reportDelayMs: 50, concurrency: 1, answer: (job) => `You said: ${job.messages.at(-1)!.content} Also write to someone.else@othermail.example.com` },
  });
  ({ url, mf, issuer, redis } = edge);
}, 180_000);

afterAll(async () => {
  await edge?.close();
});

const call = (path: string, user: string, init: CallInit = {}) => edge.call(path, user, init);

async function everythingInRedis(): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys('*')) {
    parts.push(key);
    const type = await redis.type(key);
    if (type === 'string') parts.push(String(await redis.get(key)));
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}

describe('personal data in prompts', () => {
  it('queues placeholders only and restores the values for the owner, not for anyone else', async () => {
    const res = await call('/v1/generate', 'margaret', { method: 'POST', json: { prompt: PROMPT } });
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    const done = await waitFor(async () => {
      const body = (await (await call(`/v1/jobs/${job_id}`, 'margaret')).json()) as Record<string, any>;
      return body.status === 'completed' ? body : null;
    }, 30_000, 'the echoed job');
    for (const value of Object.values(PII)) expect(done.result.text).toContain(value);
    // PII the model produced that was not the user's own is redacted and counted.
    expect(done.result.text).not.toContain('someone.else@othermail.example.com');
    expect(done.result.text).toContain('<EMAIL_ADDRESS>');
    const metrics = await waitFor(async () => {
      const res = await fetch(`${url}/v1/admin/privacy-metrics`, { headers: { authorization: `Bearer ${await issuer.token({ user: 'ops', scope: 'admin' })}` } });
      const m = (await res.json()) as { output_pii_redactions: { total: number; by_type: Record<string, number> } };
      return m.output_pii_redactions.total > 0 ? m : null;
    }, 10_000, 'the redaction counter');
    expect(metrics.output_pii_redactions.by_type.EMAIL_ADDRESS).toBeGreaterThanOrEqual(1);

    const stored = await everythingInRedis();
    expect(stored).toContain('<EMAIL_ADDRESS_1>');
    for (const value of Object.values(PII)) expect(stored).not.toContain(value);
    expect(stored).not.toContain('thornbury');

    expect((await call(`/v1/jobs/${job_id}`, 'mallory')).status).toBe(404);
  });

  it('restores values in a streamed chat answer even when placeholders are split across chunks', async () => {
    const res = await call('/v1/chat/completions', 'margaret', { method: 'POST', json: { messages: [{ role: 'user', content: PROMPT }], stream: true } });
    const data = (await res.text()).split('\n').filter((l) => l.startsWith('data: ') && !l.includes('[DONE]')).map((l) => JSON.parse(l.slice(6)) as Record<string, any>);
    const text = data.map((d) => d.choices?.[0]?.delta?.content ?? '').join('');
    for (const value of Object.values(PII)) expect(text).toContain(value);
    expect(text).not.toMatch(/<[A-Z_]+_\d+>/);
  });
});

describe('privacy budget', () => {
  it('accepts exactly 100 of 200 concurrent charges of ε 0.01 against a cap of 1.0', async () => {
    const ns = await mf.getDurableObjectNamespace('USER_STATE');
    const owner = 'c'.repeat(64);
    const stub = ns.get(ns.idFromName(owner)) as unknown as { chargeBudget(o: string, c: unknown, p: unknown): Promise<{ ok: boolean; spent: number }>; budget(o: string, p: unknown): Promise<{ spent: number }> };
    const policy = { epsilon: 1.0, delta: 1e-6, period: 'month' };
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => stub.chargeBudget(owner, pureCharge('test', 0.01), policy)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
    expect(Math.max(...outcomes.map((o) => o.spent))).toBeLessThanOrEqual(1.0 + 1e-9);
    expect((await stub.budget(owner, policy)).spent).toBeCloseTo(1.0, 9);
  });

  it('answers without personalization, flagged with the reason, once the budget is spent', async () => {
    const user = 'budget-user';
    await call('/v1/profile', user, { method: 'PUT', json: { style: 'formal' } });
    const before = (await (await call('/v1/me/privacy', user)).json()) as Record<string, number>;
    expect(before.epsilon_cap).toBe(1);
    // Spend the rest of this user's budget directly in their Durable Object.
    const ns = await mf.getDurableObjectNamespace('USER_STATE');
    const { userStorageKey } = await import('../../shared/crypto/hmac');
    const { TEST_SECRETS } = await import('./edge-harness');
    const owner = await userStorageKey(TEST_SECRETS.STORAGE_PEPPER, 'acme', user);
    const stub = ns.get(ns.idFromName(owner)) as unknown as { chargeBudget(o: string, c: unknown, p: unknown): Promise<{ ok: boolean }> };
    expect((await stub.chargeBudget(owner, pureCharge('test', 1.0 - before.epsilon_spent), { epsilon: 1, delta: 1e-6, period: 'month' })).ok).toBe(true);
    const res = await call('/v1/generate', user, { method: 'POST', json: { prompt: 'hello' } });
    const { job_id } = (await res.json()) as { job_id: string };
    const done = await waitFor(async () => {
      const body = (await (await call(`/v1/jobs/${job_id}`, user)).json()) as Record<string, any>;
      return body.status === 'completed' ? body : null;
    }, 30_000, 'the job');
    expect(done.result.personalized).toBe(false);
    expect(done.result.personalization_skipped).toMatch(/privacy budget exhausted/);
    const chat = (await (await call('/v1/chat/completions', user, { method: 'POST', json: { messages: [{ role: 'user', content: 'hi' }] } })).json()) as Record<string, any>;
    expect(chat.personalized).toBe(false);
    expect(chat.personalization_skipped).toMatch(/privacy budget exhausted/);
  });
});

describe('tenant privacy administration', () => {
  it('applies a tenant PII policy set through the admin API and resets a user budget with an audit entry', async () => {
    const tenant = 'globex';
    const put = await call('/v1/admin/tenant-config', 'admin', { method: 'PUT', tenant, scope: 'admin', json: { pii_policy: { EMAIL_ADDRESS: 'redact' }, costs: { personalization: { mechanism: 'pure', epsilon: 0.25 } } } });
    expect(put.status).toBe(200);
    const effective = (await (await call('/v1/admin/tenant-config', 'admin', { tenant, scope: 'admin' })).json()) as Record<string, any>;
    expect(effective.pii_policy).toEqual({ EMAIL_ADDRESS: 'redact' });
    expect(effective.budget.epsilon).toBe(1);

    await call('/v1/profile', 'gina', { method: 'PUT', tenant, json: { style: 'formal' } });
    const { job_id } = (await (await call('/v1/generate', 'gina', { method: 'POST', tenant, json: { prompt: `Mail ${PII.email} please` } })).json()) as { job_id: string };
    const done = await waitFor(async () => {
      const body = (await (await call(`/v1/jobs/${job_id}`, 'gina', { tenant })).json()) as Record<string, any>;
      return body.status === 'completed' ? body : null;
    }, 30_000, 'the job');
    expect(done.result.text).not.toContain(PII.email); // redacted, not pseudonymized: nothing to restore
    expect(done.result.text).toContain('<EMAIL_ADDRESS>');
    expect(((await (await call('/v1/me/privacy', 'gina', { tenant })).json()) as Record<string, number>).epsilon_spent).toBeCloseTo(0.25, 9);

    const reset = await call('/v1/admin/budget-reset', 'admin', { method: 'POST', tenant, scope: 'admin', json: { user: 'gina', reason: 'support ticket 42' } });
    expect(await reset.json()).toEqual({ removed_charges: 1 });
    expect(((await (await call('/v1/me/privacy', 'gina', { tenant })).json()) as Record<string, number>).epsilon_spent).toBe(0);
    const exported = (await (await call('/v1/me/export', 'gina', { tenant })).json()) as Record<string, any>;
    expect(exported.audit.map((a: { event: string }) => a.event)).toEqual(['charge', 'reset']);
    expect((await call('/v1/admin/tenant-config', 'gina', { method: 'PUT', tenant, json: {} })).status).toBe(403);
  });
});

describe('private mode for adapters', () => {
  it('charges a DP-SGD run to the user before queueing it, with the σ that keeps it within the tenant’s ε per run', async () => {
    const tenant = 'initech';
    const put = await call('/v1/admin/tenant-config', 'admin', { method: 'PUT', tenant, scope: 'admin', json: { private_training: { epsilon_per_run: 0.3 }, costs: { personalization: { mechanism: 'pure', epsilon: 0.001 } } } });
    expect(put.status).toBe(200);
    for (let i = 0; i < 4; i++) {
      const { job_id } = (await (await call('/v1/generate', 'hank', { method: 'POST', tenant, json: { prompt: `Question ${i}?` } })).json()) as { job_id: string };
      await waitFor(async () => ((await (await call(`/v1/jobs/${job_id}`, 'hank', { tenant })).json()) as Record<string, any>).status === 'completed' || null, 30_000, 'the job');
      expect((await call('/v1/feedback', 'hank', { method: 'POST', tenant, json: { job_id, rating: 5, preferred_response: `A better answer ${i}.` } })).status).toBe(202);
    }
    // 4 × (SFT example + preference pair) = 8 examples: the background step queues one run.
    const queue = new Queue(TRAIN_ADAPTER_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
    const job = await waitFor(async () => (await queue.getJobs(['waiting', 'delayed', 'prioritized']))[0], 10_000, 'the training job');
    await queue.close();
    const dp = job.data.dp as { noise_multiplier: number; clip_norm: number; epsilon: number; delta: number };
    expect(dp.epsilon).toBeLessThanOrEqual(0.3);
    expect(dp.epsilon).toBeGreaterThan(0.29); // σ within 1% of the smallest that fits
    expect(dp.clip_norm).toBe(1);
    expect(dp.delta).toBe(1e-6);
    expect(dp.epsilon).toBeCloseTo(privateTrainingEpsilon(privatePhases(job.data.steps, job.data.sft.length, job.data.preferences.length), dp.noise_multiplier, dp.delta), 9);
    const budget = (await (await call('/v1/me/privacy', 'hank', { tenant })).json()) as Record<string, number>;
    expect(budget.epsilon_spent).toBeGreaterThan(0.29); // the run, composed with four personalized requests
    expect(budget.epsilon_spent).toBeLessThan(0.3 + 4 * 0.001 + 1e-9);
  });
});

describe('erasure', () => {
  it('makes every read 404 and leaves only ciphertext that can no longer be decrypted', async () => {
    const user = 'erase-me';
    await call('/v1/profile', user, { method: 'PUT', json: { style: 'casual', locale: 'en-GB' } });
    const { job_id } = (await (await call('/v1/generate', user, { method: 'POST', json: { prompt: `I am ${PII.name}` } })).json()) as { job_id: string };
    await waitFor(async () => ((await (await call(`/v1/jobs/${job_id}`, user)).json()) as Record<string, any>).status === 'completed', 30_000, 'the job');
    const exported = (await (await call('/v1/me/export', user)).json()) as Record<string, any>;
    expect(exported.profile.style).toBe('casual');
    expect(exported.jobs.map((j: { job_id: string }) => j.job_id)).toContain(job_id);

    const { userStorageKey } = await import('../../shared/crypto/hmac');
    const { TEST_SECRETS } = await import('./edge-harness');
    const owner = await userStorageKey(TEST_SECRETS.STORAGE_PEPPER, 'acme', user);
    const ns = await mf.getDurableObjectNamespace('USER_STATE');
    const stub = ns.get(ns.idFromName(owner)) as unknown as { inspectForTest(o: string): Promise<{ sealedProfile: string | null; dataKeys: number }> };
    const sealedProfile = (await stub.inspectForTest(owner)).sealedProfile!;
    expect(sealedProfile).toMatch(/^v1\./);
    expect(sealedProfile).not.toContain('casual');

    const receipt = await call('/v1/me', user, { method: 'DELETE' });
    expect(receipt.status).toBe(202);
    const body = (await receipt.json()) as Record<string, any>;
    expect(body.receipt_id).toMatch(/^erasure_/);
    expect(body.removed.redis_jobs).toBe(1);

    for (const path of ['/v1/profile', '/v1/me/export', `/v1/jobs/${job_id}`]) expect((await call(path, user)).status, path).toBe(404);
    expect((await stub.inspectForTest(owner)).dataKeys).toBe(0);

    // A copy of the ciphertext taken before erasure cannot be opened: the data key is gone.
    const { loadKeyring } = await import('../../shared/privacy/crypto/keyring');
    const { createDataKey, openJson } = await import('../../shared/privacy/crypto/envelope');
    const keyring = await loadKeyring(TEST_SECRETS.ENCRYPTION_KEY);
    const fresh = await createDataKey(keyring, owner);
    await expect(openJson(fresh.key, sealedProfile, `${owner}:profile`)).rejects.toThrow(/could not be decrypted/);
  });
});
