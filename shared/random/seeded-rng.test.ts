/** @module random/seeded-rng.test Reproducibility and basic statistical quality of the seeded PRNG. */
import { describe, expect, it } from 'vitest';
import { createSeededRng, randomSeed } from './seeded-rng';

function draws(rng: { next(): number }, count: number): number[] {
  return Array.from({ length: count }, () => rng.next());
}

describe('createSeededRng', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(createSeededRng(1234), 50)).toEqual(draws(createSeededRng(1234), 50));
  });

  it('matches the C reference xoshiro128** seeded by SplitMix64(42)', () => {
    // From the authors' xoshiro128starstar.c and splitmix64.c: state = two SplitMix64 outputs,
    // low word first.
    const rng = createSeededRng(42);
    const words = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(words).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
  });

  it('gives a different sequence for a different seed, even a neighbouring one', () => {
    const a = draws(createSeededRng(1234), 50);
    const b = draws(createSeededRng(1235), 50);
    expect(a.filter((value, i) => value === b[i])).toHaveLength(0);
  });

  it('treats a number seed and the equal bigint seed alike, and uses all 64 bits of a bigint', () => {
    expect(draws(createSeededRng(7n), 5)).toEqual(draws(createSeededRng(7), 5));
    expect(draws(createSeededRng((1n << 40n) + 7n), 5)).not.toEqual(draws(createSeededRng(7), 5));
    expect(draws(createSeededRng((1n << 63n) + 7n), 5)).not.toEqual(draws(createSeededRng(7), 5));
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => createSeededRng(1.5)).toThrow('seed must be a safe integer');
    expect(() => createSeededRng(Number.NaN)).toThrow('seed must be a safe integer');
    expect(() => createSeededRng(2 ** 60)).toThrow('seed must be a safe integer');
  });

  it('stays in [0, 1) with a mean within 0.01 of 0.5 over 100k draws', () => {
    const rng = createSeededRng(99);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.01);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  it('passes a chi-square uniformity test over 10 bins', () => {
    const rng = createSeededRng(2024);
    const bins = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) bins[Math.floor(rng.next() * 10)]++;
    const expected = n / 10;
    const chiSquare = bins.reduce((acc, observed) => acc + (observed - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: the 0.999 quantile is 27.88.
    expect(chiSquare).toBeLessThan(27.88);
  });

  it('fills all 32 bits of nextUint32 about equally often', () => {
    const rng = createSeededRng(5);
    const ones = new Array<number>(32).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = rng.nextUint32();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
      for (let bit = 0; bit < 32; bit++) ones[bit] += (x >>> bit) & 1;
    }
    // Each bit is Binomial(20000, 0.5): sd 70.7, so 400 is more than 5 sd.
    for (const count of ones) expect(Math.abs(count - n / 2)).toBeLessThan(400);
  });

  it('draws normals with mean near 0 and variance near 1', () => {
    const rng = createSeededRng(11);
    const n = 100_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSquares += z * z;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sumSquares / n - mean * mean - 1)).toBeLessThan(0.02);
  });
});

describe('fork', () => {
  it('derives streams that differ from each other and from the parent', () => {
    const root = createSeededRng(42);
    const parent = draws(createSeededRng(42), 20);
    const row0 = draws(root.fork(0), 20);
    const row1 = draws(root.fork(1), 20);
    expect(row0).not.toEqual(row1);
    expect(row0).not.toEqual(parent);
    expect(row1).not.toEqual(parent);
    expect(row0.filter((value, i) => value === row1[i])).toHaveLength(0);
  });

  it('depends only on the seed and the label, not on earlier draws', () => {
    const fresh = createSeededRng(42).fork(3);
    const used = createSeededRng(42);
    draws(used, 17);
    expect(draws(used.fork(3), 10)).toEqual(draws(fresh, 10));
  });

  it('is not symmetric in nested labels', () => {
    const root = createSeededRng(8);
    expect(draws(root.fork(1).fork(2), 5)).not.toEqual(draws(root.fork(2).fork(1), 5));
  });

  it('gives forks of different seeds with the same label different streams', () => {
    expect(draws(createSeededRng(1).fork(0), 5)).not.toEqual(draws(createSeededRng(2).fork(0), 5));
  });
});

describe('randomSeed', () => {
  it('returns a non-negative safe integer usable as a seed, different across calls', () => {
    const seeds = Array.from({ length: 8 }, () => randomSeed());
    for (const seed of seeds) {
      expect(Number.isSafeInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(() => createSeededRng(seed)).not.toThrow();
    }
    expect(new Set(seeds).size).toBe(seeds.length);
  });
});
