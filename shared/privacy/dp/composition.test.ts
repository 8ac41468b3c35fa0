/**
 * @module shared/privacy/dp/composition.test
 * Heterogeneous composition of RDP curves: sums order by order, agrees with multi-step accounting,
 * reproduces TF Privacy's composition figure, and the Laplace and pure-DP curves are right.
 */
import { describe, expect, it } from 'vitest';
import {
  composeRdp,
  curveEpsilon,
  gaussianCurve,
  laplaceCurve,
  laplaceRdp,
  pureDpCurve,
  rdpCurve,
  subsampledGaussianCurve,
  zeroRdpCurve,
} from './composition';
import { computeRdp, DEFAULT_RDP_ORDERS } from './rdp';

describe('composeRdp', () => {
  it('adds T single-step subsampled Gaussian curves up to computeRdp with steps = T', () => {
    const oneStep = subsampledGaussianCurve({ sampleRate: 0.02, noiseMultiplier: 1.1, steps: 1 });
    const composed = composeRdp(Array.from({ length: 250 }, () => oneStep));
    const direct = computeRdp(0.02, 1.1, 250);
    composed.epsilons.forEach((value, i) => expect(Math.abs(value / direct[i] - 1)).toBeLessThan(1e-12));
    expect(composed.orders).toEqual(DEFAULT_RDP_ORDERS);
  });

  // tensorflow/privacy tensorflow_privacy/privacy/analysis/rdp_accountant_test.py, test_check_composition:
  // orders (1.25, 1.5, 1.75, 2., 2.5, 3., 4., 5., 6., 7., 8., 10., 12., 14., 16., 20., 24., 28., 32., 64., 256.),
  // compute_rdp(q=1e-4, σ=.4, steps=40000) + compute_rdp(q=0.1, σ=2, steps=100), delta 1e-5.
  // The 2018 version (Mironov 2017 conversion): assertAlmostEqual(eps, 8.509656, places=5), opt_order 2.5.
  // The current version (Balle et al.): assertLessEqual(eps, 8.509656).
  const orders = [1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256];
  const charges = [
    subsampledGaussianCurve({ sampleRate: 1e-4, noiseMultiplier: 0.4, steps: 40000, orders }),
    subsampledGaussianCurve({ sampleRate: 0.1, noiseMultiplier: 2, steps: 100, orders }),
  ];
  it('reproduces TF Privacy test_check_composition: ε = 8.509656 at order 2.5 with the Mironov 2017 conversion', () => {
    const spent = curveEpsilon(composeRdp(charges), 1e-5, { method: 'mironov2017' });
    expect(Math.abs(spent.epsilon - 8.509656)).toBeLessThan(0.5e-5);
    expect(Math.abs(spent.epsilon / 8.509656 - 1)).toBeLessThan(1e-6);
    expect(spent.order).toBe(2.5);
    expect(curveEpsilon(composeRdp(charges), 1e-5).epsilon).toBeLessThanOrEqual(8.509656);
  });

  // google/differential-privacy python/dp_accounting/rdp/rdp_privacy_accountant_test.py,
  // test_compute_rdp_multi_gaussian: α = 3.14159, σ₁ = 2.71828, σ₂ = 6.28319 → α/(2σ₁²) + α/(2σ₂²).
  it('adds two Gaussian releases as in dp_accounting test_compute_rdp_multi_gaussian', () => {
    const o = [3.14159];
    const total = composeRdp([gaussianCurve({ sigma: 2.71828, orders: o }), gaussianCurve({ sigma: 6.28319, orders: o })]);
    expect(total.epsilons[0]).toBeCloseTo(3.14159 / (2 * 2.71828 ** 2) + 3.14159 / (2 * 6.28319 ** 2), 12);
  });

  it('mixes DP-SGD, Gaussian, Laplace and pure-DP charges over the default orders, with zero as identity', () => {
    const parts = [
      subsampledGaussianCurve({ sampleRate: 0.01, noiseMultiplier: 1, steps: 100 }),
      gaussianCurve({ sigma: 20, sensitivity: 1, count: 3 }),
      laplaceCurve({ scale: 50 }),
      pureDpCurve({ epsilon: 0.01 }),
    ];
    const total = composeRdp([...parts, zeroRdpCurve()]);
    total.epsilons.forEach((value, i) => expect(value).toBeCloseTo(parts.reduce((s, c) => s + c.epsilons[i], 0), 14));
    const spent = curveEpsilon(total, 1e-6);
    for (const part of parts) expect(curveEpsilon(part, 1e-6).epsilon).toBeLessThan(spent.epsilon);
  });

  it('refuses curves over different orders and an empty list', () => {
    expect(() => composeRdp([zeroRdpCurve([2, 3]), zeroRdpCurve([2, 4])])).toThrow('composeRdp: every curve must be over the same orders');
    expect(() => composeRdp([])).toThrow('composeRdp needs at least one curve');
    expect(() => rdpCurve([2, 3], [0.1])).toThrow('orders and epsilons must have the same length, got 2 and 1');
  });

  it('survives a JSON round trip, as a ledger row would store it', () => {
    const curve = subsampledGaussianCurve({ sampleRate: 0.05, noiseMultiplier: 0.9, steps: 10 });
    const restored = JSON.parse(JSON.stringify(curve)) as typeof curve;
    expect(curveEpsilon(restored, 1e-6)).toEqual(curveEpsilon(curve, 1e-6));
  });
});

/** The Rényi divergence D_α(Lap(0, λ) ‖ Lap(1, λ)) by Simpson's rule, split at the kinks 0 and 1. */
function laplaceDivergenceNumeric(alpha: number, lambda: number): number {
  const density = (x: number) => Math.exp(-(alpha * Math.abs(x) + (1 - alpha) * Math.abs(x - 1)) / lambda) / (2 * lambda);
  const simpson = (a: number, b: number, n: number) => {
    const h = (b - a) / n;
    let s = density(a) + density(b);
    for (let k = 1; k < n; k++) s += (k % 2 === 1 ? 4 : 2) * density(a + k * h);
    return (s * h) / 3;
  };
  const integral = simpson(-80 * lambda, 0, 40000) + simpson(0, 1, 2000) + simpson(1, 1 + 80 * lambda, 40000);
  return Math.log(integral) / (alpha - 1);
}

describe('laplaceRdp (Mironov 2017, Prop. 6)', () => {
  it('equals the Rényi divergence of two Laplace distributions computed by numerical integration', () => {
    for (const lambda of [0.7, 1, 3]) {
      for (const alpha of [1.5, 2, 5, 20]) {
        const exact = laplaceRdp({ order: alpha, scale: lambda });
        expect(Math.abs(exact / laplaceDivergenceNumeric(alpha, lambda) - 1), `λ = ${lambda}, α = ${alpha}`).toBeLessThan(1e-8);
      }
    }
  });

  it('rises with the order towards the pure-DP ε = Δ/b and reaches it at α = ∞; α = 1 is the KL divergence', () => {
    const curve = laplaceCurve({ scale: 4, sensitivity: 2, orders: [1, 1.5, 2, 10, 63, 1e4, Infinity] });
    for (let k = 1; k < curve.epsilons.length; k++) expect(curve.epsilons[k]).toBeGreaterThanOrEqual(curve.epsilons[k - 1]);
    expect(curve.epsilons.at(-1)).toBe(0.5);
    expect(curve.epsilons[5]).toBeCloseTo(0.5, 3);
    expect(curve.epsilons[0]).toBeCloseTo(0.5 + Math.exp(-0.5) - 1, 15);
  });

  it('does not overflow for large α/λ', () => {
    expect(laplaceRdp({ order: 63, scale: 0.001 })).toBeCloseTo(1000 - Math.log(125 / 63) / 62, 6);
  });
});

describe('pureDpCurve', () => {
  it('is min(ε, αε²/2) (Bun & Steinke 2016, Prop. 3.3) and never exceeds ε', () => {
    const curve = pureDpCurve({ epsilon: 0.1, orders: [2, 10, 20, 63] });
    [0.01, 0.05, 0.1, 0.1].forEach((value, i) => expect(curve.epsilons[i]).toBeCloseTo(value, 15));
  });

  it('is no tighter than the exact Laplace curve of the same ε', () => {
    const exact = laplaceCurve({ scale: 10 });
    const generic = pureDpCurve({ epsilon: 0.1 });
    exact.epsilons.forEach((value, i) => expect(value).toBeLessThanOrEqual(generic.epsilons[i] + 1e-15));
  });
});
