/**
 * @module shared/privacy/dp/snapping.test
 * The snapping mechanism: outputs on the power-of-two grid and inside the bound, Laplace-like
 * spread, Mironov's effective ε, and its validity range.
 */
import { describe, expect, it } from 'vitest';
import { snappingEpsilon, snappingMechanism } from './snapping';

describe('snappingMechanism (Mironov 2012, §5.2)', () => {
  it('returns multiples of Λ·Δ (Λ the power of two ≥ 1/ε) inside [−bound, bound]', () => {
    const options = { epsilon: 0.3, sensitivity: 0.5, bound: 20 }; // λ = 3.33…, Λ = 4, grid 2
    for (let i = 0; i < 20_000; i++) {
      const y = snappingMechanism(1.3, options);
      expect(Number.isInteger(y / 2)).toBe(true);
      expect(Math.abs(y)).toBeLessThanOrEqual(20);
    }
  });

  it('spreads like Laplace noise of scale Δ/ε plus the grid’s rounding, centred on the value (200k draws)', () => {
    // λ = 2 = Λ: variance 2λ² + Λ²/12 for a value on the grid, bound far away.
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const y = snappingMechanism(4, { epsilon: 0.5, bound: 1000 }) - 4;
      sum += y;
      sumSq += y * y;
    }
    const variance = 2 * 4 + 4 / 12;
    expect(Math.abs(sum / n)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(sumSq / n - variance)).toBeLessThan(5 * Math.sqrt(20 * 16 / n));
  });

  it('clamps values outside the bound before adding noise', () => {
    const draws = Array.from({ length: 2000 }, () => snappingMechanism(1e9, { epsilon: 1, bound: 8 }));
    expect(draws.every((y) => y <= 8 && y >= -8)).toBe(true);
    expect(draws.filter((y) => y === 8).length).toBeGreaterThan(900); // about half the noise is ≥ 0
  });

  it('guarantees ε + 2⁻⁴⁹·(B/Δ)·ε, slightly above the nominal ε', () => {
    expect(snappingEpsilon({ epsilon: 0.5, bound: 1000 })).toBe(0.5 + 2 ** -49 * 1000 * 0.5);
    expect(snappingEpsilon({ epsilon: 0.5, sensitivity: 2, bound: 1000 })).toBe(0.5 + 2 ** -49 * 500 * 0.5);
  });

  it('refuses a bound outside Mironov’s range λ < B < 2⁴⁶·λ, naming it', () => {
    expect(() => snappingMechanism(0, { epsilon: 0.1, bound: 5 })).toThrow(/^bound must lie strictly between sensitivity\/epsilon and 2\^46·sensitivity\/epsilon \(10 and .*\), got 5$/);
    expect(() => snappingEpsilon({ epsilon: 0, bound: 5 })).toThrow('epsilon must be a positive finite number, got 0');
  });
});
