/**
 * @module shared/privacy/dp/noise-search.test
 * The noise-multiplier search: Opacus's published results, no overshoot, and an error that names
 * every parameter when the target cannot be reached.
 */
import { describe, expect, it } from 'vitest';
import { epsilonFromRdp } from './conversion';
import { MAX_NOISE_MULTIPLIER, noiseMultiplierFor, UnreachableEpsilonError } from './noise-search';
import { computeRdp, DEFAULT_RDP_ORDERS } from './rdp';

describe('noiseMultiplierFor reproduces Opacus get_noise_multiplier (pytorch/opacus, opacus/tests/accountants_test.py)', () => {
  // test_get_noise_multiplier_rdp_epochs: target_epsilon 8, target_delta 1e-5, sample_rate 0.04,
  // epochs 90 (steps = int(90 / 0.04) = 2250) → assertAlmostEqual(noise_multiplier, 1.416, places=4).
  it('gives σ = 1.416 for ε = 8, δ = 1e-5, q = 0.04 over 90 epochs, to their 4 places (test_get_noise_multiplier_rdp_epochs)', () => {
    const result = noiseMultiplierFor({ targetEpsilon: 8, delta: 1e-5, sampleRate: 0.04, steps: Math.trunc(90 / 0.04) });
    expect(Math.abs(result.noiseMultiplier - 1.416)).toBeLessThan(0.5e-4);
    expect(result.epsilon).toBeLessThanOrEqual(8);
    expect(result.epsilon).toBeGreaterThan(8 - 0.01);
  });

  // test_get_noise_multiplier_rdp_steps: target_epsilon 8, target_delta 1e-5, sample_rate 0.04,
  // steps 2000 → assertAlmostEqual(noise_multiplier, 1.3562, places=4).
  it('gives σ = 1.3562 for ε = 8, δ = 1e-5, q = 0.04 over 2000 steps, to their 4 places (test_get_noise_multiplier_rdp_steps)', () => {
    const result = noiseMultiplierFor({ targetEpsilon: 8, delta: 1e-5, sampleRate: 0.04, steps: 2000 });
    expect(Math.abs(result.noiseMultiplier - 1.3562)).toBeLessThan(0.5e-4);
  });

  // test_get_noise_multiplier_overshoot (a hypothesis property test there): for ε in [1, 10],
  // epochs 10..100, q in {1e-4 … 1e-1}, δ in {1e-4, 1e-5, 1e-6} the ε of the returned σ is below the target.
  const cases: Array<[number, number, number, number]> = [
    [1, 10, 1e-4, 1e-6],
    [1.7, 37, 2e-3, 1e-5],
    [3.3, 100, 1e-1, 1e-4],
    [5.5, 64, 5e-2, 1e-6],
    [10, 12, 1e-2, 1e-5],
  ];
  it.each(cases)('never overshoots: ε ≤ %s for %d epochs at q = %s, δ = %s, and stops within the 0.01 tolerance', (target, epochs, q, delta) => {
    const steps = Math.trunc(epochs / q);
    const result = noiseMultiplierFor({ targetEpsilon: target, delta, sampleRate: q, steps });
    const check = epsilonFromRdp(DEFAULT_RDP_ORDERS, computeRdp(q, result.noiseMultiplier, steps), delta);
    expect(check.epsilon).toBe(result.epsilon);
    expect(result.epsilon).toBeLessThan(target);
    expect(target - result.epsilon).toBeLessThanOrEqual(0.01);
  });
});

describe('noiseMultiplierFor for Attune budgets', () => {
  it('finds the σ for a monthly cap of ε = 1, δ = 1e-6 with a tighter tolerance', () => {
    const result = noiseMultiplierFor({ targetEpsilon: 1, delta: 1e-6, sampleRate: 0.05, steps: 200, tolerance: 1e-4 });
    expect(result.epsilon).toBeLessThanOrEqual(1);
    expect(result.epsilon).toBeGreaterThan(1 - 1e-4);
    // More noise is needed for more steps, less for a larger target.
    expect(noiseMultiplierFor({ targetEpsilon: 1, delta: 1e-6, sampleRate: 0.05, steps: 800 }).noiseMultiplier).toBeGreaterThan(result.noiseMultiplier);
    expect(noiseMultiplierFor({ targetEpsilon: 2, delta: 1e-6, sampleRate: 0.05, steps: 200 }).noiseMultiplier).toBeLessThan(result.noiseMultiplier);
  });

  it('explains an unreachable target, naming the parameters and the smallest ε the orders allow', () => {
    const attempt = () => noiseMultiplierFor({ targetEpsilon: 0.05, delta: 1e-6, sampleRate: 0.01, steps: 10 });
    expect(attempt).toThrow(UnreachableEpsilonError);
    expect(attempt).toThrow(
      /^target epsilon 0\.05 with sample rate 0\.01, 10 steps and delta 0\.000001 is unreachable: with these RDP orders \(largest 63\) no amount of noise gives epsilon below 0\.14\d\d at this delta/,
    );
  });

  it('reaches such a small target once larger orders are allowed', () => {
    const orders = [...DEFAULT_RDP_ORDERS, 80, 100, 128, 192, 256, 512, 1024];
    const result = noiseMultiplierFor({ targetEpsilon: 0.05, delta: 1e-6, sampleRate: 0.01, steps: 10, orders });
    expect(result.epsilon).toBeLessThanOrEqual(0.05);
  });

  it('gives up beyond Opacus MAX_SIGMA when the target sits just above what the orders allow', () => {
    const floor = epsilonFromRdp([2, 3], [0, 0], 1e-3).epsilon;
    expect(() => noiseMultiplierFor({ targetEpsilon: floor + 1e-12, delta: 1e-3, sampleRate: 1, steps: 1, orders: [2, 3] })).toThrow(
      `would need a noise multiplier above ${MAX_NOISE_MULTIPLIER}`,
    );
  });

  it('names a bad parameter', () => {
    const base = { targetEpsilon: 1, delta: 1e-6, sampleRate: 0.01, steps: 100 };
    expect(() => noiseMultiplierFor({ ...base, sampleRate: 0 })).toThrow('sampleRate must be in (0, 1], got 0');
    expect(() => noiseMultiplierFor({ ...base, steps: 0 })).toThrow('steps must be an integer of at least 1, got 0');
    expect(() => noiseMultiplierFor({ ...base, delta: 1 })).toThrow('delta must be in (0, 1), got 1');
    expect(() => noiseMultiplierFor({ ...base, targetEpsilon: -1 })).toThrow('targetEpsilon must be a positive finite number, got -1');
    expect(() => noiseMultiplierFor({ ...base, tolerance: 0 })).toThrow('tolerance must be positive, got 0');
  });
});
