/** @module training/dp-sgd/poisson-sample.test Poisson batch sizes follow Binomial(n, q). */
import { describe, expect, it } from 'vitest';
import { poissonSample } from './poisson-sample';
import { seededSecureRandom } from './seeded-secure-random.test-fixture';

describe('poissonSample', () => {
  it('draws batch sizes with the Binomial(n, q) mean within 3 standard errors and its variance within 4', () => {
    const n = 500;
    const q = 0.04;
    const trials = 4000;
    const random = seededSecureRandom(11);
    const sizes = Array.from({ length: trials }, () => poissonSample(n, q, random).length);
    const mean = sizes.reduce((a, b) => a + b, 0) / trials;
    const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (trials - 1);
    const binomialVariance = n * q * (1 - q); // 19.2
    expect(Math.abs(mean - n * q)).toBeLessThan(3 * Math.sqrt(binomialVariance / trials)); // 3 SE = 0.208
    expect(Math.abs(variance - binomialVariance)).toBeLessThan(4 * binomialVariance * Math.sqrt(2 / (trials - 1)));
  });

  it('includes every example with probability q, first and last alike', () => {
    const n = 100;
    const q = 0.3;
    const trials = 5000;
    const counts = new Array<number>(n).fill(0);
    const random = seededSecureRandom(12);
    for (let t = 0; t < trials; t++) for (const i of poissonSample(n, q, random)) counts[i]++;
    const se = Math.sqrt((q * (1 - q)) / (trials * 10));
    for (const block of [counts.slice(0, 10), counts.slice(90)]) {
      const rate = block.reduce((a, b) => a + b, 0) / (trials * 10);
      expect(Math.abs(rate - q)).toBeLessThan(4 * se);
    }
  });

  it('returns distinct indices below n in ascending order', () => {
    const batch = poissonSample(1000, 0.5, seededSecureRandom(13));
    expect(batch.every((index, k) => Number.isInteger(index) && index >= 0 && index < 1000 && (k === 0 || index > batch[k - 1]))).toBe(true);
  });

  it('takes nothing at q = 0 and everything at q = 1', () => {
    expect(poissonSample(50, 0)).toEqual([]);
    expect(poissonSample(5, 1)).toEqual([0, 1, 2, 3, 4]);
    expect(poissonSample(0, 0.5)).toEqual([]);
  });

  it('draws unpredictable coins from WebCrypto by default, so two batches differ', () => {
    expect(poissonSample(256, 0.5)).not.toEqual(poissonSample(256, 0.5)); // equal with probability 2⁻²⁵⁶
  });

  it('names n or q when out of range', () => {
    expect(() => poissonSample(-1, 0.1)).toThrow('n must be a non-negative integer, got -1');
    expect(() => poissonSample(10, 1.5)).toThrow('q must be in [0, 1], got 1.5');
    expect(() => poissonSample(10, Number.NaN)).toThrow('q must be in [0, 1], got NaN');
  });
});
