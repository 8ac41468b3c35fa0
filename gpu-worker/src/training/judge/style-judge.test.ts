/**
 * @module gpu-worker/training/judge/style-judge tests: accuracy of the default judge on a third
 * seed (clean, on topics it never saw, and with words dropped), hand-written text, saving and
 * loading, and the committed model file.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import { generateCorpus, splitTopics } from '../corpus/generate-corpus';
import { DEFAULT_JUDGE_PATH, DEFAULT_JUDGE_SEED, JUDGE_EVAL_SEED as EVAL_SEED, trainDefaultJudge } from './default-judge';
import { dropWords, evaluateJudge } from './evaluate-judge';
import { judge, loadJudge, parseJudge, saveJudge, trainJudge } from './style-judge';
const model = trainDefaultJudge();
const evaluation = [
  ...generateCorpus({ seed: EVAL_SEED, count: 1000, split: 'validation' }),
  ...generateCorpus({ seed: EVAL_SEED, count: 1000, split: 'held-out' }),
];
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('style judge', () => {
  it('labels a third seed\'s responses with style and length accuracy of at least 0.97', () => {
    const result = evaluateJudge(model, evaluation);
    expect(result.count).toBe(2000);
    expect(result.styleAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(result.lengthAccuracy).toBeGreaterThanOrEqual(0.97);
    for (const accuracy of Object.values(result.styleAccuracyByStyle)) expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps that accuracy on topics the judge never trained on', () => {
    const unseen = splitTopics(DEFAULT_JUDGE_SEED).heldOut;
    const fresh = evaluation.filter((e) => unseen[e.domain].includes(e.topic));
    expect(fresh.length).toBeGreaterThan(200);
    const result = evaluateJudge(model, fresh);
    expect(result.styleAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(result.lengthAccuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('stays above 0.9 on style and length when 20% of the words are dropped', () => {
    const result = evaluateJudge(model, evaluation, { dropRate: 0.2, seed: 1 });
    expect(result.styleAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.lengthAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('drops about the requested share of words and keeps at least one', () => {
    const rng = createSeededRng(1);
    const text = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
    const kept = dropWords(text, 0.2, rng).split(' ').length;
    expect(kept).toBeGreaterThan(760);
    expect(kept).toBeLessThan(840);
    expect(dropWords('only', 0.999, rng)).toBe('only');
  });

  it('labels hand-written text in each style as that style', () => {
    const samples = {
      casual: ["Hey! Just grab a coffee and chill, trust me.", "Honestly, don't sweat it. You'll be fine, it's pretty easy!"],
      formal: ['It is advisable to consult the documentation before proceeding. Furthermore, one should verify the configuration.', 'Thank you for your inquiry. It is important to ensure that all records are complete.'],
      technical: ['Set the timeout to 30 s and retry 3 times (backoff factor 2).', 'Step 1: allocate 512 MB. Step 2: set threads to 8. Note: latency target under 20 ms.'],
      creative: ['Imagine your week as a garden; every small habit is a seed that blooms in its own season.', 'Once upon a time, a tired traveler found a map drawn by hand, and the journey began.'],
    };
    for (const [style, texts] of Object.entries(samples)) for (const text of texts) expect(judge(model, text).style, text).toBe(style);
  });

  it('reports confidence as the product of the style and length probabilities', () => {
    const verdict = judge(model, evaluation[0].response);
    expect(verdict.confidence).toBeCloseTo(verdict.styleConfidence * verdict.lengthConfidence, 12);
    expect(verdict.styleConfidence).toBeGreaterThan(0.25);
    expect(verdict.styleConfidence).toBeLessThanOrEqual(1);
    expect(verdict.lengthConfidence).toBeGreaterThanOrEqual(0.5);
  });

  it('trains the same model from the same examples', () => {
    const examples = generateCorpus({ seed: 3, count: 400 });
    expect(JSON.stringify(trainJudge(examples))).toBe(JSON.stringify(trainJudge(examples)));
    expect(() => trainJudge(examples.slice(0, 5))).toThrow('trainJudge needs at least 10 examples, got 5');
  });

  it('round-trips through saveJudge and loadJudge with identical verdicts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'attune-judge-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'judge.json');
    await saveJudge(model, path);
    const loaded = await loadJudge(path);
    for (const e of evaluation.slice(0, 50)) expect(judge(loaded, e.response)).toEqual(judge(model, e.response));
  });

  it('names the problem when a judge file is missing, not JSON, or damaged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'attune-judge-'));
    dirs.push(dir);
    await expect(loadJudge(join(dir, 'none.json'))).rejects.toThrow(/cannot read style judge .*none\.json: ENOENT/);
    await writeFile(join(dir, 'bad.json'), '{');
    await expect(loadJudge(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not valid JSON/);
    const damaged = JSON.parse(JSON.stringify(model));
    damaged.style.logLikelihoods[0].pop();
    expect(() => parseJudge(damaged)).toThrow('not a style judge model: style: style.logLikelihoods rows must have one entry per feature');
    expect(() => parseJudge({ ...model, format: 'other' })).toThrow(/not a style judge model: format/);
  });

  it('ships as gpu-worker/models/style-judge.json under 1 MB with accuracies of at least 0.97 recorded', async () => {
    const size = (await stat(DEFAULT_JUDGE_PATH)).size;
    expect(size).toBeLessThan(1024 * 1024);
    const shipped = parseJudge(JSON.parse(await readFile(DEFAULT_JUDGE_PATH, 'utf8')));
    expect(shipped.trainedOn).toEqual({ seed: DEFAULT_JUDGE_SEED, count: 4000, split: 'train' });
    expect(shipped.metrics?.styleAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(shipped.metrics?.lengthAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(shipped.metrics?.droppedStyleAccuracy).toBeGreaterThanOrEqual(0.9);
    // The committed file is the default judge: rebuilding it gives the same parameters.
    expect(shipped.style.features).toEqual(model.style.features);
    expect(shipped.length).toEqual(model.length);
  });
});
