/**
 * The continuous-batching engine on a random test model: prompts of different lengths batched
 * together (and joining while others decode) produce the same greedy tokens as each prompt
 * alone, with and without adapters; a seed fixes the sampled text; stop conditions hold.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAdapter } from '../../gpu-worker/src/adapters/random-adapter';
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { parseSamplingParams, type SamplingParamsInput } from '../../gpu-worker/src/generation/sampling-params';
import type { GenerationEvent } from '../../gpu-worker/src/generation/sequence';
import { TextGenerator } from '../../gpu-worker/src/generation/text-generator';
import { initRandomModel } from '../../gpu-worker/src/model/init-random';

type Done = Extract<GenerationEvent, { type: 'done' }>;

describe('continuous batching', () => {
  let root: string;
  let gen: TextGenerator;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'attune-batch-'));
    await initRandomModel(join(root, 'model'), { seed: 4 });
    gen = await TextGenerator.open(join(root, 'model'), { providers: ['cpu'], maxBatchSize: 8 });
  });
  afterAll(async () => {
    await gen?.close();
    await rm(root, { recursive: true, force: true });
  });

  const prompts = ['Hi', 'Tell me a story about a dragon', 'What is 2+2?', 'Write a haiku about the sea in autumn light', 'ok'];
  const run = async (text: string, params: SamplingParamsInput, adapter?: LoraAdapter | null, delayMs = 0): Promise<Done> => {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    let done: Done | undefined;
    let streamed = '';
    for await (const e of gen.stream({ text }, parseSamplingParams(params), adapter)) {
      if (e.type === 'token' || e.type === 'text') streamed += e.text;
      if (e.type === 'done') done = e;
    }
    expect(streamed).toBe(done!.text);
    return done!;
  };
  const adapters = () => {
    const m = gen.model;
    return prompts.map((_, i) => randomAdapter(m.config, { baseModelId: m.manifest.baseModelId, targets: ['q_proj', 'v_proj', 'o_proj'], rank: 4 + i, alpha: 8, seed: 50 + i }));
  };

  it('produces the same greedy tokens for prompts of different lengths batched as alone', async () => {
    const params = { temperature: 0, maxNewTokens: 24 };
    const alone: number[][] = [];
    for (const p of prompts) alone.push((await run(p, params)).tokenIds);
    const together = await Promise.all(prompts.map((p) => run(p, params)));
    expect(together.map((d) => d.tokenIds)).toEqual(alone);
    expect(new Set(alone.map((t) => t.join())).size).toBeGreaterThan(1);
  });

  it('keeps every row exact while requests join and leave between decode steps', async () => {
    const params = (n: number) => ({ temperature: 0, maxNewTokens: n });
    const lengths = [30, 5, 18, 9, 25];
    const alone: number[][] = [];
    for (const [i, p] of prompts.entries()) alone.push((await run(p, params(lengths[i]))).tokenIds);
    const stepsBefore = gen.engine.stats.prefills;
    const staggered = await Promise.all(prompts.map((p, i) => run(p, params(lengths[i]), null, i * 3)));
    expect(staggered.map((d) => d.tokenIds)).toEqual(alone);
    expect(gen.engine.stats.prefills - stepsBefore).toBeGreaterThan(1); // requests really joined in separate admissions
  });

  it('gives each row its own adapter in a mixed batch, matching the adapter run alone', async () => {
    const ads = adapters();
    const mix = ads.map((a, i) => (i === 2 ? null : a));
    const params = { temperature: 0, maxNewTokens: 16 };
    const alone: number[][] = [];
    for (const [i, p] of prompts.entries()) alone.push((await run(p, params, mix[i])).tokenIds);
    const together = await Promise.all(prompts.map((p, i) => run(p, params, mix[i])));
    expect(together.map((d) => d.tokenIds)).toEqual(alone);
    const base = await run(prompts[1], params);
    expect(alone[1]).not.toEqual(base.tokenIds);
  });

  it('samples the same text for the same seed and different text for another seed, batched or not', async () => {
    const params = (seed: number) => ({ temperature: 1, topP: 0.95, topK: 50, maxNewTokens: 20, seed });
    const a = await run(prompts[1], params(7));
    const [b, , c] = await Promise.all([run(prompts[1], params(7)), run(prompts[0], params(7)), run(prompts[1], params(8))]);
    expect(b.tokenIds).toEqual(a.tokenIds);
    expect(b.seed).toBe(7);
    expect(c.tokenIds).not.toEqual(a.tokenIds);
  });

  it('stops at max_new_tokens and reports the reason and timings', async () => {
    const done = await run(prompts[3], { temperature: 0, maxNewTokens: 5 });
    expect(['length', 'eos']).toContain(done.finishReason);
    if (done.finishReason === 'length') expect(done.tokenIds).toHaveLength(5);
    else expect(done.tokenIds.length).toBeLessThan(5);
    expect(done.promptTokens).toBeGreaterThan(5);
    expect(done.timings.totalMs).toBeGreaterThanOrEqual(done.timings.firstTokenMs);
  });

  it('ends at a stop string without emitting it', async () => {
    const free = await run(prompts[1], { temperature: 0, maxNewTokens: 30 });
    const cut = free.text.slice(3, 5);
    const stopped = await run(prompts[1], { temperature: 0, maxNewTokens: 30, stop: [cut] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf(cut)));
  });

  it('ends an aborted request with finishReason aborted and keeps serving others', async () => {
    const controller = new AbortController();
    const params = parseSamplingParams({ temperature: 0, maxNewTokens: 200 });
    const events = gen.stream({ text: prompts[1] }, params, null, controller.signal);
    const other = run(prompts[0], { temperature: 0, maxNewTokens: 10 });
    let tokens = 0;
    let done: Done | undefined;
    for await (const e of events) {
      if (e.type === 'token' && ++tokens === 3) controller.abort();
      if (e.type === 'done') done = e;
    }
    expect(done!.finishReason).toBe('aborted');
    expect(done!.tokenIds.length).toBeLessThan(200);
    expect((await other).tokenIds.length).toBeGreaterThan(0);
  });

  it('rejects input that can never run with an error naming the problem', async () => {
    const p = parseSamplingParams({});
    expect(() => gen.engine.generate({ promptIds: [], params: p })).toThrow(/prompt is empty/);
    expect(() => gen.engine.generate({ promptIds: [1, 99999], params: p })).toThrow(/token id 99999 is outside the vocabulary/);
    expect(() => gen.engine.generate({ promptIds: new Array(2048).fill(5), params: p })).toThrow(/at most 2047/);
    const foreign = randomAdapter(gen.model.config, { baseModelId: 'sha256:0000', targets: ['q_proj'], rank: 4, alpha: 8, seed: 1 });
    expect(() => gen.engine.generate({ promptIds: [1], params: p, adapter: foreign })).toThrow(/trained for base model sha256:0000/);
    const notCompiled = randomAdapter(gen.model.config, { baseModelId: gen.model.manifest.baseModelId, targets: ['gate_proj'], rank: 4, alpha: 8, seed: 1 });
    expect(() => gen.engine.generate({ promptIds: [1], params: p, adapter: notCompiled })).toThrow(/gate_proj/);
    const tooBig = randomAdapter(gen.model.config, { baseModelId: gen.model.manifest.baseModelId, targets: ['q_proj'], rank: 65, alpha: 8, seed: 1 });
    expect(() => gen.engine.generate({ promptIds: [1], params: p, adapter: tooBig })).toThrow(/rank 65 exceeds/);
  });
});
