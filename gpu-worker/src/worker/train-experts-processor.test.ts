/**
 * @module gpu-worker/worker/train-experts-processor tests: the processor against Redis DB 3, the
 * committed default model and a stand-in BullMQ job — a release's cluster experts are trained,
 * stored, registered and the tenant's stale one retired; a job for an older round or a tenant
 * with no release does nothing; a newer release mid-run stops the run before its next save;
 * invalid payloads and malformed releases fail without retries; shutdown hands the job back.
 */
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TrainExpertsJob } from '../../../shared/jobs/train-experts-job';
import {
  EXPERT_REGISTRY_KEY, expertClustersKey, expertOwnerKey, readRegistry, registerExpert, type ClusterRelease,
} from '../../../shared/personalization/expert-registry';
import { loadKeyring } from '../../../shared/privacy/crypto/keyring';
import { AdapterStore } from '../adapters/adapter-store';
import type { Logger } from '../runtime/logger';
import { DEFAULT_MODEL_DIR } from './config';
import { createTrainExpertsProcessor } from './train-experts-processor';
import { trainingModelLoader } from './training-model';

const REDIS_URL = 'redis://127.0.0.1:6379/3';
const ADAPTER_KEY = `tx1:${Buffer.alloc(32, 5).toString('base64url')}`;
const trainingModel = trainingModelLoader(DEFAULT_MODEL_DIR);

let redis: Redis;
let store: AdapterStore;
const tenants: string[] = [];

/** A fresh tenant whose release, experts and adapters are deleted after the tests. */
function newTenant(): string {
  const tenant = randomBytes(32).toString('hex');
  tenants.push(tenant);
  return tenant;
}

const expertId = (tenant: string, n: number) => `cluster-${tenant.slice(0, 8)}-${n}`;

function release(round: string, clusters: ClusterRelease['clusters']): ClusterRelease {
  return { round, released_at: '2026-12-04T00:00:00Z', epsilon: 1, sigma: 3, clusters };
}

const casual = { id: 'cluster-0', centroid: [3, 4], style_prior: { casual: 0.85, formal: 0.05, technical: 0.05, creative: 0.05 }, size: 41.2, fallback: false };
const technical = { id: 'cluster-1', centroid: [0, -2], style_prior: { casual: 0, formal: 0.1, technical: 0.9, creative: 0 }, size: 12.7, fallback: false };
const thin = { id: 'cluster-2', centroid: [1, 1], style_prior: { casual: 0.25, formal: 0.25, technical: 0.25, creative: 0.25 }, size: 3, fallback: true };

function payload(tenant: string, round: string): TrainExpertsJob {
  return { kind: 'clusters', tenant, round, requested_at: new Date().toISOString() };
}

/** A logger keeping each line as an object. */
function recordingLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, ...fields });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

function fakeJob(data: unknown) {
  const moveToWait = vi.fn(async () => 0);
  return { id: 'clusters-test', data, attemptsMade: 0, opts: { attempts: 3 }, moveToWait } as unknown as Job & { moveToWait: typeof moveToWait };
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  const model = await trainingModel();
  store = new AdapterStore({
    redis, keyring: await loadKeyring(ADAPTER_KEY),
    expect: { cfg: model.cfg, baseModelId: model.baseModelId, compiledTargets: model.compiledTargets, maxRank: model.maxRank },
  });
});

afterAll(async () => {
  for (const tenant of tenants) {
    const ids = [0, 1, 2, 7].map((n) => expertId(tenant, n));
    await redis.hdel(EXPERT_REGISTRY_KEY, ...ids);
    for (const id of ids) {
      const keys = await redis.keys(`attune:{user:${await expertOwnerKey(id)}}:*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis.del(expertClustersKey(tenant));
  }
  await redis.quit();
});

describe('the train-experts processor', () => {
  it('trains, stores and registers one expert per released cluster and retires the tenant’s stale one', { timeout: 60_000 }, async () => {
    const tenant = newTenant();
    const stale = expertId(tenant, 7);
    await registerExpert(redis, { id: stale, kind: 'cluster', centroid: [1, 0], tenant, rank: 8, version: 1, trained_at: '2026-12-01T00:00:00Z' });
    await redis.set(expertClustersKey(tenant), JSON.stringify(release('4', [casual, technical, thin])));
    const logger = recordingLogger();
    const processJob = createTrainExpertsProcessor({ trainingModel, store, redis, steps: 3, logger });

    const result = await processJob(fakeJob(payload(tenant, '4')), 'token', undefined);

    expect(result).toMatchObject({ round: '4', trained: 2, saved: 2, removed: 1, superseded: false });
    expect('seconds' in result && result.seconds).toBeGreaterThan(0);
    const mine = (await readRegistry(redis)).experts.filter((e) => e.tenant === tenant);
    expect(mine.map((e) => e.id)).toEqual([expertId(tenant, 0), expertId(tenant, 1)]); // no expert for the fallback cluster, the stale one gone
    expect(mine[0]).toMatchObject({ kind: 'cluster', centroid: [0.6, 0.8], rank: 8, version: 1, training: { round: '4', steps: 3, style_prior: casual.style_prior } });
    expect(mine[1].centroid).toEqual([0, -1]);
    for (const e of mine) {
      const adapter = (await store.current(await expertOwnerKey(e.id)))!;
      expect(adapter).toMatchObject({ version: 1, rank: 8, alpha: 16 });
      expect(adapter.weights.get('0.q_proj')!.b.some((x) => x !== 0)).toBe(true); // trained: B moved off zero
    }
    const { lines } = logger;
    expect(lines.filter((l) => l.msg === 'cluster expert trained').map((l) => [l.expert, l.saved])).toEqual([[expertId(tenant, 0), true], [expertId(tenant, 1), true]]);
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'cluster experts trained', jobId: 'clusters-test', trained: 2, saved: 2, removed: 1 });
  });

  it('skips a job whose round is no longer the latest, or whose tenant has no release, touching nothing', async () => {
    const [tenant, unreleased] = [newTenant(), newTenant()];
    await redis.set(expertClustersKey(tenant), JSON.stringify(release('5', [casual])));
    const processJob = createTrainExpertsProcessor({ trainingModel, store, redis, steps: 3 });
    expect(await processJob(fakeJob(payload(tenant, '4')), 'token', undefined)).toEqual({ skipped: 'round 4 is no longer the latest' });
    expect(await processJob(fakeJob(payload(unreleased, '1')), 'token', undefined)).toEqual({ skipped: 'round 1 is no longer the latest' });
    expect((await readRegistry(redis)).experts.filter((e) => e.tenant === tenant || e.tenant === unreleased)).toEqual([]);
  });

  it('skips a release whose clusters all had too few members', async () => {
    const tenant = newTenant();
    await redis.set(expertClustersKey(tenant), JSON.stringify(release('2', [thin])));
    const processJob = createTrainExpertsProcessor({ trainingModel, store, redis, steps: 3 });
    expect(await processJob(fakeJob(payload(tenant, '2')), 'token', undefined)).toEqual({ skipped: 'round 2 releases no cluster with enough members' });
  });

  it('stops before its next save when a newer round is released mid-run, retiring nothing', { timeout: 60_000 }, async () => {
    const tenant = newTenant();
    const stale = expertId(tenant, 7);
    await registerExpert(redis, { id: stale, kind: 'cluster', centroid: [1, 0], tenant, rank: 8, version: 1, trained_at: '2026-12-01T00:00:00Z' });
    await redis.set(expertClustersKey(tenant), JSON.stringify(release('4', [casual, technical])));
    // The edge releases round 5 while the first expert is being saved.
    const releasing: Pick<AdapterStore, 'save'> = {
      save: async (owner, adapter) => {
        await redis.set(expertClustersKey(tenant), JSON.stringify(release('5', [casual])));
        return store.save(owner, adapter);
      },
    };
    const processJob = createTrainExpertsProcessor({ trainingModel, store: releasing, redis, steps: 3 });
    const result = await processJob(fakeJob(payload(tenant, '4')), 'token', undefined);
    expect(result).toMatchObject({ round: '4', trained: 2, saved: 1, removed: 0, superseded: true });
    const mine = (await readRegistry(redis)).experts.filter((e) => e.tenant === tenant).map((e) => e.id);
    expect(mine.sort()).toEqual([expertId(tenant, 0), stale]); // round 5's job retires what it has to
  });

  it('fails an invalid payload or a malformed release without retries, naming the field', async () => {
    const processJob = createTrainExpertsProcessor({ trainingModel, store, redis });
    const tenant = newTenant();
    const cases: [unknown, RegExp][] = [
      [{ ...payload(tenant, '1'), tenant: 'acme' }, /^invalid job payload: tenant: must be a 64-character lowercase hex storage key$/],
      [{ ...payload(tenant, '1'), kind: 'domains' }, /^invalid job payload: kind: /],
      [{ kind: 'clusters', tenant, requested_at: 'now' }, /^invalid job payload: round: /],
      [{ ...payload(tenant, '1'), owner: 'x' }, /^invalid job payload: payload: Unrecognized key/],
    ];
    for (const [data, message] of cases) {
      const error = await processJob(fakeJob(data), 'token', undefined).then(() => null, (e: Error) => e);
      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(error!.message).toMatch(message);
    }
    await redis.set(expertClustersKey(tenant), JSON.stringify({ round: '1', clusters: 'none' }));
    const malformed = await processJob(fakeJob(payload(tenant, '1')), 'token', undefined).then(() => null, (e: Error) => e);
    expect(malformed).toBeInstanceOf(UnrecoverableError);
    expect(malformed!.message).toMatch(new RegExp(`^the released clusters of tenant ${tenant} are malformed: `));
  });

  it('hands the job back to the queue when the worker is shutting down', { timeout: 30_000 }, async () => {
    const tenant = newTenant();
    await redis.set(expertClustersKey(tenant), JSON.stringify(release('3', [casual])));
    const shutdown = new AbortController();
    shutdown.abort();
    const processJob = createTrainExpertsProcessor({ trainingModel, store, redis, steps: 3, shutdownSignal: shutdown.signal });
    const job = fakeJob(payload(tenant, '3'));
    await expect(processJob(job, 'token', undefined)).rejects.toBeInstanceOf(WaitingError);
    expect(job.moveToWait).toHaveBeenCalledWith('token');
    expect((await readRegistry(redis)).experts.some((e) => e.tenant === tenant)).toBe(false);
  });
});
