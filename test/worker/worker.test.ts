/**
 * @module test/worker/worker tests: the GPU worker end to end on real Redis (127.0.0.1:6379, DB 9,
 * flushed) with a random test model and a local HTTP server as the edge — results, token streams,
 * signed completion reports, failures without retries, heartbeats, and SIGTERM drain and hand-back
 * of a worker running as its own process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATE_QUEUE, generateJobResultSchema, QUEUE_PREFIX, redisKeys, TOKEN_STREAM_TTL_S, type GenerateJobResult } from '../../shared/jobs/generate-job';
import { ensureCompiled } from '../../gpu-worker/src/compiler/compile';
import { initRandomModel } from '../../gpu-worker/src/model/init-random';
import type { WorkerConfig } from '../../gpu-worker/src/worker/config';
import { startWorker, type RunningWorker } from '../../gpu-worker/src/worker/start-worker';
import { jobPayload, recordingLogger, type GenerateJobPayload, spawnWorkerProcess, startFakeEdge, streamEntries, waitFor, waitForState } from './worker-fixtures';

const REDIS_URL = 'redis://127.0.0.1:6379/9';
const SECRET = 'test-internal-secret-0123456789abcdef';
const ADAPTER_KEY = `wk1:${Buffer.alloc(32, 7).toString('base64url')}`;
const PROMPT_MARKER = 'Tell me a long story about the garden.';

let root: string;
let modelDir: string;
let redis: Redis;
let queue: Queue;
let edge: Awaited<ReturnType<typeof startFakeEdge>>;

function config(overrides: Partial<WorkerConfig> = {}): WorkerConfig {
  return {
    redisUrl: REDIS_URL, modelDir, edgeUrl: edge.url, internalApiSecret: SECRET, concurrency: 4, executionProviders: ['cpu'],
    workerId: 'test-worker-a', heartbeatIntervalMs: 200, drainTimeoutMs: 30_000, jobTimeoutMs: 60_000, retentionDays: 365, retentionSweepIntervalMs: 3_600_000,
    adapterEncryptionKey: ADAPTER_KEY, adapterVersionsKept: 3, ...overrides,
  };
}

async function enqueue(data: unknown, attempts = 3): Promise<string> {
  const id = (data as GenerateJobPayload).job_id;
  await queue.add('generate', data, { jobId: id, attempts, backoff: { type: 'fixed', delay: 100 } });
  return id;
}

async function resultOf(id: string, timeoutMs = 30_000): Promise<GenerateJobResult> {
  expect(await waitForState(queue, id, ['completed', 'failed'], timeoutMs)).toBe('completed');
  return generateJobResultSchema.parse((await queue.getJob(id))!.returnvalue);
}

const reportsFor = (jobId: string) => edge.reports.filter((r) => r.body.job_id === jobId);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'attune-worker-'));
  modelDir = join(root, 'tiny-llama');
  await initRandomModel(modelDir, { seed: 3 });
  await ensureCompiled(modelDir); // compile once, before several workers open it
  redis = new Redis(REDIS_URL);
  await redis.flushdb();
  queue = new Queue(GENERATE_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  edge = await startFakeEdge(SECRET);
});

afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  await redis?.flushdb();
  await redis?.quit();
  await edge?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a worker started in-process', () => {
  let worker: RunningWorker;
  const logger = recordingLogger();

  beforeAll(async () => {
    worker = await startWorker(config(), { logger });
  });
  afterAll(async () => {
    await worker?.close();
  });

  it('completes a streamed job, publishes its tokens and reports it to the edge with a valid signature', async () => {
    const data = jobPayload();
    const enqueuedAt = Date.now();
    const result = await resultOf(await enqueue(data));
    const latencyMs = Date.now() - enqueuedAt;
    expect(result).toMatchObject({ model: 'tiny-llama', usage: { completion_tokens: expect.any(Number) } });
    expect(result.usage.prompt_tokens).toBeGreaterThan(5);

    const key = redisKeys.tokenStream(data.job_id);
    const entries = await streamEntries(redis, key);
    const tokens = entries.filter((e) => e.type === 'token');
    expect(tokens.map((e) => e.text).join('')).toBe(result.text);
    expect(entries.at(-1)).toEqual({ type: 'done', finish_reason: result.finish_reason, usage: JSON.stringify(result.usage), model: 'tiny-llama' });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TOKEN_STREAM_TTL_S);

    const reports = await waitFor('a completion report', 10_000, () => reportsFor(data.job_id).length > 0 && reportsFor(data.job_id));
    expect(reports).toHaveLength(1);
    expect(reports[0].signed).toBe(true);
    expect(reports[0].path).toBe(`/internal/jobs/${data.job_id}/complete`);
    expect(reports[0].body).toEqual({ job_id: data.job_id, owner: data.owner, tenant: data.tenant, status: 'completed', result });
    console.info(`single job: ${result.usage.completion_tokens} tokens, enqueue→completed ${latencyMs} ms, worker timings ${JSON.stringify(result.timings)}`);
  });

  it('completes several concurrent jobs, each with the text it would get alone', async () => {
    const alone = await resultOf(await enqueue(jobPayload({ params: { seed: 99, max_new_tokens: 48 } })));
    const started = Date.now();
    const batch = Array.from({ length: 8 }, (_, i) => jobPayload({ params: { seed: i === 0 ? 99 : 1000 + i, max_new_tokens: 48 } }));
    const ids = await Promise.all(batch.map((d) => enqueue(d)));
    const results = await Promise.all(ids.map((id) => resultOf(id, 60_000)));
    const wallMs = Date.now() - started;
    expect(results[0].text).toBe(alone.text);
    const tokens = results.reduce((n, r) => n + r.usage.completion_tokens, 0);
    await waitFor('eight completion reports', 10_000, () => ids.every((id) => reportsFor(id).length === 1));
    console.info(`8 concurrent jobs (concurrency 4): ${tokens} tokens in ${wallMs} ms wall, ${(tokens / (wallMs / 1000)).toFixed(0)} tokens/s; ` +
      `p50 total_ms ${results.map((r) => r.timings.total_ms).sort((a, b) => a - b)[4]}`);
  });

  it('fails an invalid payload once, without retries, naming the field, and reports the failure', async () => {
    const data = { ...jobPayload(), params: { max_new_tokens: 16, temperature: 'hot', top_p: 0.9, stop: [] } };
    const id = await enqueue(data, 3);
    expect(await waitForState(queue, id, ['failed', 'completed'], 10_000)).toBe('failed');
    const job = (await queue.getJob(id))!;
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^invalid job payload: params\.temperature: /);
    const reports = await waitFor('a failure report', 10_000, () => reportsFor(id).length > 0 && reportsFor(id));
    expect(reports[0].body).toMatchObject({ status: 'failed', error: job.failedReason });
    expect((await streamEntries(redis, redisKeys.tokenStream(id))).at(-1)).toEqual({ type: 'error', message: job.failedReason });
  });

  it('fails a prompt longer than the model accepts without retry, saying so', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}q`).join(' ');
    const id = await enqueue(jobPayload({ messages: [{ role: 'user', content: words }] }), 3);
    expect(await waitForState(queue, id, ['failed', 'completed'], 20_000)).toBe('failed');
    const job = (await queue.getJob(id))!;
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^prompt has \d+ tokens; this model accepts at most 2047$/);
  });

  it('keeps a recent heartbeat entry', async () => {
    const beat = Number(await redis.zscore(redisKeys.workerHeartbeats, 'test-worker-a'));
    expect(Date.now() - beat).toBeLessThan(2_000);
    expect(worker.provider).toBe('cpu');
  });

  it('logs which provider runs and never logs prompt or output text', async () => {
    expect(logger.lines.some((l) => l.includes('"worker started"') && l.includes('"provider":"cpu"'))).toBe(true);
    const outputs = (await queue.getCompleted()).map((j) => (j.returnvalue as GenerateJobResult).text).filter((t) => t.length >= 16);
    for (const line of logger.lines) {
      expect(line).not.toContain(PROMPT_MARKER);
      for (const text of outputs) expect(line).not.toContain(text);
    }
  });

  it('removes its heartbeat entry when it stops', async () => {
    const other = await startWorker(config({ workerId: 'test-worker-b' }), { logger: recordingLogger() });
    expect(await redis.zscore(redisKeys.workerHeartbeats, 'test-worker-b')).not.toBeNull();
    await other.close();
    expect(await redis.zscore(redisKeys.workerHeartbeats, 'test-worker-b')).toBeNull();
  });
});

describe('a worker process receiving SIGTERM', () => {
  const longJob = (maxNewTokens: number) => jobPayload({ params: { temperature: 0, max_new_tokens: maxNewTokens } });
  const processEnv = (extra: Record<string, string>) => ({
    REDIS_URL, ATTUNE_MODEL_DIR: modelDir, EDGE_URL: edge.url, INTERNAL_API_SECRET: SECRET, ADAPTER_ENCRYPTION_KEY: ADAPTER_KEY, ATTUNE_EXECUTION_PROVIDERS: 'cpu',
    WORKER_CONCURRENCY: '2', HEARTBEAT_INTERVAL_MS: '200', ...extra,
  });

  it('finishes its running job before exiting 0', { timeout: 90_000 }, async () => {
    const proc = spawnWorkerProcess(processEnv({ WORKER_ID: 'child-drain' }));
    try {
      await waitFor('the child worker to start', 30_000, () => proc.lines.some((l) => l.includes('"worker started"')));
      const data = longJob(1500);
      await enqueue(data, 1);
      await waitForState(queue, data.job_id, ['active'], 10_000);
      await waitFor('the first tokens', 10_000, async () => (await redis.xlen(redisKeys.tokenStream(data.job_id))) > 0);
      proc.child.kill('SIGTERM');
      const code = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
      expect(code).toBe(0);
      const result = await resultOf(data.job_id, 1_000);
      expect(result.usage.completion_tokens).toBeGreaterThan(100);
      expect(result.finish_reason).not.toBe('aborted');
      expect(reportsFor(data.job_id)).toHaveLength(1); // sent before the process exited
      expect(await redis.zscore(redisKeys.workerHeartbeats, 'child-drain')).toBeNull();
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('hands its running job back after DRAIN_TIMEOUT_MS, exits 0, and a second worker completes the job', { timeout: 90_000 }, async () => {
    const proc = spawnWorkerProcess(processEnv({ WORKER_ID: 'child-handback', DRAIN_TIMEOUT_MS: '200' }));
    let second: RunningWorker | null = null;
    try {
      await waitFor('the child worker to start', 30_000, () => proc.lines.some((l) => l.includes('"worker started"')));
      const data = longJob(2000);
      await enqueue(data, 1);
      await waitForState(queue, data.job_id, ['active'], 10_000);
      await waitFor('the first tokens', 10_000, async () => (await redis.xlen(redisKeys.tokenStream(data.job_id))) > 0);
      const signalledAt = Date.now();
      proc.child.kill('SIGTERM');
      const code = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
      expect(code).toBe(0);
      const exitMs = Date.now() - signalledAt;
      expect(await queue.getJobState(data.job_id)).toBe('waiting');
      expect((await queue.getJob(data.job_id))!.attemptsMade).toBe(0);
      expect(reportsFor(data.job_id)).toHaveLength(0);

      second = await startWorker(config({ workerId: 'test-worker-c' }), { logger: recordingLogger() });
      const result = await resultOf(data.job_id, 60_000);
      const entries = await streamEntries(redis, redisKeys.tokenStream(data.job_id));
      const lastReset = entries.findLastIndex((e) => e.type === 'reset');
      expect(lastReset).toBeGreaterThan(0); // tokens of the first attempt, then a reset
      expect(entries.slice(lastReset + 1).filter((e) => e.type === 'token').map((e) => e.text).join('')).toBe(result.text);
      await waitFor('the completion report', 10_000, () => reportsFor(data.job_id).length === 1);
      console.info(`hand-back: SIGTERM→exit ${exitMs} ms; second worker finished ${result.usage.completion_tokens} tokens`);
    } finally {
      proc.child.kill('SIGKILL');
      await second?.close();
    }
  });
});
