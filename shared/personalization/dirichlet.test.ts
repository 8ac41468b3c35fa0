/** @module shared/personalization/dirichlet.test Moments of the Gamma and Dirichlet samplers against their closed forms. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.test-fixture';
import { sampleDirichlet, sampleGamma } from './dirichlet';


describe('sampleGamma', () => {
  it.each([0.3, 1, 2.5, 10])('has mean and variance close to the shape (%s) over 40,000 draws', (shape) => {
    const rng = mulberry32(7);
    const n = 40_000;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const g = sampleGamma(shape, rng);
      min = Math.min(min, g);
      sum += g;
      sumSq += g * g;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(min).toBeGreaterThanOrEqual(0);
    // Standard error of the mean is sqrt(shape / n); allow 4 of them, and 5 % on the variance.
    expect(Math.abs(mean - shape)).toBeLessThan(4 * Math.sqrt(shape / n));
    expect(Math.abs(variance / shape - 1)).toBeLessThan(0.05);
  });

  it('is reproducible from the generator and rejects a bad shape', () => {
    expect(sampleGamma(2, mulberry32(1))).toBe(sampleGamma(2, mulberry32(1)));
    expect(() => sampleGamma(0, mulberry32(1))).toThrow(new RangeError('shape must be a finite number > 0, got 0'));
  });
});

describe('sampleDirichlet', () => {
  it('averages to alpha / Σ alpha', () => {
    const rng = mulberry32(11);
    const alphas = [5, 2, 1, 1];
    const sums = [0, 0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const theta = sampleDirichlet(alphas, rng);
      expect(theta.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      theta.forEach((t, j) => (sums[j] += t));
    }
    sums.forEach((s, j) => expect(s / n).toBeCloseTo(alphas[j] / 9, 2));
  });

  it('picks the first of two components with P(Beta(3, 2) > ½) = 11/16', () => {
    // For integer a, b: P(Beta(a, b) > ½) = P(Binomial(a + b − 1, ½) ≤ a − 1) = (1 + 4 + 6) / 16.
    const rng = mulberry32(5);
    const n = 40_000;
    let first = 0;
    for (let i = 0; i < n; i++) {
      const [a, b] = sampleDirichlet([3, 2], rng);
      if (a > b) first++;
    }
    expect(Math.abs(first / n - 11 / 16)).toBeLessThan(0.01);
  });
});
