/**
 * @module test/worker/train-experts tests: the `train-experts` queue end to end on real Redis
 * (127.0.0.1:6379, DB 3; only this file's keys are removed) with a worker started in-process on
 * the committed default model — a job queued as the edge queues it after a release ends with the
 * release's cluster experts trained (default settings), stored and registered.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_PREFIX } from '../../shared/jobs/generate-job';
import { TRAIN_EXPERTS_QUEUE, trainExpertsJobId, type TrainExpertsJob } from '../../shared/jobs/train-experts-job';
import { EXPERT_REGISTRY_KEY, expertClustersKey, expertOwnerKey, readRegistry, type ClusterRelease } from '../../shared/personalization/expert-registry';
import { EXPERT_CLUSTER_SEED, EXPERT_TRAIN_DEFAULTS } from '../../gpu-worker/src/training/experts/expert-training';
import { DEFAULT_MODEL_DIR } from '../../gpu-worker/src/worker/config';
import { startWorker, type RunningWorker } from '../../gpu-worker/src/worker/start-worker';
import { recordingLogger, startFakeEdge, waitForState } from './worker-fixtures';

const REDIS_URL = 'redis://127.0.0.1:6379/3';
const SECRET = 'experts-test-internal-secret-0123456789';
const ADAPTER_KEY = `xk1:${Buffer.alloc(32, 9).toString('base64url')}`;
const TENANT = randomBytes(32).toString('hex');
const EXPERT = `cluster-${TENANT.slice(0, 8)}-3`;

let redis: Redis;
let queue: Queue;
let edge: Awaited<ReturnType<typeof startFakeEdge>>;
let worker: RunningWorker;
const logger = recordingLogger();

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  queue = new Queue(TRAIN_EXPERTS_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  edge = await startFakeEdge(SECRET);
  worker = await startWorker({
    redisUrl: REDIS_URL, modelDir: DEFAULT_MODEL_DIR, edgeUrl: edge.url, internalApiSecret: SECRET, concurrency: 1, executionProviders: ['cpu'],
    workerId: 'experts-test-worker', heartbeatIntervalMs: 1_000, drainTimeoutMs: 30_000, jobTimeoutMs: 60_000, retentionDays: 365,
    retentionSweepIntervalMs: 3_600_000, adapterEncryptionKey: ADAPTER_KEY, adapterVersionsKept: 3,
  }, { logger });
});

afterAll(async () => {
  await worker?.close();
  await (await queue?.getJob(trainExpertsJobId(TENANT, '1')))?.remove();
  await queue?.close();
  if (redis) {
    await redis.hdel(EXPERT_REGISTRY_KEY, EXPERT);
    const keys = await redis.keys(`attune:{user:${await expertOwnerKey(EXPERT)}}:*`);
    await redis.del(expertClustersKey(TENANT), ...keys);
    await redis.quit();
  }
  await edge?.close();
});

describe('the train-experts queue', () => {
  it('trains, stores and registers the cluster expert of a release the edge queued a job for', { timeout: 90_000 }, async () => {
    const release: ClusterRelease = {
      round: '1', released_at: new Date().toISOString(), epsilon: 0.2, sigma: 3,
      clusters: [
        { id: 'cluster-3', centroid: [0, 2], style_prior: { casual: 0.1, formal: 0.8, technical: 0.1, creative: 0 }, size: 120.4, fallback: false },
        { id: 'cluster-4', centroid: [1, 1], style_prior: { casual: 0.25, formal: 0.25, technical: 0.25, creative: 0.25 }, size: 2, fallback: true },
      ],
    };
    await redis.set(expertClustersKey(TENANT), JSON.stringify(release));
    const job: TrainExpertsJob = { kind: 'clusters', tenant: TENANT, round: '1', requested_at: new Date().toISOString() };
    const id = trainExpertsJobId(TENANT, '1');
    const started = Date.now();
    await queue.add('train-experts', job, { jobId: id, attempts: 3, backoff: { type: 'exponential', delay: 30_000 } });

    const state = await waitForState(queue, id, ['completed', 'failed'], 80_000);
    expect(state, (await queue.getJob(id))?.failedReason).toBe('completed');
    expect((await queue.getJob(id))!.returnvalue).toMatchObject({ round: '1', trained: 1, saved: 1, removed: 0, superseded: false });
    const entry = (await readRegistry(redis)).experts.find((e) => e.id === EXPERT)!;
    expect(entry).toMatchObject({
      kind: 'cluster', tenant: TENANT, centroid: [0, 1], rank: EXPERT_TRAIN_DEFAULTS.rank, version: 1,
      training: { round: '1', steps: EXPERT_TRAIN_DEFAULTS.steps, seed: EXPERT_CLUSTER_SEED, cluster_size: 120.4 },
    });
    expect((await worker.adapters.current(await expertOwnerKey(EXPERT)))!.version).toBe(1);
    expect(logger.lines.some((l) => l.includes('"cluster experts trained"') && l.includes(id))).toBe(true);
    console.info(`train-experts: 1 cluster × ${EXPERT_TRAIN_DEFAULTS.steps} steps, enqueue→completed ${Date.now() - started} ms`);
  });
});
