/** @module generation/sampler.test Distributional and edge-case behaviour of the token sampler. */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../shared/random/seeded-rng';
import { argmax, penalizeRepeatedTokens, sampleNextToken } from './sampler';
import { parseSamplingParams, type SamplingParamsInput } from './sampling-params';

const NO_HISTORY: number[] = [];

function randomLogits(vocab: number, seed: number): Float32Array {
  const rng = createSeededRng(seed);
  return Float32Array.from({ length: vocab }, () => rng.normal() * 3);
}

/** Counts of each id over `draws` samples. */
function histogram(logits: Float32Array, input: SamplingParamsInput, draws: number, seed = 1): number[] {
  const params = parseSamplingParams(input);
  const rng = createSeededRng(seed);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampleNextToken(logits, params, rng, NO_HISTORY)]++;
  return counts;
}

function softmax(values: number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

describe('argmax', () => {
  it('returns the index of the largest value, the lowest id on ties, ignoring NaN', () => {
    expect(argmax(new Float32Array([0.1, 3, 3, -1]))).toBe(1);
    expect(argmax(new Float32Array([Number.NaN, -5, Number.NaN, -4]))).toBe(3);
    expect(argmax([1, Number.POSITIVE_INFINITY, 2])).toBe(1);
  });

  it('throws when no value is usable', () => {
    expect(() => argmax(new Float32Array([Number.NaN, Number.NaN]))).toThrow('all logits are NaN');
    expect(() => argmax(new Float32Array([Number.NEGATIVE_INFINITY]))).toThrow('no logit is above -Infinity');
    expect(() => argmax(new Float32Array(0))).toThrow('logits are empty');
  });
});

describe('sampleNextToken', () => {
  it('is greedy (argmax) at temperature 0 and draws nothing from the rng', () => {
    const params = parseSamplingParams({ temperature: 0 });
    for (let seed = 0; seed < 20; seed++) {
      const logits = randomLogits(1000, seed);
      const rng = createSeededRng(seed);
      expect(sampleNextToken(logits, params, rng, NO_HISTORY)).toBe(argmax(logits));
      expect(rng.next()).toBe(createSeededRng(seed).next());
    }
    expect(sampleNextToken(new Float32Array([1, 5, 5]), params, createSeededRng(0), NO_HISTORY)).toBe(1);
  });

  it('with topK 1 always returns the argmax, whatever the temperature', () => {
    for (const temperature of [0.1, 1, 5, 100]) {
      const params = parseSamplingParams({ temperature, topK: 1 });
      const rng = createSeededRng(3);
      for (let seed = 0; seed < 30; seed++) {
        const logits = randomLogits(500, seed);
        expect(sampleNextToken(logits, params, rng, NO_HISTORY)).toBe(argmax(logits));
      }
    }
  });

  it('with topP 0.5 on probabilities [0.6, 0.3, 0.1] only ever draws token 0', () => {
    const logits = new Float32Array([0.6, 0.3, 0.1].map(Math.log));
    expect(histogram(logits, { topP: 0.5 }, 5000)).toEqual([5000, 0, 0]);
  });

  it('with topP 0.8 on probabilities [0.6, 0.3, 0.1] draws tokens 0 and 1 in ratio 2:1 and never 2', () => {
    const logits = new Float32Array([0.1, 0.6, 0.3].map(Math.log)); // order scrambled on purpose
    const counts = histogram(logits, { topP: 0.8 }, 20_000);
    expect(counts[0]).toBe(0);
    expect(Math.abs(counts[1] / 20_000 - 2 / 3)).toBeLessThan(0.01);
    expect(Math.abs(counts[2] / 20_000 - 1 / 3)).toBeLessThan(0.01);
  });

  it('with topP keeps the shortest prefix reaching p, breaking ties by the lower id', () => {
    // Probabilities by id: 0.1, 0.2, 0.15, 0.25, 0.2, 0.1 (ties at 0.2 on ids 1 and 4).
    const logits = new Float32Array([0.1, 0.2, 0.15, 0.25, 0.2, 0.1].map(Math.log));
    const kept = (topP: number) =>
      histogram(logits, { topP }, 4000).flatMap((count, id) => (count > 0 ? [id] : []));
    expect(kept(0.2)).toEqual([3]);
    expect(kept(0.4)).toEqual([1, 3]); // 0.25 + 0.2 (id 1 before id 4)
    expect(kept(0.5)).toEqual([1, 3, 4]); // 0.45 is short, the other 0.2 is needed
    expect(kept(0.75)).toEqual([1, 2, 3, 4]);
    expect(kept(1)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('matches a sorted-list reference implementation of top-p on a large vocabulary', () => {
    // Reference: sort by probability, keep the shortest prefix reaching p, then check that exactly
    // that set is ever drawn.
    const logits = randomLogits(2000, 77);
    const probs = softmax(Array.from(logits));
    const ranked = probs.map((p, id) => ({ p, id })).sort((a, b) => b.p - a.p || a.id - b.id);
    const expected = new Set<number>();
    let mass = 0;
    for (const { p, id } of ranked) {
      expected.add(id);
      mass += p;
      if (mass >= 0.7) break;
    }
    const counts = histogram(logits, { topP: 0.7 }, 40_000);
    const drawn = new Set(counts.flatMap((c, id) => (c > 0 ? [id] : [])));
    for (const id of drawn) expect(expected.has(id)).toBe(true);
    // The kept set is renormalised: the most likely token's share grows by 1 / mass.
    const top = ranked[0].id;
    expect(Math.abs(counts[top] / 40_000 - ranked[0].p / mass)).toBeLessThan(0.01);
  });

  it('with topK 2 never draws the third most likely token', () => {
    const logits = new Float32Array([1.0, 0.5, 0.8]);
    const counts = histogram(logits, { topK: 2, temperature: 2 }, 10_000);
    expect(counts[1]).toBe(0);
    // Renormalised over {0, 2}: p0 = 1 / (1 + e^((0.8 - 1) / 2)).
    expect(Math.abs(counts[0] / 10_000 - 1 / (1 + Math.exp(-0.1)))).toBeLessThan(0.015);
  });

  it('with topK keeps exactly the k largest on a large vocabulary, and ties with the k-th', () => {
    const logits = randomLogits(5000, 12);
    const sorted = Array.from(logits).sort((a, b) => b - a);
    const kth = sorted[9];
    const counts = histogram(logits, { topK: 10, temperature: 3 }, 20_000);
    counts.forEach((count, id) => {
      if (count > 0) expect(logits[id]).toBeGreaterThanOrEqual(kth);
    });
    expect(counts.filter((c) => c > 0)).toHaveLength(10);
    const tied = new Float32Array([3, 2, 2, 1]);
    const tiedCounts = histogram(tied, { topK: 2 }, 5000);
    expect(tiedCounts[3]).toBe(0);
    expect(tiedCounts[2]).toBeGreaterThan(0);
  });

  it('with a large topK (selection by quickselect) keeps exactly the k largest', () => {
    // Distinct logits in a shuffled order; the 600 largest belong to ids ranked 0..599.
    const vocab = 2000;
    const rng = createSeededRng(31);
    const rank = Array.from({ length: vocab }, (_, i) => i);
    for (let i = vocab - 1; i > 0; i--) {
      const j = rng.nextUint32() % (i + 1);
      [rank[i], rank[j]] = [rank[j], rank[i]];
    }
    const logits = Float32Array.from(rank, (r) => -r * 0.001);
    const counts = histogram(logits, { topK: 600, temperature: 100 }, 30_000);
    const drawnRanks = counts.flatMap((c, id) => (c > 0 ? [rank[id]] : [])).sort((a, b) => a - b);
    expect(drawnRanks).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('matches softmax(logits / 0.7) within 0.01 over 20k draws', () => {
    const values = [1.2, 0.3, -0.5, 0.9, 2.0, -1.5];
    const expected = softmax(values.map((v) => v / 0.7));
    const counts = histogram(new Float32Array(values), { temperature: 0.7 }, 20_000, 2024);
    counts.forEach((count, id) => expect(Math.abs(count / 20_000 - expected[id])).toBeLessThan(0.01));
  });

  it('gives the same ids for the same seed and different ones for another seed', () => {
    const params = parseSamplingParams({ temperature: 1.5, topP: 0.95, topK: 50 });
    const run = (seed: number) => {
      const rng = createSeededRng(seed);
      return Array.from({ length: 40 }, (_, step) => sampleNextToken(randomLogits(300, step), params, rng, [step]));
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('never returns a NaN or -Infinity token, and throws when all logits are NaN', () => {
    const logits = new Float32Array([Number.NaN, -1000, Number.NEGATIVE_INFINITY, Number.NaN, -1001]);
    const counts = histogram(logits, { temperature: 50 }, 2000);
    expect(counts[0] + counts[2] + counts[3]).toBe(0);
    expect(counts[1] + counts[4]).toBe(2000);
    const params = parseSamplingParams({});
    expect(() => sampleNextToken(new Float32Array([Number.NaN, Number.NaN]), params, createSeededRng(1), [])).toThrow(
      'all logits are NaN',
    );
    expect(() =>
      sampleNextToken(new Float32Array([Number.NaN, Number.NEGATIVE_INFINITY]), params, createSeededRng(1), []),
    ).toThrow('no logit is above -Infinity');
  });

  it('splits the probability evenly among +Infinity logits', () => {
    const inf = Number.POSITIVE_INFINITY;
    const counts = histogram(new Float32Array([inf, 5, inf, 7]), {}, 4000);
    expect(counts[1] + counts[3]).toBe(0);
    expect(Math.abs(counts[0] / 4000 - 0.5)).toBeLessThan(0.03);
  });

  it('stays finite and picks the top token at a tiny temperature, even with very negative logits', () => {
    const counts = histogram(new Float32Array([-3000, -2999, -3001]), { temperature: 1e-6 }, 200);
    expect(counts).toEqual([0, 200, 0]);
  });

  it('does not modify the logits it is given', () => {
    const logits = randomLogits(100, 4);
    const copy = Float32Array.from(logits);
    const params = parseSamplingParams({ repetitionPenalty: 1.3, topK: 5, topP: 0.5 });
    sampleNextToken(logits, params, createSeededRng(0), [1, 2, 3]);
    expect(logits).toEqual(copy);
  });
});

describe('repetition penalty', () => {
  it('turns a previous logit 2 into 1 and -1 into -2 with penalty 2, once per token', () => {
    const source = new Float32Array([2, -1, 0.5, 0]);
    const target = Float64Array.from(source);
    penalizeRepeatedTokens(source, target, 2, [0, 1, 1, 0, 3]);
    expect(Array.from(target)).toEqual([1, -2, 0.5, 0]);
  });

  it('flips the greedy choice away from a repeated token', () => {
    const params = parseSamplingParams({ temperature: 0, repetitionPenalty: 2 });
    // 2 -> 1 falls below 1.5.
    expect(sampleNextToken(new Float32Array([2, 1.5]), params, createSeededRng(0), [0])).toBe(1);
    // -1 -> -2 falls below -1.5; without history token 0 wins.
    expect(sampleNextToken(new Float32Array([-1, -1.5]), params, createSeededRng(0), [0])).toBe(1);
    expect(sampleNextToken(new Float32Array([-1, -1.5]), params, createSeededRng(0), [])).toBe(0);
    // A penalty of 1.2 is not enough to flip 2 vs 1.5 (2 / 1.2 = 1.67).
    const mild = parseSamplingParams({ temperature: 0, repetitionPenalty: 1.2 });
    expect(sampleNextToken(new Float32Array([2, 1.5]), mild, createSeededRng(0), [0])).toBe(0);
  });

  it('rejects previous token ids outside the vocabulary', () => {
    const params = parseSamplingParams({ repetitionPenalty: 1.1 });
    expect(() => sampleNextToken(new Float32Array([1, 2]), params, createSeededRng(0), [2])).toThrow(
      'previous token id 2 is outside the vocabulary [0, 2)',
    );
  });
});
