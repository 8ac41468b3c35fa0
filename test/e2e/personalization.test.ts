/**
 * The personalization engine through the real edge (workerd via Miniflare, real Redis DB 8): a
 * style learned from ratings alone reaches the system message of the next requests; memories are
 * kept with placeholders instead of personal data and travel as one extra user turn; insights and
 * the tenant's admin metrics show what happened; erasure removes the engine's state; and a heavy
 * user's sealed state stays under 64 KB.
 *
 * A BullMQ worker inside the test stands in for the model (as in privacy-edge.test.ts): it echoes
 * the prompt and reports completion to the edge. The messages the model would see are read from
 * the queued job in Redis.
 */
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMetricsSchema } from '../../shared/api/admin-metrics';
import { insightsSchema, type Insights } from '../../shared/api/insights';
import { userStorageKey } from '../../shared/crypto/hmac';
import { QUEUE_PREFIX, type GenerateJob } from '../../shared/jobs/generate-job';
import { TRAIN_ADAPTER_QUEUE } from '../../shared/jobs/train-adapter-job';
import { localHour } from '../../shared/personalization/interaction-analytics';
import { TEST_SECRETS } from './edge-harness';
import { waitFor } from './stack-harness';
import { startEchoEdge, type CallInit as Init, type EchoEdge } from './echo-edge';

const REDIS_URL = 'redis://127.0.0.1:6379/8';
const EMAIL = 'jane.doe@example.com';

let edge: EchoEdge;
let url: string;
let mf: Miniflare;
let redis: Redis;
let queue: Queue;
let trainQueue: Queue;

beforeAll(async () => {
  edge = await startEchoEdge({ redisUrl: REDIS_URL, echo: { answer: (job) => `You said: ${job.messages.at(-1)!.content}` } });
  ({ url, mf, redis, queue } = edge);
  trainQueue = new Queue(TRAIN_ADAPTER_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
}, 180_000);

afterAll(async () => {
  await trainQueue?.close();
  await edge?.close();
});

const call = (path: string, user: string, init: Init = {}) => edge.call(path, user, init);
const body = async <T = Record<string, any>>(res: Response) => (await res.json()) as T;

async function generate(user: string, prompt: string, extra: Record<string, unknown> = {}, init: Init = {}): Promise<string> {
  const res = await call('/v1/generate', user, { ...init, method: 'POST', json: { prompt, max_tokens: 8, ...extra } });
  expect(res.status).toBe(202);
  return (await body<{ job_id: string }>(res)).job_id;
}
async function queued(jobId: string): Promise<GenerateJob> {
  return (await queue.getJob(jobId))!.data as GenerateJob;
}
async function rate(user: string, jobId: string, rating: number, init: Init = {}): Promise<void> {
  expect((await call('/v1/feedback', user, { ...init, method: 'POST', json: { job_id: jobId, rating } })).status).toBe(202);
}
async function insights(user: string, init: Init = {}): Promise<Insights> {
  const res = await call('/v1/me/insights', user, init);
  expect(res.status).toBe(200);
  return insightsSchema.parse(await res.json());
}
const styleOf = (job: GenerateJob) => /Write in a (\w+) style\./.exec(job.messages[0].role === 'system' ? job.messages[0].content : '')?.[1];

describe('learning from ratings alone', () => {
  it('states the style a user rated 5 (others 1) in the system message of the next requests, with no profile', async () => {
    const user = 'rater';
    const liked = 'technical';
    expect(await body(await call('/v1/profile', user))).toEqual({ updated_at: null });
    let settled = false;
    let rounds = 0;
    const feedbackMs: number[] = [];
    while (!settled && rounds < 150) {
      const jobId = await generate(user, `Question ${rounds}: how do batteries store energy?`);
      const job = await queued(jobId);
      expect(job.personalized).toBe(true);
      const started = performance.now();
      await rate(user, jobId, styleOf(job) === liked ? 5 : 1);
      feedbackMs.push(performance.now() - started);
      const now = await insights(user);
      if (rounds === 0) expect(now.learned_preferences.style?.confidence).toBeGreaterThan(0); // real time: visible at once
      const style = now.learned_preferences.style;
      settled = style?.value === liked && style.confidence >= 0.6 && !now.drift_mode;
      rounds++;
    }
    feedbackMs.sort((a, b) => a - b);
    console.log(`style learned from ratings alone after ${rounds} rated requests; POST /v1/feedback round trip median ${feedbackMs[feedbackMs.length >> 1].toFixed(1)} ms, max ${feedbackMs.at(-1)!.toFixed(1)} ms`);
    expect(settled).toBe(true);
    for (let i = 0; i < 3; i++) {
      const job = await queued(await generate(user, `Follow-up ${i}: and capacitors?`));
      expect(job.messages[0].content).toContain(`Write in a ${liked} style.`);
      expect(job.messages[0].content).not.toContain('capacitors'); // user text stays in its own turn
      expect(job.messages.at(-1)).toEqual({ role: 'user', content: `Follow-up ${i}: and capacitors?` });
    }
  });

  it('records a drift when a happy user turns unhappy, and asks for an adapter refresh', async () => {
    const user = 'drifter';
    for (let i = 0; i < 12; i++) await rate(user, await generate(user, `Draft ${i} of my essay`), 5);
    let state = await insights(user);
    expect(state.drift_events).toEqual([]);
    for (let i = 0; i < 10 && !state.drift_events.length; i++) {
      await rate(user, await generate(user, `Another draft ${i}`), 1);
      state = await insights(user);
    }
    expect(state.drift_events).toHaveLength(1);
    expect(state.drift_events[0].direction).toBe('down');
    expect(state.adapter_refresh_requested).toBe(true);
    expect(state.drift_mode).toBe(true);
    // The refresh trains on feedback given after the drift: it is queued once two new examples wait.
    const owner = await ownerKey(user);
    const refreshes = async () => (await trainQueue.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.data.reason === 'drift_refresh' && j.data.owner === owner);
    expect(await refreshes()).toHaveLength(0);
    // A good answer becomes an example only once it exists: wait for each job to complete.
    const answered = async (prompt: string) => {
      const jobId = await generate(user, prompt);
      await waitDone(user, jobId);
      return jobId;
    };
    expect((await call('/v1/feedback', user, { method: 'POST', json: { job_id: await answered('A new kind of draft'), thumbs: 'up' } })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300)); // the background step keeps the example
    expect(await refreshes()).toHaveLength(0);
    expect((await call('/v1/feedback', user, { method: 'POST', json: { job_id: await answered('Another new draft'), rating: 5 } })).status).toBe(202);
    const [refresh] = await waitFor(async () => { const found = await refreshes(); return found.length ? found : null; }, 10_000, 'the adapter refresh');
    expect(refresh.data.sft.map((e: { messages: GenerateJob['messages'] }) => e.messages.at(-1)!.content)).toEqual(['A new kind of draft', 'Another new draft']);
    await waitFor(async () => !(await insights(user)).adapter_refresh_requested, 10_000, 'the refresh request to clear');
  });
});

describe('feedback kinds', () => {
  const post = (user: string, json: unknown) => call('/v1/feedback', user, { method: 'POST', json });
  const styleShare = async (user: string, style: string) => (await insights(user)).learned_preferences.style?.value === style;

  it('learns from thumbs, from a choice between two responses and from an edit', async () => {
    const user = 'kinds';
    // Thumbs: up on every formal response, down on the others, until formal leads.
    for (let i = 0; i < 40 && !(await styleShare(user, 'formal')); i++) {
      const jobId = await generate(user, `Thumbs question ${i}`);
      expect((await post(user, { job_id: jobId, thumbs: styleOf(await queued(jobId)) === 'formal' ? 'up' : 'down' })).status).toBe(202);
    }
    expect(await styleShare(user, 'formal')).toBe(true);
    // Choice: two responses to one prompt; the user picks the creative one whenever they differ.
    const chooser = 'chooser';
    let choices = 0;
    for (let i = 0; i < 60 && !(await styleShare(chooser, 'creative')); i++) {
      const [a, b] = [await generate(chooser, `Pick one ${i}`), await generate(chooser, `Pick one ${i}`)];
      const [sa, sb] = [styleOf(await queued(a)), styleOf(await queued(b))];
      if (sa === sb) continue;
      const [winner, loser] = sb === 'creative' ? [b, a] : [a, b];
      const res = await post(chooser, { job_id: winner, chosen_over: loser });
      expect(res.status).toBe(202);
      choices++;
    }
    expect(await styleShare(chooser, 'creative')).toBe(true);
    expect(choices).toBeGreaterThan(0);
    // Edit: a much shorter rewrite of a long answer is evidence for concise answers.
    const editor = 'editor';
    const before = (await insights(editor)).learned_preferences.length?.value;
    const long = Array.from({ length: 12 }, (_, k) => `step ${k} of how plants turn light into sugar`).join(', ');
    for (let i = 0; i < 3; i++) {
      const jobId = await generate(editor, `Question ${i}: explain ${long}`);
      await waitDone(editor, jobId);
      expect((await post(editor, { job_id: jobId, edited_response: 'Plants make sugar from light.' })).status).toBe(202);
    }
    const after = await insights(editor);
    expect(after.learned_preferences.length?.value).toBe('concise');
    expect(before).not.toBe('concise');
    const exported = await body(await call('/v1/me/export', editor));
    expect(JSON.stringify(exported)).toContain('Plants make sugar from light.');
  });

  it('refuses feedback without exactly one signal, a choice over itself, or a job that is not the caller\'s, naming the field', async () => {
    const user = 'strict';
    const jobId = await generate(user, 'One prompt');
    const none = await post(user, { job_id: jobId, comment: 'nice' });
    expect(none.status).toBe(400);
    expect((await body(none)).error).toMatchObject({ code: 'validation_failed', field: 'rating' });
    const two = await post(user, { job_id: jobId, rating: 5, thumbs: 'up' });
    expect(two.status).toBe(400);
    expect((await body(two)).error).toMatchObject({ field: 'thumbs' });
    const self = await post(user, { job_id: jobId, chosen_over: jobId });
    expect((await body(self)).error).toMatchObject({ field: 'chosen_over' });
    const badThumbs = await post(user, { job_id: jobId, thumbs: 'sideways' });
    expect((await body(badThumbs)).error).toMatchObject({ field: 'thumbs' });
    const othersJob = await generate('someone-else', 'Not yours');
    const foreign = await post(user, { job_id: jobId, chosen_over: othersJob });
    expect(foreign.status).toBe(404);
    expect((await body(foreign)).error).toMatchObject({ code: 'not_found', field: 'chosen_over' });
  });
});

describe('memories', () => {
  it('keeps facts with placeholders for personal data, lists them without embeddings, and 400s or 404s by field', async () => {
    const user = 'memo';
    const empty = await call('/v1/memories', user, { method: 'POST', json: { text: '' } });
    expect(empty.status).toBe(400);
    expect((await body(empty)).error).toMatchObject({ code: 'validation_failed', field: 'text' });
    const fact = await call('/v1/memories', user, { method: 'POST', json: { text: 'I am vegetarian and I cook dinner for my two kids every evening' } });
    expect(fact.status).toBe(201);
    const stored = await body(fact);
    expect(stored).toMatchObject({ id: expect.stringMatching(/^mem_/), kind: 'fact', created_at: expect.any(String) });
    const pii = await body(await call('/v1/memories', user, { method: 'POST', json: { text: `Send invoices to my email ${EMAIL}` } }));
    expect(pii.text).toBe('Send invoices to my email <EMAIL_ADDRESS>');
    const listed = await call('/v1/memories', user);
    const raw = await listed.text();
    expect(raw).not.toContain(EMAIL);
    expect(raw).not.toContain('embedding');
    expect(JSON.parse(raw).memories.map((m: { id: string }) => m.id)).toEqual([stored.id, pii.id]);
    const unknown = await call('/v1/memories/mem_000000000000000000000000', user, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect((await body(unknown)).error).toMatchObject({ code: 'not_found', field: 'id' });
    expect(JSON.stringify(await body(await call('/v1/me/export', user)))).not.toContain(EMAIL);

    const prompt = 'Suggest a vegetarian dinner I can cook for my kids';
    const withMemory = (await queued(await generate(user, prompt))).messages;
    expect(withMemory.map((m) => m.role)).toEqual(['system', 'user', 'user']);
    expect(withMemory[1].content).toMatch(/^Things I told you before:\n- I am vegetarian and I cook dinner/);
    expect(withMemory[0].content).not.toMatch(/vegetarian|Things I told you/);
    expect(withMemory[2].content).toBe(prompt);
    expect((await queued(await generate(user, prompt, { use_memories: false }))).messages.map((m) => m.role)).toEqual(['system', 'user']);

    const chat = await call('/v1/chat/completions', user, { method: 'POST', json: { messages: [{ role: 'user', content: prompt }], max_tokens: 8 } });
    expect(chat.status).toBe(200);
    const chatJob = await queued(`job_${(await body(chat)).id.slice('chatcmpl-'.length)}`);
    expect(chatJob.messages[1].content).toMatch(/^Things I told you before:/);

    expect(await body(await call(`/v1/memories/${stored.id}`, user, { method: 'DELETE' }))).toEqual({ deleted: 1 });
    expect(await body(await call('/v1/memories', user, { method: 'DELETE' }))).toEqual({ deleted: 1 });
    expect((await body(await call('/v1/memories', user))).memories).toEqual([]);
  });
});

describe('insights and admin metrics', () => {
  it('count what the tenant’s users did: personalization rate, budget exhaustion, adaptation time', async () => {
    const tenant = 'metrics-co';
    const admin = { tenant, scope: 'admin' };
    // ε 0.4 per personalized request against a cap of 1: two are personalized, the rest are not.
    expect((await call('/v1/admin/tenant-config', 'ops', { ...admin, method: 'PUT', json: { costs: { personalization: { mechanism: 'pure', epsilon: 0.4 } } } })).status).toBe(200);
    const user = 'mona';
    const zone = { tenant, headers: { 'x-timezone': 'Asia/Kathmandu' } };
    const hours = new Set<number>();
    const jobs: GenerateJob[] = [];
    for (let i = 0; i < 5; i++) {
      hours.add(localHour(Date.now(), 'Asia/Kathmandu')!);
      const jobId = await generate(user, `Fix the bug in my Python script number ${i}`, {}, zone);
      hours.add(localHour(Date.now(), 'Asia/Kathmandu')!);
      jobs.push(await queued(jobId));
      if (i < 2) await rate(user, jobId, 5, { tenant });
    }
    expect(jobs.map((j) => j.personalized)).toEqual([true, true, false, false, false]);
    expect(jobs[2].personalization_skipped).toMatch(/privacy budget exhausted/);

    const me = await insights(user, { tenant });
    expect(me).toMatchObject({ interactions: 5, feedback_count: 2, engagement: 'occasional', most_common_domain: 'code', drift_events: [], adapter_refresh_requested: false, memories: 0 });
    expect(me.activity.by_hour.reduce((a, b) => a + b, 0)).toBe(5);
    expect([...hours].reduce((sum, h) => sum + me.activity.by_hour[h], 0)).toBe(5); // the local hour, not UTC
    expect(me.privacy_budget.epsilon_remaining).toBeCloseTo(0.2, 9);
    for (const learned of Object.values(me.learned_preferences)) expect(learned.confidence).toBeGreaterThan(0);
    expect(me.learned_preferences.style).toBeDefined();

    expect((await call('/v1/admin/metrics', user, { tenant })).status).toBe(403);
    const metrics = adminMetricsSchema.parse(await body(await call('/v1/admin/metrics', 'ops', admin)));
    console.log(`tenant metrics: ${JSON.stringify(metrics)}`);
    expect(metrics.requests).toEqual({ total: 5, personalized: 2, personalization_rate: 0.4 });
    expect(metrics.budget_exhausted).toBe(3);
    // Only the 2nd request used feedback (the 1st job's rating); the 2nd rating still waits for a personalized request.
    expect(metrics.adaptation_time_ms.samples).toBe(1);
    expect(metrics.adaptation_time_ms.p50).toBeGreaterThanOrEqual(0);
    expect(metrics.adaptation_time_ms.p99).toBeLessThan(10_000);
    expect(await insights('newcomer', { tenant })).toMatchObject({ interactions: 0, engagement: 'new', most_common_domain: null, learned_preferences: {} });
  });

  it('counts the UTC hour when x-timezone is not a time zone', async () => {
    const before = new Date().getUTCHours();
    await generate('zoneless', 'hello there', {}, { headers: { 'x-timezone': 'Not/A_Zone' } });
    const hours = (await insights('zoneless')).activity.by_hour;
    expect(hours[before] + hours[new Date().getUTCHours()]).toBeGreaterThanOrEqual(1);
    expect(hours.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('describes the new routes and the use_memories flag in /openapi.json', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as Record<string, any>;
    for (const path of ['/v1/memories', '/v1/memories/{id}', '/v1/me/insights', '/v1/admin/metrics']) expect(doc.paths[path], path).toBeDefined();
    expect(Object.keys(doc.paths['/v1/memories'])).toEqual(expect.arrayContaining(['get', 'post', 'delete']));
    expect(JSON.stringify(doc.paths['/v1/generate'])).toContain('use_memories');
    expect(JSON.stringify(doc.paths['/v1/chat/completions'])).toContain('use_memories');
  });
});

describe('erasure and export', () => {
  it('exports the engine’s state, then erases memories, posteriors and analytics with the user', async () => {
    const user = 'forgetful';
    await call('/v1/memories', user, { method: 'POST', json: { text: 'I prefer short answers about gardening' } });
    const jobId = await generate(user, 'How often should I water tomatoes in my garden?');
    await rate(user, jobId, 5);
    const exported = await body(await call('/v1/me/export', user));
    expect(exported.memories.map((m: { text: string }) => m.text)).toEqual(['I prefer short answers about gardening']);
    expect(exported.preference_posteriors.alpha.style).toBeDefined();
    expect(exported.analytics.interactions).toBe(1);
    expect(exported.drift_events).toEqual([]);
    expect(exported.job_choices.map((c: { job_id: string }) => c.job_id)).toEqual([jobId]);

    const receipt = await call('/v1/me', user, { method: 'DELETE' });
    expect(receipt.status).toBe(202);
    expect((await body(receipt)).removed.durable_object).toMatchObject({ personal_state: 2, job_choices: 1 });
    expect(await insights(user)).toMatchObject({ interactions: 0, feedback_count: 0, learned_preferences: {}, memories: 0 });
    expect((await body(await call('/v1/memories', user))).memories).toEqual([]);
    const stub = await userStateStub(user);
    expect((await stub.inspectForTest(await ownerKey(user))).storedBytes).toMatchObject({ personalization: 0, memories: 0, job_choices: 0 });
  });
});

describe('stored state size', () => {
  it('stays under 64 KB sealed after 100 interactions, with a full profile and memories filled to their budget', async () => {
    const user = 'heavy';
    await call('/v1/profile', user, { method: 'PUT', json: { style: 'formal', tone: 'friendly', complexity: 0.4, response_length: 'balanced', domains: ['writing', 'code'], locale: 'en-GB' } });
    const topics = ['my novel', 'a Python script', 'quadratic equations', 'running shoes', 'sleep habits', 'a cover letter', 'a SQL query'];
    for (let i = 0; i < 100; i += 4) {
      const batch = await Promise.all([0, 1, 2, 3].map((j) => generate(user, `Request ${i + j}: help me with ${topics[(i + j) % topics.length]}, please`)));
      await Promise.all(batch.map((jobId, j) => rate(user, jobId, ((i + j) % 5) + 1)));
    }
    let used = 0;
    for (let i = 0; used < 24 * 1024 - 1500; i++) {
      expect((await call('/v1/memories', user, { method: 'POST', json: { text: `Fact ${i}: I like ${topics[i % topics.length]} and I keep notes about it every week.` } })).status).toBe(201);
      used = (await body(await call('/v1/memories', user))).used_bytes;
    }
    const bytes = (await (await userStateStub(user)).inspectForTest(await ownerKey(user))).storedBytes;
    console.log(`sealed state after 100 interactions: ${JSON.stringify(bytes)} (memories ${used} bytes of JSON)`);
    expect((await insights(user)).interactions).toBe(100);
    expect(bytes.state_total).toBeLessThanOrEqual(64 * 1024);
  });
});

async function waitDone(user: string, jobId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const status = (await body(await call(`/v1/jobs/${jobId}`, user))).status;
    if (status === 'completed') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not complete`);
}
async function ownerKey(user: string, tenant = 'acme'): Promise<string> {
  return userStorageKey(TEST_SECRETS.STORAGE_PEPPER, tenant, user);
}
async function userStateStub(user: string) {
  const ns = await mf.getDurableObjectNamespace('USER_STATE');
  return ns.get(ns.idFromName(await ownerKey(user))) as unknown as { inspectForTest(o: string): Promise<{ storedBytes: Record<string, number> }> };
}
