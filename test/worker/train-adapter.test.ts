/**
 * @module test/worker/train-adapter tests: the `train-adapter` queue end to end on real Redis
 * (127.0.0.1:6379, DB 14, flushed at the end) with a worker started in-process on a random
 * test model — training lowers the loss and stores a new encrypted version, the per-user lock
 * makes a second job wait and retry, invalid payloads fail without retries naming the field,
 * and a diverging run is rolled back, keeping the previous version.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_PREFIX } from '../../shared/jobs/generate-job';
import {
  adapterRedisKeys, TRAIN_ADAPTER_QUEUE, trainAdapterJobResultSchema, type TrainAdapterJob, type TrainAdapterJobResult,
} from '../../shared/jobs/train-adapter-job';
import { noiseForPrivateTraining, privatePhases } from '../../shared/jobs/train-adapter-plan';
import { ensureCompiled } from '../../gpu-worker/src/compiler/compile';
import { initRandomModel } from '../../gpu-worker/src/model/init-random';
import { startWorker, type RunningWorker } from '../../gpu-worker/src/worker/start-worker';
import { loadTrainingModel } from '../../gpu-worker/src/worker/training-model';
import { recordingLogger, startFakeEdge, waitFor, waitForState } from './worker-fixtures';

const REDIS_URL = 'redis://127.0.0.1:6379/14';
const SECRET = 'train-test-internal-secret-0123456789';
const ADAPTER_KEY = `tk1:${Buffer.alloc(32, 3).toString('base64url')}`;
const TEXT_MARKER = 'gardener';

let root: string;
let modelDir: string;
let redis: Redis;
let queue: Queue;
let edge: Awaited<ReturnType<typeof startFakeEdge>>;
let worker: RunningWorker;
const logger = recordingLogger();

const newOwner = () => randomBytes(32).toString('hex');

/** A valid payload for `owner`: two SFT examples (schema input: defaulted fields may be absent). */
function trainJob(owner: string, overrides: Partial<TrainAdapterJob> = {}): Record<string, unknown> {
  return {
    job_id: `train-${randomBytes(6).toString('hex')}`,
    owner,
    tenant: 'ab'.repeat(32),
    sft: [
      { messages: [{ role: 'user', content: `Where does the ${TEXT_MARKER} work?` }], response: 'In the garden behind the old library.' },
      { messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What did the students read?' }], response: 'Their notes.' },
    ],
    steps: 30,
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

async function enqueue(data: Record<string, unknown>, attempts = 3, backoffMs = 100): Promise<string> {
  const id = data.job_id as string;
  await queue.add('train-adapter', data, { jobId: id, attempts, backoff: { type: 'fixed', delay: backoffMs } });
  return id;
}

async function resultOf(id: string, timeoutMs = 60_000): Promise<TrainAdapterJobResult> {
  const state = await waitForState(queue, id, ['completed', 'failed'], timeoutMs);
  expect(state, (await queue.getJob(id))?.failedReason).toBe('completed');
  return trainAdapterJobResultSchema.parse((await queue.getJob(id))!.returnvalue);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'attune-train-'));
  modelDir = join(root, 'tiny-llama');
  await initRandomModel(modelDir, { seed: 5 });
  await ensureCompiled(modelDir);
  redis = new Redis(REDIS_URL);
  queue = new Queue(TRAIN_ADAPTER_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  await queue.obliterate({ force: true });
  edge = await startFakeEdge(SECRET);
  worker = await startWorker({
    redisUrl: REDIS_URL, modelDir, edgeUrl: edge.url, internalApiSecret: SECRET, concurrency: 2, executionProviders: ['cpu'],
    workerId: 'train-test-worker', heartbeatIntervalMs: 1_000, drainTimeoutMs: 30_000, jobTimeoutMs: 60_000, retentionDays: 365,
    retentionSweepIntervalMs: 3_600_000, adapterEncryptionKey: ADAPTER_KEY, adapterVersionsKept: 3,
  }, { logger });
});

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await redis?.flushdb();
  await redis?.quit();
  await edge?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the train-adapter queue', () => {
  it('trains on two SFT examples for 30 steps, lowers the loss and stores a new encrypted version the serving path reads', { timeout: 90_000 }, async () => {
    const owner = newOwner();
    const started = Date.now();
    const result = await resultOf(await enqueue(trainJob(owner)));
    const wallMs = Date.now() - started;
    expect(result).toMatchObject({ version: 1, steps: 30, rolled_back: false });
    expect(result.reason).toBeUndefined();
    expect(result.last_loss!).toBeLessThan(result.first_loss!);
    expect(result.last_loss!).toBeLessThan(0.5 * result.first_loss!);
    expect(await worker.adapters.versions(owner)).toMatchObject({ current: 1, versions: [1] });
    const adapter = (await worker.adapters.current(owner))!;
    expect(adapter).toMatchObject({ version: 1, rank: 8, alpha: 16, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] });
    expect(adapter.weights.get('0.q_proj')!.b.some((x) => x !== 0)).toBe(true); // B started at 0 and was trained
    const stored = (await redis.get(adapterRedisKeys.version(owner, 1)))!;
    expect(stored.startsWith('tk1.v1.')).toBe(true);
    expect(await redis.exists(adapterRedisKeys.trainLock(owner))).toBe(0); // released
    console.info(`sft 2 examples × 30 steps: loss ${result.first_loss!.toFixed(3)} → ${result.last_loss!.toFixed(3)}, enqueue→completed ${wallMs} ms`);
  });

  it('continues the stored adapter on the next job and trains SFT then DPO on preference pairs', { timeout: 90_000 }, async () => {
    const owner = newOwner();
    await resultOf(await enqueue(trainJob(owner, { steps: 10 })));
    const preferences = [
      { messages: [{ role: 'user' as const, content: 'How was the weather?' }], chosen: 'Rainy, then clear.', rejected: 'I do not know.' },
      { messages: [{ role: 'user' as const, content: 'Who locked the gate?' }], chosen: 'The gardener.', rejected: 'Nobody at all.' },
    ];
    const result = await resultOf(await enqueue(trainJob(owner, { steps: 20, preferences })));
    expect(result).toMatchObject({ version: 2, steps: 20, rolled_back: false });
    const line = logger.lines.map((l) => JSON.parse(l) as Record<string, unknown>).findLast((l) => l.msg === 'adapter trained')!;
    expect(line).toMatchObject({ continued: true, sft: 2, preferences: 2, version: 2 });
    expect(await worker.adapters.versions(owner)).toMatchObject({ current: 2, versions: [1, 2] });
  });

  it('retries a job while another holds the user’s training lock, and runs it once the lock is free', { timeout: 90_000 }, async () => {
    const owner = newOwner();
    await redis.set(adapterRedisKeys.trainLock(owner), 'another-job', 'PX', 60_000);
    const id = await enqueue(trainJob(owner, { steps: 5 }), 20, 200);
    await waitFor('two attempts refused by the lock', 20_000, async () => ((await queue.getJob(id))!.attemptsMade >= 2 ? true : undefined));
    const job = (await queue.getJob(id))!;
    expect(['delayed', 'waiting', 'active']).toContain(await queue.getJobState(id));
    expect(job.failedReason).toMatch(/another train-adapter job for this user is running/);
    expect(await worker.adapters.versions(owner)).toMatchObject({ current: null, versions: [] }); // nothing trained meanwhile
    expect(await redis.get(adapterRedisKeys.trainLock(owner))).toBe('another-job'); // the holder's lock is untouched
    await redis.del(adapterRedisKeys.trainLock(owner));
    const result = await resultOf(id);
    expect(result).toMatchObject({ version: 1, steps: 5, rolled_back: false });
    expect((await queue.getJob(id))!.attemptsMade).toBeGreaterThanOrEqual(2);
  });

  it('fails an invalid payload once, without retries, naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [trainJob(newOwner(), { steps: 0 }), /^invalid job payload: steps: /],
      [{ ...trainJob(newOwner()), owner: 'user-42' }, /^invalid job payload: owner: must be a 64-character lowercase hex storage key/],
      [trainJob(newOwner(), { sft: [], preferences: [] }), /^invalid job payload: sft: sft or preferences must hold at least one example/],
      [trainJob(newOwner(), { sft: [{ messages: [{ role: 'assistant', content: 'Hi' }], response: 'Hello' }] }), /^invalid job payload: sft\.0\.messages: must end with a user turn/],
      [trainJob(newOwner(), { targets: ['q_proj', 'gate_proj'] }), /^invalid job payload: targets: gate_proj not compiled into the model \(compiled: q_proj, k_proj, v_proj, o_proj\)/],
    ];
    for (const [data, reason] of cases) {
      const id = await enqueue(data, 3);
      expect(await waitForState(queue, id, ['failed', 'completed'], 10_000)).toBe('failed');
      const job = (await queue.getJob(id))!;
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(reason);
    }
  });

  it('rolls back a diverging run (lr 50) and keeps the previous version', { timeout: 90_000 }, async () => {
    // From a fresh adapter lr 50 cannot raise this model's loss far: after the final RMSNorm the
    // random head bounds the logits, so the loss stays near ln(vocab). From a well-trained
    // adapter (loss ≈ 0.5) it jumps back to ≈ 6-7: more than twice the first loss.
    const owner = newOwner();
    const first = await resultOf(await enqueue(trainJob(owner, { steps: 40, lr: 1e-2 })));
    expect(first.version).toBe(1);
    expect(first.last_loss!).toBeLessThan(1);
    const before = (await worker.adapters.current(owner))!;
    const result = await resultOf(await enqueue(trainJob(owner, { steps: 30, lr: 50 })));
    expect(result.rolled_back).toBe(true);
    expect(result.version).toBe(1);
    expect(result.reason).toMatch(/^sft diverged: mean of the last 5 losses [\d.]+ > 2 × first loss [\d.]+$|non-finite/);
    expect(result.first_loss!).toBeLessThan(1);
    expect(await worker.adapters.versions(owner)).toMatchObject({ current: 1, versions: [1] });
    const after = (await worker.adapters.current(owner))!;
    expect(after.weights.get('1.v_proj')!.b).toEqual(before.weights.get('1.v_proj')!.b); // the stored (and cached) adapter is untouched
    console.info(`lr 50: rolled back after ${result.steps} steps (${result.reason})`);
  });

  it('trains in private mode with DP-SGD at the charged σ and reports the charged ε', { timeout: 90_000 }, async () => {
    const owner = newOwner();
    const sft = Array.from({ length: 16 }, (_, i) => ({ messages: [{ role: 'user' as const, content: `Question ${i} about the library?` }], response: `Answer ${i}: in the garden.` }));
    const phases = privatePhases(20, sft.length, 0);
    const sigma = noiseForPrivateTraining(phases, 1, 1e-6);
    const result = await resultOf(await enqueue(trainJob(owner, { sft, steps: 20, dp: { noise_multiplier: sigma, clip_norm: 1, epsilon: 1, delta: 1e-6 } })));
    expect(result).toMatchObject({ version: 1, rolled_back: false, epsilon: 1 });
    expect(result.steps).toBeLessThanOrEqual(20); // a step whose Poisson sample is empty releases noise but has no loss
    expect(result.steps).toBeGreaterThanOrEqual(15); // q = 0.5: P(empty) = 2^-16
    const adapter = (await worker.adapters.current(owner))!;
    expect(adapter.weights.get('0.q_proj')!.b.some((x) => x !== 0)).toBe(true);
    console.info(`DP-SGD 16 examples × 20 steps at σ ${sigma.toFixed(3)} (ε 1, δ 1e-6): loss ${result.first_loss!.toFixed(3)} → ${result.last_loss!.toFixed(3)}`);
  });

  it('refuses, without retries, a private job whose σ costs more than the ε charged', async () => {
    const sft = Array.from({ length: 16 }, (_, i) => ({ messages: [{ role: 'user' as const, content: `Q${i}?` }], response: `A${i}.` }));
    const id = await enqueue(trainJob(newOwner(), { sft, steps: 20, dp: { noise_multiplier: 0.5, clip_norm: 1, epsilon: 1, delta: 1e-6 } }));
    expect(await waitForState(queue, id, ['failed', 'completed'], 10_000)).toBe('failed');
    const job = (await queue.getJob(id))!;
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^invalid job payload: dp: this run costs ε = [\d.]+, more than the 1 charged$/);
  });

  it('refuses to train from a compiled-only model directory, without retries, saying it needs the source checkpoint', async () => {
    const compiled = await ensureCompiled(modelDir);
    const error = await loadTrainingModel(compiled.dir).then(() => null, (e: Error) => e);
    expect(error?.name).toBe('UnrecoverableError');
    expect(error?.message).toMatch(/^training needs the source checkpoint: .* is a compiled model directory \(attune-model\.json\)/);
  });

  it('logs steps and losses but never the examples’ texts', () => {
    expect(logger.lines.some((l) => l.includes('"training step"') && l.includes('"loss"'))).toBe(true);
    for (const line of logger.lines) {
      expect(line).not.toContain(TEXT_MARKER);
      expect(line).not.toContain('behind the old library');
    }
  });
});
