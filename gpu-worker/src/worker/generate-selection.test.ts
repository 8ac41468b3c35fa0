/**
 * @module gpu-worker/worker/generate-processor tests of best-of mode (`selection`): on the committed
 * default model with its real engine, candidates are generated together and seeded, the best
 * kept one is returned, excluded topics drop candidates, a fully filtered job ends with
 * `content_filter`, a streaming job gets one token entry, and a job without `selection` runs as
 * before. Abort, failure and ordering cases use a scripted GenerationSource (named as such),
 * since the real model cannot be made to fail or stall on cue. Streams use Redis DB 12.
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { redisKeys, type generateJobSchema } from '../../../shared/jobs/generate-job';
import { pickBest, topicPattern } from '../../../shared/personalization/content-filter';
import { createPreferenceScorer, type PreferenceScorer } from '../generation/preference-scorer';
import { parseSamplingParams, type SamplingParams } from '../generation/sampling-params';
import type { GenerationEvent } from '../generation/sequence';
import { TextGenerator } from '../generation/text-generator';
import { STYLES } from '../training/corpus/types';
import { heldOutPrompts } from '../training/pretrain/style-eval';
import type { GenerationDone } from './candidate-generation';
import { DEFAULT_MODEL_DIR } from './config';
import { createGenerateProcessor, type GenerationSource } from './generate-processor';

type Payload = z.input<typeof generateJobSchema>;

let redis: Redis;
let generator: TextGenerator;
let scorer: PreferenceScorer;
const streamKeys: string[] = [];
beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379/12');
  generator = await TextGenerator.open(DEFAULT_MODEL_DIR, { providers: ['cpu'], maxBatchSize: 16 });
  scorer = createPreferenceScorer();
});
afterAll(async () => {
  if (streamKeys.length) await redis.del(...streamKeys);
  await redis.quit();
  await generator?.close();
});

const PROMPT = heldOutPrompts(1, 8)[3].prompt;
const PARAMS = { max_new_tokens: 96, temperature: 0.7, top_p: 0.9, seed: 41, stop: [] };

function payload(overrides: Partial<Payload> = {}): Payload {
  const job_id = `job-${randomUUID().slice(0, 8)}`;
  streamKeys.push(redisKeys.tokenStream(job_id));
  return {
    job_id, owner: 'a'.repeat(64), tenant: 'b'.repeat(64), kind: 'chat', messages: [{ role: 'user', content: PROMPT }],
    params: PARAMS, stream: false, personalized: false, created_at: new Date().toISOString(), ...overrides,
  };
}

function fakeJob(data: unknown) {
  const moveToWait = vi.fn(async () => 0);
  const job = { id: '1', data, attemptsMade: 0, attemptsStarted: 1, opts: { attempts: 3 }, timestamp: Date.now(), moveToWait };
  return job as unknown as Job & { moveToWait: typeof moveToWait };
}

/** The real generator, recording the sampling params of every request it is given. */
function recording(): { source: GenerationSource; seen: SamplingParams[] } {
  const seen: SamplingParams[] = [];
  return { seen, source: { stream: (input, params, adapter, signal) => (seen.push(params), generator.stream(input, params, adapter, signal)) } };
}

const processorWith = (source: GenerationSource, extra: { scorer?: PreferenceScorer; jobTimeoutMs?: number; shutdownSignal?: AbortSignal } = {}) =>
  createGenerateProcessor({ generator: source, redis, model: 'default', jobTimeoutMs: extra.jobTimeoutMs ?? 60_000, shutdownSignal: extra.shutdownSignal, scorer: extra.scorer });

/** The candidates a job with PARAMS generates, computed directly: seeds 41 … 44, submitted together. */
async function referenceCandidates(count: number): Promise<GenerationDone[]> {
  return Promise.all(Array.from({ length: count }, (_, i) =>
    generator.complete({ messages: [{ role: 'user', content: PROMPT }] }, parseSamplingParams({ temperature: 0.7, topP: 0.9, maxNewTokens: 96, seed: PARAMS.seed + i }))));
}

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]{5,}/g) ?? []);

async function streamEntries(jobId: string): Promise<string[][]> {
  return (await redis.xrange(redisKeys.tokenStream(jobId), '-', '+')).map(([, fields]) => fields);
}

describe('best-of mode on the default model', () => {
  let reference: GenerationDone[];
  beforeAll(async () => {
    reference = await referenceCandidates(4);
  });

  it('generates 4 distinct seeded candidates in one batch and returns the best-scoring one for each preference', async () => {
    expect(new Set(reference.map((d) => d.text)).size).toBe(4);
    const chosen = new Set<number>();
    for (const style of STYLES) {
      const weights = { [style]: 1 };
      const { source, seen } = recording();
      const stepsBefore = generator.engine.stats.steps;
      const result = await processorWith(source, { scorer })(fakeJob(payload({ selection: { candidates: 4, style_weights: weights } })), 't', undefined);
      const steps = generator.engine.stats.steps - stepsBefore;
      expect(seen.map((p) => p.seed)).toEqual([41, 42, 43, 44]);
      // Together: decode steps follow the longest candidate, not the sum of all four.
      const lengths = reference.map((d) => d.tokenIds.length);
      expect(steps).toBeLessThanOrEqual(Math.max(...lengths) + 1);
      expect(steps).toBeLessThan(lengths.reduce((a, b) => a + b, 0));

      const scores = reference.map((d) => scorer.score(d.text, weights));
      const best = pickBest({ kept: scores.map((_, index) => ({ index, text: '' })) }, scores)!;
      expect(result.selection).toEqual({ candidates: 4, removed: 0, chosen: best, scores });
      expect(result.text).toBe(reference[best].text);
      expect(result.finish_reason).toBe(reference[best].finishReason);
      expect(result.usage).toEqual({ prompt_tokens: reference[0].promptTokens, completion_tokens: lengths.reduce((a, b) => a + b, 0) });
      expect(result.timings.first_token_ms).toBe(result.timings.total_ms);
      chosen.add(best);
    }
    // The preference decides: not every style picks the same candidate.
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('is reproducible: the same seeded job returns the same text and scores', async () => {
    const data = payload({ selection: { candidates: 4, style_weights: { formal: 0.6, casual: 0.4 } } });
    const first = await processorWith(generator, { scorer })(fakeJob(data), 't', undefined);
    const second = await processorWith(generator, { scorer })(fakeJob({ ...data, job_id: `job-${randomUUID().slice(0, 8)}` }), 't', undefined);
    expect(second.text).toBe(first.text);
    expect(second.selection).toEqual(first.selection);
  });

  it('drops the candidates that mention an excluded topic and chooses among the rest', async () => {
    const sets = reference.map((d) => words(d.text));
    const topic = [...sets[0], ...sets[1], ...sets[2], ...sets[3]].find((w) => sets.filter((s) => s.has(w)).length === 2);
    expect(topic, 'a word in exactly two candidates').toBeDefined();
    const dropped = reference.map((d, i) => (topicPattern(topic!).test(d.text) ? i : -1)).filter((i) => i >= 0);
    expect(dropped.length).toBeGreaterThanOrEqual(2);
    const result = await processorWith(generator, { scorer })(fakeJob(payload({ selection: { candidates: 4, style_weights: { technical: 1 }, content: { excluded_topics: [topic!] } } })), 't', undefined);
    expect(result.selection!.removed).toBe(dropped.length);
    for (const i of dropped) expect(result.selection!.scores[i]).toBeNull();
    expect(dropped).not.toContain(result.selection!.chosen);
    expect(result.text).toBe(reference[result.selection!.chosen!].text);
    expect(topicPattern(topic!).test(result.text)).toBe(false);
  });

  it("ends with 'content_filter' and empty text when every candidate is dropped, streaming no text", async () => {
    // One word from each candidate: every one mentions an excluded topic.
    const topics = [...new Set(reference.map((d) => [...words(d.text)][0]))];
    const data = payload({ stream: true, selection: { candidates: 4, content: { excluded_topics: topics } } });
    const result = await processorWith(generator, { scorer })(fakeJob(data), 't', undefined);
    expect(result).toMatchObject({ text: '', finish_reason: 'content_filter', selection: { candidates: 4, removed: 4, chosen: null, scores: [null, null, null, null] } });
    expect(result.usage.completion_tokens).toBe(reference.reduce((n, d) => n + d.tokenIds.length, 0));
    const entries = await streamEntries(data.job_id);
    expect(entries.map((f) => f[1])).toEqual(['done']);
    expect(entries[0].slice(2, 4)).toEqual(['finish_reason', 'content_filter']);
  });

  it('streams the chosen text as exactly one token entry, then done', async () => {
    const data = payload({ stream: true, selection: { candidates: 4, style_weights: { creative: 1 }, content: { profanity: 'mask' } } });
    const result = await processorWith(generator, { scorer })(fakeJob(data), 't', undefined);
    expect(result.text.length).toBeGreaterThan(0);
    const entries = await streamEntries(data.job_id);
    expect(entries.map((f) => f[1])).toEqual(['token', 'done']);
    expect(entries[0]).toEqual(['type', 'token', 'text', result.text]);
    expect(entries[1].slice(0, 4)).toEqual(['type', 'done', 'finish_reason', result.finish_reason]);
  });

  it('without selection generates once and streams tokens as they come, as before', async () => {
    const { source, seen } = recording();
    const data = payload({ stream: true });
    const result = await processorWith(source, { scorer })(fakeJob(data), 't', undefined);
    expect(seen.map((p) => p.seed)).toEqual([41]);
    expect(result.text).toBe(reference[0].text);
    expect(result.selection).toBeUndefined();
    expect(result.usage.completion_tokens).toBe(reference[0].tokenIds.length);
    const entries = await streamEntries(data.job_id);
    const tokens = entries.filter((f) => f[1] === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.map((f) => f[3]).join('')).toBe(result.text);
    expect(entries.at(-1)![1]).toBe('done');
    // Best-of-1 is the same generation, chosen and returned whole.
    const one = await processorWith(generator, { scorer })(fakeJob(payload({ selection: { candidates: 1 } })), 't', undefined);
    expect(one).toMatchObject({ text: result.text, finish_reason: result.finish_reason, selection: { candidates: 1, removed: 0, chosen: 0, scores: [0.25] } });
  });
});

/**
 * A SCRIPTED stand-in for the engine (not the model): candidate i emits `texts[i]` one character
 * per `stepMs[i]` ms, so candidates finish in a chosen order, stop on abort, or fail mid-way.
 */
function scripted(texts: string[], options: { stepMs?: number[]; failCandidate?: number; throwOnStart?: number } = {}) {
  const signals: AbortSignal[] = [];
  let started = 0;
  const source: GenerationSource = {
    stream(_input, params, _adapter, signal) {
      const i = started++;
      if (i === options.throwOnStart) throw new Error('prompt has 3000 tokens; this model accepts at most 511');
      signals.push(signal!);
      return (async function* (): AsyncGenerator<GenerationEvent> {
        let text = '';
        for (const ch of texts[i]) {
          await new Promise((r) => setTimeout(r, options.stepMs?.[i] ?? 1));
          if (signal?.aborted) break;
          if (i === options.failCandidate && text.length === 3) throw new Error('decode step failed');
          text += ch;
          yield { type: 'token', tokenId: 1, text: ch };
        }
        const finishReason = signal?.aborted ? 'aborted' : 'eos';
        yield { type: 'done', finishReason, text, tokenIds: [...text].map(() => 1), promptTokens: 5, seed: params.seed ?? 0, timings: { queuedMs: 1, firstTokenMs: 2, totalMs: 3 } };
      })();
    },
  };
  return { source, signals };
}

describe('best-of mode: aborts, failures and ordering (scripted generation source)', () => {
  const selection = { candidates: 3, style_weights: { formal: 1 } };
  const slow = ['x'.repeat(400), 'y'.repeat(400), 'z'.repeat(400)];

  it('keeps candidate order whatever order they finish in', async () => {
    const texts = ['Easy peasy, okay?', 'The following considerations apply to a gift.', 'Hey there, buddy.'];
    const { source } = scripted(texts, { stepMs: [1, 8, 3] });
    const result = await processorWith(source, { scorer })(fakeJob(payload({ selection })), 't', undefined);
    expect(result.selection!.chosen).toBe(1);
    expect(result.text).toBe(texts[1]);
    expect(result.selection!.scores).toEqual(texts.map((t) => scorer.score(t, { formal: 1 })));
  });

  it('completes a job cancelled through BullMQ with aborted and the chosen partial text', async () => {
    const { source } = scripted(slow, { stepMs: [5, 5, 5] });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 60);
    const result = await processorWith(source)(fakeJob(payload({ selection })), 't', cancel.signal);
    expect(result.finish_reason).toBe('aborted');
    expect(result.selection).toMatchObject({ candidates: 3, chosen: 0, scores: [0, 0, 0] });
    expect(result.text).toMatch(/^x+$/);
    expect(result.text.length).toBeLessThan(400);
  });

  it('hands the job back on shutdown and fails it without retry on timeout', async () => {
    const shutdown = new AbortController();
    const job = fakeJob(payload({ selection }));
    setTimeout(() => shutdown.abort(), 50);
    await expect(processorWith(scripted(slow, { stepMs: [5, 5, 5] }).source, { shutdownSignal: shutdown.signal })(job, 'lock', undefined)).rejects.toBeInstanceOf(WaitingError);
    expect(job.moveToWait).toHaveBeenCalledWith('lock');
    const run = processorWith(scripted(slow, { stepMs: [5, 5, 5] }).source, { jobTimeoutMs: 80 })(fakeJob(payload({ selection })), 't', undefined);
    await expect(run).rejects.toThrow(new UnrecoverableError('job timed out after 80 ms (JOB_TIMEOUT_MS)'));
  });

  it('stops the other candidates when one fails, and rethrows its error for a retry', async () => {
    const { source, signals } = scripted(slow, { stepMs: [2, 2, 2], failCandidate: 1 });
    const data = payload({ stream: true, selection });
    const run = processorWith(source)(fakeJob(data), 't', undefined);
    await expect(run).rejects.toThrow('decode step failed');
    await expect(run).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect(signals.map((s) => s.aborted)).toEqual([true, true, true]);
    expect(await streamEntries(data.job_id)).toEqual([]);
  });

  it('turns an input error on submitting a candidate into an UnrecoverableError and stops those already submitted', async () => {
    const { source, signals } = scripted(slow, { throwOnStart: 2 });
    const data = payload({ stream: true, selection });
    const run = processorWith(source)(fakeJob(data), 't', undefined);
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow('prompt has 3000 tokens; this model accepts at most 511');
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect((await streamEntries(data.job_id)).map((f) => f[1])).toEqual(['error']);
  });
});
