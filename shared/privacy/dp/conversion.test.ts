/**
 * @module shared/privacy/dp/conversion.test
 * RDP → (ε, δ): both bounds against the hand-checked figures in TF Privacy's and dp_accounting's
 * tests, and the edge cases (infinite curves, α = 1, bad δ).
 */
import { describe, expect, it } from 'vitest';
import { epsilonFromRdp } from './conversion';
import { computeRdp } from './rdp';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

describe('epsilonFromRdp with the Balle et al. 2020 bound (default, as Opacus)', () => {
  // google/differential-privacy python/dp_accounting/rdp/rdp_privacy_accountant_test.py,
  // test_compute_epsilon_delta_pure_dp (and tensorflow/privacy rdp_accountant_test.py,
  // test_get_privacy_spent_check_target_delta): orders range(2, 33), rdp 1.1 everywhere,
  // delta 1e-5 → epsilon 1.32783806176 (assertAlmostEqual, 7 places), optimal order 32.
  it('gives 1.32783806176 at order 32 for a constant RDP of 1.1 (test_compute_epsilon_delta_pure_dp)', () => {
    const orders = range(2, 33);
    const spent = epsilonFromRdp(orders, orders.map(() => 1.1), 1e-5);
    expect(Math.abs(spent.epsilon / 1.32783806176 - 1)).toBeLessThan(1e-6);
    expect(spent.epsilon).toBeCloseTo(1.32783806176, 7);
    expect(spent.order).toBe(32);
    expect(spent.orderAtEdge).toBe(true); // the largest order: Opacus would warn here
  });

  // Same files, test_compute_epsilon_delta_gaussian / test_get_privacy_spent_check_target_delta:
  // orders [0.001 * i for i in range(1000, 100000)], q = 1, sigma 4.530877117 "chosen to obtain
  // exactly (1, 1e-6)-DP" → epsilon 1 (assertAlmostEqual, 7 places). Order 1.0 is in the list and
  // is skipped, as numpy's nanargmin skips it in Opacus's formula.
  it('gives ε = 1 for the Gaussian with σ = 4.530877117 at δ = 1e-6 over 99 000 orders (test_compute_epsilon_delta_gaussian)', () => {
    const orders = range(1000, 100000).map((i) => 0.001 * i);
    const spent = epsilonFromRdp(orders, computeRdp(1, 4.530877117, 1, orders), 1e-6);
    expect(spent.epsilon).toBeCloseTo(1, 7);
    expect(Math.abs(spent.epsilon - 1)).toBeLessThan(1e-6);
  });
});

describe('epsilonFromRdp with the Mironov 2017 bound (the older TF Privacy conversion)', () => {
  // tensorflow/privacy tensorflow_privacy/privacy/analysis/rdp_accountant_test.py (2018 version,
  // before the Balle et al. conversion), test_get_privacy_spent_check_target_delta:
  // orders range(2, 33), compute_rdp(0.01, 4, 10000, orders), delta 1e-5 →
  // assertAlmostEqual(eps, 1.258575, places=5), assertEqual(opt_order, 20).
  it('gives 1.258575 at order 20 for q = 0.01, σ = 4, 10 000 steps (test_get_privacy_spent_check_target_delta, old)', () => {
    const orders = range(2, 33);
    const spent = epsilonFromRdp(orders, computeRdp(0.01, 4, 10000, orders), 1e-5, { method: 'mironov2017' });
    expect(Math.abs(spent.epsilon - 1.258575)).toBeLessThan(0.5e-5);
    expect(spent.order).toBe(20);
  });

  it('is looser than Balle et al. on the same curve', () => {
    const orders = range(2, 64);
    const rdp = computeRdp(0.01, 1.1, 3000, orders);
    expect(epsilonFromRdp(orders, rdp, 1e-6, { method: 'mironov2017' }).epsilon).toBeGreaterThan(epsilonFromRdp(orders, rdp, 1e-6).epsilon);
  });
});

describe('epsilonFromRdp edge cases', () => {
  it('reports ∞ (and no order) when every order is infinite', () => {
    expect(epsilonFromRdp([2, 4], [Infinity, Infinity], 1e-5)).toEqual({ epsilon: Infinity, order: NaN, orderAtEdge: false });
  });

  it('skips α = ∞, where the Balle bound is NaN, and uses the finite orders', () => {
    const spent = epsilonFromRdp([2, 8, Infinity], [0.01, 0.04, Infinity], 1e-5);
    expect(spent.order).toBe(8);
    expect(Number.isFinite(spent.epsilon)).toBe(true);
  });

  it('never reports a negative ε', () => {
    expect(epsilonFromRdp([2, 3], [0, 0], 0.9).epsilon).toBe(0);
  });

  it('names what is wrong with bad arguments', () => {
    expect(() => epsilonFromRdp([2], [0.1], 0)).toThrow('delta must be in (0, 1), got 0');
    expect(() => epsilonFromRdp([2], [0.1], 1)).toThrow('delta must be in (0, 1), got 1');
    expect(() => epsilonFromRdp([2, 3], [0.1], 1e-5)).toThrow('orders and rdp must have the same length, got 2 and 1');
    expect(() => epsilonFromRdp([2], [-0.1], 1e-5)).toThrow('RDP values must be non-negative, got -0.1 at order 2');
    // @ts-expect-error: an unknown method from untyped input
    expect(() => epsilonFromRdp([2], [0.1], 1e-5, { method: 'pld' })).toThrow("method must be 'balle2020' or 'mironov2017', got 'pld'");
  });
});
