/**
 * @module shared/privacy/dp/secure-random.test
 * The secure generator: it draws from crypto.getRandomValues, its uniforms stay inside (0, 1), and
 * its integers are unbiased.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecureRandom } from './secure-random';

/** A source that fills every word with the same value, to reach the extremes deterministically. */
const constant = (word: number) => (words: Uint32Array) => {
  words.fill(word);
};

/** A source that repeats the given words. */
const fromWords = (list: number[]) => (words: Uint32Array) => {
  for (let i = 0; i < words.length; i++) words[i] = list[i % list.length];
};

describe('SecureRandom', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('takes its words from crypto.getRandomValues by default, in blocks, only when first used', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const random = new SecureRandom();
    expect(spy).not.toHaveBeenCalled();
    for (let i = 0; i < 1500; i++) random.uint32();
    expect(spy).toHaveBeenCalledTimes(2); // 1024 words per block
  });

  it('never returns 0 or 1 from uniformOpen: an all-zero draw is redrawn and the top is 1 − 2^-53', () => {
    // Words 0, 0 make k = 0 (redrawn); then 0, 64 make k = 1 (the low word contributes its top 26 bits).
    expect(new SecureRandom(fromWords([0, 0, 0, 64])).uniformOpen()).toBe(2 ** -53);
    const high = new SecureRandom(constant(0xffffffff)).uniformOpen();
    expect(high).toBeLessThan(1);
    expect(high).toBe(1 - 2 ** -53);
  });

  it('draws uniformOpen with mean 1/2 and variance 1/12 over 200k draws', () => {
    const random = new SecureRandom();
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = random.uniformOpen();
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('gives full-precision uniforms whose small values are as frequent as their length (P[U < 2^-k] = 2^-k)', () => {
    const random = new SecureRandom();
    const n = 200_000;
    let below1_8 = 0;
    let below1_1024 = 0;
    for (let i = 0; i < n; i++) {
      const u = random.uniformFullPrecision();
      expect(u > 0 && u <= 1).toBe(true);
      if (u < 1 / 8) below1_8++;
      if (u < 1 / 1024) below1_1024++;
    }
    expect(Math.abs(below1_8 / n - 1 / 8)).toBeLessThan(5 * Math.sqrt((1 / 8) * (7 / 8) / n));
    expect(Math.abs(below1_1024 / n - 1 / 1024)).toBeLessThan(5 * Math.sqrt(1 / 1024 / n));
    expect(new SecureRandom(constant(0xffffffff)).uniformFullPrecision()).toBe(1); // the top rounds up to 1
  });

  it('draws integers below n without modulo bias (chi-square over 6 cells, 60k draws)', () => {
    const random = new SecureRandom();
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[random.intBelow(6)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(35.9); // 5 degrees of freedom: p = 1e-6
    expect(() => random.intBelow(0)).toThrow('intBelow: n must be an integer in 1..2^32, got 0');
  });

  it('draws bigints below n, including n beyond 2^64, and only values below n', () => {
    const random = new SecureRandom();
    const n = (1n << 70n) + 12345n;
    let sawHighHalf = false;
    for (let i = 0; i < 200; i++) {
      const v = random.bigIntBelow(n);
      expect(v >= 0n && v < n).toBe(true);
      if (v >= n / 2n) sawHighHalf = true;
    }
    expect(sawHighHalf).toBe(true);
    expect(random.bigIntBelow(1n)).toBe(0n);
    const three = new Set(Array.from({ length: 100 }, () => random.bigIntBelow(3n)));
    expect([...three].sort()).toEqual([0n, 1n, 2n]);
  });
});
