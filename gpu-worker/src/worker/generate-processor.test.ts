/**
 * @module gpu-worker/worker/generate-processor tests: the processor against a scripted generator
 * and a stand-in BullMQ job — field mapping, each failure kind (unrecoverable or retriable), the
 * job timeout, cancellation, and handing a job back on shutdown. Streams use Redis DB 11.
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { redisKeys, type generateJobSchema } from '../../../shared/jobs/generate-job';
import type { SamplingParams } from '../generation/sampling-params';
import type { GenerationEvent } from '../generation/sequence';
import { createGenerateProcessor, type GenerationSource } from './generate-processor';

let redis: Redis;
beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379/11');
});
const streamKeys: string[] = [];
afterAll(async () => {
  if (streamKeys.length) await redis.del(...streamKeys);
  await redis.quit();
});

type Payload = z.input<typeof generateJobSchema>;

/** A valid payload with a fresh job id, whose token stream is deleted after the tests. */
function payload(overrides: Partial<Payload> = {}): Payload {
  const job_id = overrides.job_id ?? `job-${randomUUID().slice(0, 8)}`;
  streamKeys.push(redisKeys.tokenStream(job_id));
  return {
    job_id,
    owner: 'a'.repeat(64),
    tenant: 'b'.repeat(64),
    kind: 'chat',
    messages: [{ role: 'user', content: 'hello' }],
    params: { max_new_tokens: 5, temperature: 0.5, top_p: 0.9, seed: 7, stop: [] },
    stream: false,
    personalized: false,
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

function fakeJob(data: unknown, extra: Partial<Job> = {}) {
  const moveToWait = vi.fn(async () => 0);
  const job = { id: '1', data, attemptsMade: 0, attemptsStarted: 1, opts: { attempts: 3 }, timestamp: Date.now(), moveToWait, ...extra };
  return job as unknown as Job & { moveToWait: typeof moveToWait };
}

/** A generator emitting `a`, `b`, `c`, … every `stepMs` until max tokens or abort; `failAt` throws mid-stream. */
function scriptedGenerator(options: { stepMs?: number; failAt?: number; throwNow?: string } = {}) {
  const seen: SamplingParams[] = [];
  const source: GenerationSource = {
    stream(_input, params, _adapter, signal) {
      if (options.throwNow) throw new Error(options.throwNow);
      seen.push(params);
      return (async function* (): AsyncGenerator<GenerationEvent> {
        let text = '';
        const ids: number[] = [];
        const t0 = performance.now();
        let reason: 'length' | 'aborted' = 'length';
        for (let i = 0; i < params.maxNewTokens; i++) {
          await new Promise((r) => setTimeout(r, options.stepMs ?? 0));
          if (signal?.aborted) {
            reason = 'aborted';
            break;
          }
          if (i === options.failAt) throw new Error('decode step failed');
          const piece = String.fromCharCode(97 + (i % 26));
          text += piece;
          ids.push(i);
          yield { type: 'token', tokenId: i, text: piece };
        }
        const ms = performance.now() - t0;
        yield { type: 'done', finishReason: reason, text, tokenIds: ids, promptTokens: 3, seed: 7, timings: { queuedMs: 1, firstTokenMs: 2, totalMs: ms } };
      })();
    },
  };
  return { source, seen };
}

function processorWith(generator: GenerationSource, extra: { jobTimeoutMs?: number; shutdownSignal?: AbortSignal } = {}) {
  return createGenerateProcessor({ generator, redis, model: 'tiny', jobTimeoutMs: extra.jobTimeoutMs ?? 10_000, shutdownSignal: extra.shutdownSignal });
}

async function streamTypes(jobId: string): Promise<string[]> {
  const raw = await redis.xrange(redisKeys.tokenStream(jobId), '-', '+');
  return raw.map(([, fields]) => fields[1]);
}

describe('createGenerateProcessor', () => {
  it('maps the payload params to sampling params and returns the result with timings from enqueueing', async () => {
    const { source, seen } = scriptedGenerator();
    const job = fakeJob(payload(), { timestamp: Date.now() - 1000 });
    const result = await processorWith(source)(job, 'token', undefined);
    expect(seen[0]).toMatchObject({ temperature: 0.5, topP: 0.9, maxNewTokens: 5, seed: 7, stop: [] });
    expect(result).toMatchObject({ text: 'abcde', finish_reason: 'length', usage: { prompt_tokens: 3, completion_tokens: 5 }, model: 'tiny' });
    expect(result.timings.queued_ms).toBeGreaterThanOrEqual(1000);
    expect(result.timings.total_ms).toBeGreaterThanOrEqual(result.timings.first_token_ms);
  });

  it('fails an invalid payload with an UnrecoverableError naming the field', async () => {
    const { source } = scriptedGenerator();
    const bad = { ...payload(), params: { ...payload().params, temperature: 'hot' } };
    const run = processorWith(source)(fakeJob(bad), 'token', undefined);
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow(/^invalid job payload: params\.temperature: /);
    await expect(processorWith(source)(fakeJob({ ...payload(), extra: 1 }), 't', undefined)).rejects.toThrow(/payload: Unrecognized key: "extra"/);
  });

  it('names the payload field when sampling params reject a value the schema let through', async () => {
    const { source } = scriptedGenerator();
    const job = fakeJob(payload({ params: { ...payload().params, stop: ['x'.repeat(65)] } }));
    await expect(processorWith(source)(job, 't', undefined)).rejects.toThrow('invalid sampling params: params.stop strings must be at most 64 characters');
  });

  it('turns a synchronous generator error into an UnrecoverableError with its message and ends the stream', async () => {
    const { source } = scriptedGenerator({ throwNow: 'prompt has 3000 tokens; this model accepts at most 2047' });
    const data = payload({ stream: true });
    const run = processorWith(source)(fakeJob(data), 't', undefined);
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow('prompt has 3000 tokens; this model accepts at most 2047');
    expect(await streamTypes(data.job_id)).toEqual(['error']);
  });

  it('fails a job that runs past jobTimeoutMs without retry', async () => {
    const { source } = scriptedGenerator({ stepMs: 20 });
    const job = fakeJob(payload({ params: { ...payload().params, max_new_tokens: 1000 } }));
    const started = Date.now();
    const run = processorWith(source, { jobTimeoutMs: 100 })(job, 't', undefined);
    await expect(run).rejects.toThrow(new UnrecoverableError('job timed out after 100 ms (JOB_TIMEOUT_MS)'));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('completes a job cancelled through BullMQ with finish_reason aborted and the text so far', async () => {
    const { source } = scriptedGenerator({ stepMs: 10 });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 60);
    const result = await processorWith(source)(fakeJob(payload({ params: { ...payload().params, max_new_tokens: 1000 } })), 't', cancel.signal);
    expect(result.finish_reason).toBe('aborted');
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.text.length).toBeLessThan(1000);
  });

  it('hands the job back to the queue with WaitingError when the worker shuts down', async () => {
    const { source } = scriptedGenerator({ stepMs: 10 });
    const shutdown = new AbortController();
    const job = fakeJob(payload({ params: { ...payload().params, max_new_tokens: 1000 } }));
    setTimeout(() => shutdown.abort(), 50);
    await expect(processorWith(source, { shutdownSignal: shutdown.signal })(job, 'lock-token', undefined)).rejects.toBeInstanceOf(WaitingError);
    expect(job.moveToWait).toHaveBeenCalledWith('lock-token');
  });

  it('rethrows an engine failure for BullMQ to retry and ends the stream only on the last attempt', async () => {
    const { source } = scriptedGenerator({ failAt: 2 });
    const data = payload({ stream: true });
    await expect(processorWith(source)(fakeJob(data), 't', undefined)).rejects.not.toBeInstanceOf(UnrecoverableError);
    const first = await streamTypes(data.job_id);
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first)).toEqual(new Set(['token']));
    await expect(processorWith(source)(fakeJob(data, { attemptsMade: 2, attemptsStarted: 3 }), 't', undefined)).rejects.toThrow('decode step failed');
    const all = await streamTypes(data.job_id);
    expect(all[first.length]).toBe('reset');
    expect(all.at(-1)).toBe('error');
  });
});
