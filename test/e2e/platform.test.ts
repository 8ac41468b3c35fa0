/**
 * End to end through the real stack (workerd edge via Miniflare, real Redis, a real worker
 * process with onnxruntime-node): profile → generate → poll, chat completions plain and as
 * server-sent events, a signed webhook verified with the standardwebhooks package, feedback,
 * and owner-only job reads.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollJob, startStack, waitFor, type Stack } from './stack-harness';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisDb: 6 });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

describe('generation path', () => {
  it('stores a profile, queues a personalized job and returns its completed text to the owner', async () => {
    const put = await stack.call('/v1/profile', { method: 'PUT', user: 'alice', json: { style: 'formal', tone: 'friendly', complexity: 0.2, response_length: 'concise', domains: ['writing'], locale: 'en-GB' } });
    expect(put.status).toBe(200);
    const profile = (await (await stack.call('/v1/profile', { user: 'alice' })).json()) as Record<string, unknown>;
    expect(profile).toMatchObject({ style: 'formal', tone: 'friendly', complexity: 0.2, locale: 'en-GB' });

    const res = await stack.call('/v1/generate', { method: 'POST', user: 'alice', json: { prompt: 'Write a note to my team.', max_tokens: 12, temperature: 0, seed: 1 } });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { job_id: string; status_url: string };
    expect(accepted.status_url).toBe(`/v1/jobs/${accepted.job_id}`);
    const job = await pollJob(stack, accepted.job_id, 'alice');
    expect(job.status).toBe('completed');
    expect(job.result.usage.completion_tokens).toBeGreaterThan(0);
    expect(job.result.usage.completion_tokens).toBeLessThanOrEqual(12);
    expect(typeof job.result.text).toBe('string');
    expect(job.result.personalized).toBe(true);
    expect(job.timings.run_ms).toBeGreaterThanOrEqual(0);
  });

  it('answers 404 when another user, or the same user id in another tenant, reads the job', async () => {
    const res = await stack.call('/v1/generate', { method: 'POST', user: 'alice', json: { prompt: 'hi', max_tokens: 2 } });
    const { job_id } = (await res.json()) as { job_id: string };
    expect((await stack.call(`/v1/jobs/${job_id}`, { user: 'bob' })).status).toBe(404);
    expect((await stack.call(`/v1/jobs/${job_id}`, { user: 'alice', tenant: 'other-co' })).status).toBe(404);
    expect((await stack.call('/v1/jobs/job_doesnotexist0000', { user: 'alice' })).status).toBe(404);
    expect((await stack.call(`/v1/jobs/${job_id}`, { user: 'alice' })).status).toBe(200);
  });

  it('accepts feedback on the owner’s job and 404s feedback on someone else’s', async () => {
    const { job_id } = (await (await stack.call('/v1/generate', { method: 'POST', user: 'carol', json: { prompt: 'hi', max_tokens: 2 } })).json()) as { job_id: string };
    await pollJob(stack, job_id, 'carol');
    const ok = await stack.call('/v1/feedback', { method: 'POST', user: 'carol', json: { job_id, rating: 5, comment: 'great' } });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ accepted: true, feedback_count: 1 });
    const other = await stack.call('/v1/feedback', { method: 'POST', user: 'dave', json: { job_id, rating: 1 } });
    expect(other.status).toBe(404);
  });
});

describe('chat completions', () => {
  const request = { messages: [{ role: 'user', content: 'Say something nice.' }], max_tokens: 10, temperature: 0 };

  it('returns an OpenAI-shaped completion', async () => {
    const res = await stack.call('/v1/chat/completions', { method: 'POST', user: 'erin', json: request });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.role).toBe('assistant');
    expect(['stop', 'length']).toContain(body.choices[0].finish_reason);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it('streams server-sent events that parse, carry the same text, and end with [DONE]', async () => {
    // A stated style fixes the template (otherwise each request may draw another style to explore).
    await stack.call('/v1/profile', { method: 'PUT', user: 'erin', json: { style: 'formal' } });
    const plain = (await (await stack.call('/v1/chat/completions', { method: 'POST', user: 'erin', json: request })).json()) as Record<string, any>;
    const res = await stack.call('/v1/chat/completions', { method: 'POST', user: 'erin', json: { ...request, stream: true } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const raw = await res.text();
    const data = raw.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Record<string, any>);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe(plain.choices[0].finish_reason);
    const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0].message.content);
  });
});

describe('webhooks', () => {
  it('delivers the result signed per Standard Webhooks, verifiable with the tenant secret', async () => {
    const secretRes = await stack.call('/v1/admin/webhook-secret', { user: 'ops', scope: 'admin' });
    expect(secretRes.status).toBe(200);
    const { secret } = (await secretRes.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    const res = await stack.call('/v1/generate', { method: 'POST', user: 'frank', json: { prompt: 'ping', max_tokens: 4, webhook_url: stack.webhookUrl } });
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    const hook = await waitFor(async () => stack.webhooks.find((w) => w.body.includes(job_id)), 60_000, 'the webhook');
    const payload = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as Record<string, any>;
    expect(payload.type).toBe('job.completed');
    expect(payload.data.job_id).toBe(job_id);
    expect(payload.data.result.usage.completion_tokens).toBeGreaterThan(0);
    expect(hook.headers['webhook-id']).toBe(`msg_${job_id}`);
    expect(() => new Webhook(secret).verify(hook.body.replace('job.completed', 'job.failed'), hook.headers as Record<string, string>)).toThrow();
  });

  it('rejects webhook URLs that are not public https', async () => {
    for (const url of ['http://example.com/hook', 'https://10.0.0.8/hook', 'https://169.254.169.254/latest', 'http://127.0.0.1.nip.io/x']) {
      const res = await stack.call('/v1/generate', { method: 'POST', user: 'frank', json: { prompt: 'x', webhook_url: url } });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as Record<string, any>).error.field).toBe('webhook_url');
    }
  });
});

describe('personal data through the real worker', () => {
  const values = { name: 'Bartholomew Quisling', email: 'bart.quisling@example.net', phone: '+1 415 555 0142', card: '5555 5555 5555 4444', iban: 'GB82 WEST 1234 5698 7654 32' };

  it('never lets raw PII reach Redis, job payloads or the worker’s logs', async () => {
    const prompt = `My name is ${values.name}. Write to ${values.email}, call ${values.phone}, card ${values.card}, IBAN ${values.iban}.`;
    const res = await stack.call('/v1/generate', { method: 'POST', user: 'bart', json: { prompt, max_tokens: 8 } });
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    expect((await pollJob(stack, job_id, 'bart')).status).toBe('completed');
    const chat = await stack.call('/v1/chat/completions', { method: 'POST', user: 'bart', json: { messages: [{ role: 'user', content: prompt }], max_tokens: 4, stream: true } });
    await chat.text();

    const { default: Redis } = await import('ioredis');
    const redis = new Redis(stack.redisUrl);
    const dump: string[] = [];
    for (const key of await redis.keys('*')) {
      dump.push(key);
      const type = await redis.type(key);
      if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'string') dump.push(String(await redis.get(key)));
      else if (type === 'stream') dump.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      else if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    }
    await redis.quit();
    const everything = dump.join('\n');
    expect(everything).toContain('<PERSON_1>');
    const logs = stack.workerLog.join('');
    for (const value of Object.values(values)) {
      expect(everything, value).not.toContain(value);
      expect(logs, value).not.toContain(value);
    }
  });
});

describe('learning from feedback', () => {
  it('trains the user’s own adapter from a preferred response and serves it on the next request, until erasure', async () => {
    const ask = { prompt: 'Suggest a name for a bakery.', max_tokens: 12, temperature: 0, seed: 3 };
    // Stated styles fix both users' templates, so only the adapter can change the answer.
    for (const user of ['lena', 'otto']) await stack.call('/v1/profile', { method: 'PUT', user, json: { style: 'casual' } });
    const first = (await (await stack.call('/v1/generate', { method: 'POST', user: 'lena', json: ask })).json()) as { job_id: string };
    const before = await pollJob(stack, first.job_id, 'lena');
    expect(before.status, JSON.stringify(before)).toBe('completed');
    const feedback = await stack.call('/v1/feedback', { method: 'POST', user: 'lena', json: { job_id: first.job_id, rating: 2, preferred_response: 'Golden Crust Bakery, warm and simple.' } });
    expect(await feedback.json()).toMatchObject({ accepted: true }); // the training job is queued in the background

    const { userStorageKey } = await import('../../shared/crypto/hmac');
    const { TEST_SECRETS } = await import('./edge-harness');
    const { adapterRedisKeys } = await import('../../shared/jobs/train-adapter-job');
    const owner = await userStorageKey(TEST_SECRETS.STORAGE_PEPPER, 'acme', 'lena');
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(stack.redisUrl);
    try {
      await waitFor(async () => (await redis.hget(adapterRedisKeys.meta(owner), 'current')) === '1', 60_000, 'the trained adapter');
      const stored = (await redis.getBuffer(adapterRedisKeys.version(owner, 1)))!;
      expect(stored.includes(Buffer.from('attune-lora'))).toBe(false); // sealed, not the plain adapter file

      const second = (await (await stack.call('/v1/generate', { method: 'POST', user: 'lena', json: ask })).json()) as { job_id: string };
      const after = await pollJob(stack, second.job_id, 'lena');
      expect(after.status, JSON.stringify(after) + stack.workerLog.join('').slice(-3000)).toBe('completed');
      expect(after.result.text).not.toBe(before.result.text); // same prompt, greedy, same seed: the adapter changed the answer
      const other = (await (await stack.call('/v1/generate', { method: 'POST', user: 'otto', json: ask })).json()) as { job_id: string };
      const otherJob = await pollJob(stack, other.job_id, 'otto');
      expect(otherJob.status, JSON.stringify(otherJob)).toBe('completed');
      expect(otherJob.result.text).toBe(before.result.text); // other users keep the base model

      expect((await stack.call('/v1/me', { method: 'DELETE', user: 'lena' })).status).toBe(202);
      expect(await redis.keys(`attune:{user:${owner}}:*`)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
