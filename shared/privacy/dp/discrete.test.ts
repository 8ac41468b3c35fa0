/**
 * @module shared/privacy/dp/discrete.test
 * The exact discrete samplers follow their distributions: probabilities of each integer
 * (chi-square), the closed-form discrete Laplace variance, and the discrete Gaussian variance.
 */
import { describe, expect, it } from 'vitest';
import { discreteGaussianNoise, discreteLaplaceEpsilon, discreteLaplaceNoise } from './discrete';

/** Chi-square statistic of observed counts against expected probabilities (the rest pooled). */
function chiSquare(samples: number[], support: number[], probability: (y: number) => number): { chi2: number; cells: number } {
  const counts = new Map<number, number>(support.map((y) => [y, 0]));
  let rest = 0;
  for (const y of samples) {
    if (counts.has(y)) counts.set(y, counts.get(y)! + 1);
    else rest++;
  }
  const n = samples.length;
  let chi2 = 0;
  let pooled = 1;
  for (const y of support) {
    const expected = n * probability(y);
    pooled -= probability(y);
    chi2 += (counts.get(y)! - expected) ** 2 / expected;
  }
  chi2 += (rest - n * pooled) ** 2 / (n * pooled);
  return { chi2, cells: support.length + 1 };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe('discreteGaussianNoise (Canonne, Kamath & Steinke 2020, Algorithm 3)', () => {
  it('gives each integer probability ∝ exp(−y²/2σ²) for σ = 1.5 (chi-square over 15 cells, 100k draws)', () => {
    const sigma = 1.5;
    const weight = (y: number) => Math.exp(-(y * y) / (2 * sigma * sigma));
    const total = range(-60, 60).reduce((s, y) => s + weight(y), 0);
    const samples = Array.from({ length: 100_000 }, () => discreteGaussianNoise(sigma));
    expect(samples.every(Number.isInteger)).toBe(true);
    const { chi2 } = chiSquare(samples, range(-7, 7), (y) => weight(y) / total);
    expect(chi2).toBeLessThan(56.5); // 15 degrees of freedom: p = 1e-6
  });

  it('has mean 0 and variance σ² within 5 standard errors over 200k draws (σ = 4)', () => {
    const sigma = 4;
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const y = discreteGaussianNoise(sigma);
      sum += y;
      sumSq += y * y;
    }
    expect(Math.abs(sum / n)).toBeLessThan(5 * sigma / Math.sqrt(n));
    expect(Math.abs(sumSq / n - sigma ** 2)).toBeLessThan(5 * sigma ** 2 * Math.sqrt(2 / n));
  });

  it('refuses σ = 0 and negative σ', () => {
    expect(() => discreteGaussianNoise(0)).toThrow('sigma must be positive, got 0');
    expect(() => discreteGaussianNoise(-1)).toThrow('sigma must be a non-negative finite number, got -1');
  });
});

describe('discreteLaplaceNoise (Canonne, Kamath & Steinke 2020, Algorithm 2)', () => {
  it('gives each integer probability ∝ exp(−|y|/t) for t = 0.8 (chi-square over 13 cells, 100k draws)', () => {
    const t = 0.8;
    const p = Math.exp(-1 / t);
    const probability = (y: number) => ((1 - p) / (1 + p)) * p ** Math.abs(y);
    const samples = Array.from({ length: 100_000 }, () => discreteLaplaceNoise(t));
    const { chi2 } = chiSquare(samples, range(-6, 6), probability);
    expect(chi2).toBeLessThan(52.7); // 13 degrees of freedom: p = 1e-6
  });

  it('has the closed-form variance 2e^(−1/t)/(1 − e^(−1/t))² within 5 standard errors over 200k draws (t = 3)', () => {
    const t = 3;
    const p = Math.exp(-1 / t);
    const variance = (2 * p) / (1 - p) ** 2;
    const n = 200_000;
    let sumSq = 0;
    let sumFourth = 0;
    for (let i = 0; i < n; i++) {
      const y = discreteLaplaceNoise(t);
      sumSq += y * y;
      sumFourth += y ** 4;
    }
    const standardError = Math.sqrt((sumFourth / n - (sumSq / n) ** 2) / n);
    expect(Math.abs(sumSq / n - variance)).toBeLessThan(5 * standardError);
  });

  it('gives ε = Δ/t on integer statistics', () => {
    expect(discreteLaplaceEpsilon({ scale: 10 })).toBe(0.1);
    expect(discreteLaplaceEpsilon({ scale: 10, sensitivity: 2 })).toBe(0.2);
    expect(() => discreteLaplaceEpsilon({ scale: 10, sensitivity: 0.5 })).toThrow('sensitivity must be a non-negative integer for integer-valued statistics, got 0.5');
  });
});
