/**
 * Best-of-N selection, content preferences, expert routing and cold start from differentially
 * private population clusters, through the real edge (workerd via Miniflare, real Redis DB 15, KV
 * and Durable Objects). A BullMQ worker in the test echoes prompts in place of the model (the
 * worker's own side of selection and mixing is tested in gpu-worker/); what the model would be
 * asked to do is read from the queued job.
 */
import type Redis from 'ioredis';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { tenantStorageKey } from '../../shared/crypto/hmac';
import { TRAIN_EXPERTS_QUEUE, trainExpertsJobId } from '../../shared/jobs/train-experts-job';
import { QUEUE_PREFIX, type GenerateJob } from '../../shared/jobs/generate-job';
import { EXPERT_REGISTRY_KEY, expertClustersKey, registerExpert } from '../../shared/personalization/expert-registry';
import { CLUSTER_PRIOR_STRENGTH, type ReleasedClusters } from '../../shared/personalization/population-clusters';
import { TEST_SECRETS } from './edge-harness';
import { waitFor } from './stack-harness';
import { startEchoEdge, type CallInit, type EchoEdge } from './echo-edge';

const REDIS_URL = 'redis://127.0.0.1:6379/15';
const TENANT = 'acme';
let edge: EchoEdge;
let mf: Miniflare;
let redis: Redis;
let queue: Queue;

beforeAll(async () => {
  edge = await startEchoEdge({
    redisUrl: REDIS_URL,
    vars: { EXPERT_REGISTRY_TTL_MS: '0', CLUSTER_ROUND_SIZE: '3', CLUSTER_EPSILON_PER_ROUND: '0.2' },
    echo: { answer: (job) => `You said: ${job.messages.at(-1)!.content}` },
  });
  ({ mf, redis, queue } = edge);
}, 180_000);

afterAll(async () => {
  await edge?.close();
});

/** Every request is made in the fixed tenant. */
const call = (path: string, user: string, init: Omit<CallInit, 'tenant'> = {}) => edge.call(path, user, { ...init, tenant: TENANT });
const json = async (res: Response) => (await res.json()) as Record<string, any>;
async function generate(user: string, prompt: string, extra: Record<string, unknown> = {}): Promise<GenerateJob> {
  const res = await call('/v1/generate', user, { method: 'POST', json: { prompt, max_tokens: 8, ...extra } });
  expect(res.status).toBe(202);
  return (await queue.getJob((await json(res)).job_id))!.data as GenerateJob;
}
const tenantKey = () => tenantStorageKey(TEST_SECRETS.STORAGE_PEPPER, TENANT);

describe('best-of selection and content preferences', () => {
  it('sends the worker the candidates to generate, the style weights to score them by and the content to filter', async () => {
    const user = 'picky';
    const put = await call('/v1/profile', user, { method: 'PUT', json: { content: { excluded_topics: ['spider'], profanity: 'mask' }, best_of: 4 } });
    expect(put.status).toBe(200);
    const job = await generate(user, 'Tell me about gardens');
    expect(job.selection).toMatchObject({ candidates: 4, content: { excluded_topics: ['spider'], profanity: 'mask' } });
    const weights = Object.values(job.selection!.style_weights!) as number[];
    expect(weights).toHaveLength(4);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect((await generate(user, 'And ponds?', { best_of: 2 })).selection?.candidates).toBe(2); // the request wins
  });

  it('leaves selection out when there is nothing to choose or filter, and refuses bad settings by field', async () => {
    expect((await generate('plain', 'Hello there')).selection).toBeUndefined();
    const pii = await call('/v1/profile', 'plain', { method: 'PUT', json: { content: { excluded_topics: ['cooking', 'jane.doe@example.com'] } } });
    expect(pii.status).toBe(400);
    expect((await json(pii)).error).toMatchObject({ code: 'validation_failed', field: 'content.excluded_topics.1' });
    const many = await call('/v1/generate', 'plain', { method: 'POST', json: { prompt: 'x', best_of: 5 } });
    expect(many.status).toBe(400);
    expect((await json(many)).error).toMatchObject({ field: 'best_of' });
    const mode = await call('/v1/profile', 'plain', { method: 'PUT', json: { content: { profanity: 'sometimes' } } });
    expect((await json(mode)).error).toMatchObject({ field: 'content.profanity' });
  });
});

describe('expert routing', () => {
  it('routes a code prompt to the code expert, nothing to a prompt no expert fits, and never another tenant\'s cluster expert', async () => {
    const now = new Date().toISOString();
    await registerExpert(redis, { id: 'domain-code', kind: 'domain', domain: 'code', rank: 8, version: 1, trained_at: now });
    await registerExpert(redis, { id: 'cluster-other-0', kind: 'cluster', centroid: [1, ...new Array(15).fill(0)], tenant: 'f'.repeat(64), rank: 8, version: 1, trained_at: now });
    const code = await generate('coder', 'Fix this Python function that throws a KeyError when I parse JSON');
    expect(code.experts).toEqual([{ id: 'domain-code', weight: 1 }]);
    const shop = await generate('coder', 'Which running shoes should I buy for a marathon?');
    expect(shop.experts).toEqual([]);
    await redis.del(EXPERT_REGISTRY_KEY);
    expect((await generate('coder', 'Fix this Python function that throws a KeyError')).experts).toEqual([]);
  });
});

describe('population clusters and cold start', () => {
  it('charges each contributor, releases the round when full and publishes it to KV and Redis', async () => {
    const users = ['pop-a', 'pop-b', 'pop-c'];
    for (const user of users) {
      for (let i = 0; i < 10; i++) {
        const job = await generate(user, `Question ${i} about the history of bridges`);
        expect((await call('/v1/feedback', user, { method: 'POST', json: { job_id: job.job_id, rating: 4 } })).status).toBe(202);
      }
    }
    let status: Record<string, any> = {};
    for (let i = 0; i < 100 && !status.latest; i++) {
      status = await json(await call('/v1/admin/clusters', 'ops', { scope: 'admin' }));
      if (!status.latest) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.latest).toMatchObject({ round: '1', epsilon: expect.any(Number), clusters: expect.any(Array) });
    expect(status.latest.epsilon).toBeLessThanOrEqual(0.2);
    expect(status.open_round).toEqual({ round: '2', contributors: 0 });
    // The object releases first; publishing to KV and Redis and queueing the training follow in the background.
    const trainQueue = new Queue(TRAIN_EXPERTS_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
    const training = await waitFor(async () => trainQueue.getJob(trainExpertsJobId(await tenantKey(), '1')), 10_000, 'the train-experts job');
    await trainQueue.close();
    const published = JSON.parse((await redis.get(expertClustersKey(await tenantKey())))!) as ReleasedClusters;
    expect(published.round).toBe('1');
    expect(training?.data).toMatchObject({ kind: 'clusters', tenant: await tenantKey(), round: '1' }); // a worker trains the cluster experts
    const kv = await (await mf.getKVNamespace('ATTUNE_KV')).get(`clusters:${await tenantKey()}`, 'json');
    expect(kv).toEqual(published);
    for (const user of users) {
      const exported = await json(await call('/v1/me/export', user));
      expect(JSON.stringify(exported)).toContain('cluster_centroid');
      expect(exported.personalization?.contributed_round ?? findKey(exported, 'contributed_round')).toBe('1');
    }
    // One round per budget period: more feedback does not enter round 2.
    const more = await generate('pop-a', 'One more question about bridges');
    expect((await call('/v1/feedback', 'pop-a', { method: 'POST', json: { job_id: more.job_id, rating: 5 } })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    expect((await json(await call('/v1/admin/clusters', 'ops', { scope: 'admin' }))).open_round.contributors).toBe(0);
    const again = await call('/v1/admin/clusters/release', 'ops', { method: 'POST', scope: 'admin' });
    expect(again.status).toBe(409); // the new round is empty
  });

  it('gives a new user the nearest released cluster\'s style prior after 3 interactions, and takes it back once they are known', async () => {
    const released: ReleasedClusters = {
      round: 'test-1', released_at: new Date().toISOString(), sigma: 1,
      clusters: Array.from({ length: 4 }, (_, i) => ({
        id: `cluster-${i}`, centroid: Array.from({ length: 16 }, (_, d) => (d === i ? 1 : 0)), region_centroid: Array.from({ length: 16 }, (_, d) => (d === i ? 1 : 0)),
        style_prior: { casual: 0.85, formal: 0.05, technical: 0.05, creative: 0.05 }, size: 50, fallback: false,
      })) as ReleasedClusters['clusters'],
    };
    await (await mf.getKVNamespace('ATTUNE_KV')).put(`clusters:${await tenantKey()}`, JSON.stringify(released));
    const user = 'newcomer';
    const prior = async () => findKey(await json(await call('/v1/me/export', user)), 'preference_posteriors').prior.style as Record<string, number>;
    for (let i = 0; i < 3; i++) await generate(user, `First questions ${i}`);
    expect(await prior()).toEqual({ casual: 1, formal: 1, technical: 1, creative: 1 });
    await generate(user, 'Fourth question');
    const p = await prior();
    expect(p.casual).toBeCloseTo(1 + CLUSTER_PRIOR_STRENGTH * 0.85, 6);
    expect(p.formal).toBeCloseTo(1 + CLUSTER_PRIOR_STRENGTH * 0.05, 6);
    expect(findKey(await json(await call('/v1/me/export', user)), 'cluster_prior')).toMatchObject({ round: 'test-1' });
    for (let i = 0; i < 17; i++) await generate(user, `Later question ${i}`);
    expect(await prior()).toEqual({ casual: 1, formal: 1, technical: 1, creative: 1 });
  });
});

/** The first value under `key` anywhere in a JSON value. */
function findKey(value: unknown, key: string): any {
  if (!value || typeof value !== 'object') return undefined;
  if (key in (value as object)) return (value as Record<string, unknown>)[key];
  for (const v of Object.values(value as object)) {
    const found = findKey(v, key);
    if (found !== undefined) return found;
  }
  return undefined;
}
