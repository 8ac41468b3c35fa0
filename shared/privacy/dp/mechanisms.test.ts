/**
 * @module shared/privacy/dp/mechanisms.test
 * The continuous samplers have the right distribution (mean, variance, tails) over 200k draws, take
 * their randomness from WebCrypto, and the analytic privacy formulas are the textbook ones.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addGaussianNoise, gaussianNoise, gaussianRdp, laplaceEpsilon, laplaceNoise, laplaceScale } from './mechanisms';
import { SecureRandom } from './secure-random';

const N = 200_000;

function moments(draw: () => number, n = N): { mean: number; variance: number; fourth: number; maxAbs: number } {
  let sum = 0;
  let sumSq = 0;
  let sumFourth = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
    sumFourth += x ** 4;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  return { mean: sum / n, variance: sumSq / n - (sum / n) ** 2, fourth: sumFourth / n, maxAbs };
}

describe('gaussianNoise', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('has mean 0 and variance σ² within 5 standard errors over 200k draws (σ = 2.5)', () => {
    const sigma = 2.5;
    const m = moments(() => gaussianNoise(sigma));
    expect(Math.abs(m.mean)).toBeLessThan(5 * sigma / Math.sqrt(N));
    // The sample variance of a normal has standard error σ²·√(2/n).
    expect(Math.abs(m.variance - sigma ** 2)).toBeLessThan(5 * sigma ** 2 * Math.sqrt(2 / N));
    expect(m.fourth / sigma ** 4).toBeCloseTo(3, 0); // kurtosis of a normal
    expect(m.maxAbs).toBeLessThanOrEqual(8.58 * sigma);
  });

  it('puts 68.27% of draws within one σ, as a normal does', () => {
    let inside = 0;
    for (let i = 0; i < N; i++) if (Math.abs(gaussianNoise(1)) < 1) inside++;
    expect(Math.abs(inside / N - 0.6826894921)).toBeLessThan(5 * Math.sqrt(0.6827 * 0.3173 / N));
  });

  it('draws its randomness from crypto.getRandomValues', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    gaussianNoise(1, new SecureRandom());
    expect(spy).toHaveBeenCalled();
  });

  it('refuses a σ that would not protect anything', () => {
    expect(() => gaussianNoise(0)).toThrow('sigma must be a positive finite number, got 0');
    expect(() => gaussianNoise(Number.NaN)).toThrow('sigma must be a positive finite number, got NaN');
  });
});

describe('addGaussianNoise', () => {
  it('adds N(0, σ²) noise in place to every element of a Float64Array (variance within 5 standard errors over 200k)', () => {
    const sigma = 0.7;
    const values = new Float64Array(N).fill(3);
    const returned = addGaussianNoise(values, sigma);
    expect(returned).toBe(values);
    const m = moments((() => {
      let i = 0;
      return () => values[i++] - 3;
    })());
    expect(Math.abs(m.mean)).toBeLessThan(5 * sigma / Math.sqrt(N));
    expect(Math.abs(m.variance - sigma ** 2)).toBeLessThan(5 * sigma ** 2 * Math.sqrt(2 / N));
  });

  it('noises the last element of an odd-length Float32Array too, and leaves no two elements equal', () => {
    const values = addGaussianNoise(new Float32Array(5), 1);
    expect(values.every((v) => v !== 0)).toBe(true);
    expect(new Set(values).size).toBe(5);
  });
});

describe('laplaceNoise', () => {
  it('has mean 0 and variance 2b² within 5 standard errors over 200k draws (b = 1.5)', () => {
    const b = 1.5;
    const m = moments(() => laplaceNoise(b));
    expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(2) * b / Math.sqrt(N));
    // Var(X²) = E[X⁴] − (E[X²])² = 24b⁴ − 4b⁴ = 20b⁴ for the Laplace distribution.
    expect(Math.abs(m.variance - 2 * b * b)).toBeLessThan(5 * Math.sqrt(20 / N) * b * b);
    expect(m.maxAbs).toBeLessThanOrEqual(36.8 * b);
  });

  it('has the Laplace median absolute value b·ln 2', () => {
    let below = 0;
    for (let i = 0; i < N; i++) if (Math.abs(laplaceNoise(1)) < Math.LN2) below++;
    expect(Math.abs(below / N - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
  });
});

describe('analytic privacy of the mechanisms', () => {
  it('gives the Laplace mechanism ε = Δ₁/b and inverts it', () => {
    expect(laplaceEpsilon({ scale: 4, sensitivity: 2 })).toBe(0.5);
    expect(laplaceScale({ epsilon: 0.5, sensitivity: 2 })).toBe(4);
    expect(laplaceEpsilon({ scale: 10 })).toBe(0.1);
  });

  it('gives the Gaussian mechanism RDP α·Δ₂²/(2σ²) (Mironov 2017, Prop. 7)', () => {
    expect(gaussianRdp({ order: 20, sigma: 10 })).toBe(0.1);
    expect(gaussianRdp({ order: 2, sigma: 2, sensitivity: 3 })).toBe(2.25);
    expect(gaussianRdp({ order: 2, sigma: 0 })).toBe(Infinity);
    expect(() => gaussianRdp({ order: 0.5, sigma: 1 })).toThrow('order must be at least 1, got 0.5');
  });
});
