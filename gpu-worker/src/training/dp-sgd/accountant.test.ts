/** @module training/dp-sgd/accountant.test ε of DP-SGD runs and the ledger charge that records them. */
import { describe, expect, it } from 'vitest';
import { TF_PRIVACY_DP_SGD_ORDERS } from '../../../../shared/privacy/dp/rdp';
import { decideCharge, spentEpsilon } from '../../../../shared/privacy/ledger/budget-ledger';
import { dpSgdAccountant, dpSgdLedgerCharge } from './accountant';

describe('dpSgdAccountant', () => {
  it('gives Opacus\'s ε = 7.32911117143 for q = 0.04, σ = 1.5, 2250 steps, δ = 1e-5 (accountants_test.py, test_rdp_accountant)', () => {
    const spent = dpSgdAccountant({ sampleRate: 0.04, noiseMultiplier: 1.5, steps: 2250, delta: 1e-5 });
    expect(spent.epsilon).toBeCloseTo(7.32911117143, 7);
    expect(spent.delta).toBe(1e-5);
    expect(spent.orderAtEdge).toBe(false);
  });

  it('gives TF Privacy\'s ε = 0.7242234026 at order 19 for n = 60 000, batch 150, σ = 1.3, 15 epochs, δ = 1e-5 with its orders', () => {
    // compute_dp_sgd_privacy_test.py, Test0: q = 150/60000, steps = ⌈15·60000/150⌉ = 6000.
    const spent = dpSgdAccountant({ sampleRate: 150 / 60_000, noiseMultiplier: 1.3, steps: 6000, delta: 1e-5, orders: TF_PRIVACY_DP_SGD_ORDERS });
    expect(spent.epsilon).toBeCloseTo(0.7242234026109595, 9);
    expect(spent.order).toBe(19);
  });

  it('grows with the number of steps and the sample rate, and shrinks with the noise', () => {
    const base = { sampleRate: 0.01, noiseMultiplier: 1.1, steps: 1000, delta: 1e-6 };
    const eps = dpSgdAccountant(base).epsilon;
    expect(eps).toBeCloseTo(1.97675, 4); // Attune's δ = 1e-6
    expect(dpSgdAccountant({ ...base, steps: 2000 }).epsilon).toBeGreaterThan(eps);
    expect(dpSgdAccountant({ ...base, sampleRate: 0.02 }).epsilon).toBeGreaterThan(eps);
    expect(dpSgdAccountant({ ...base, noiseMultiplier: 2 }).epsilon).toBeLessThan(eps);
  });

  it('names the parameter that is out of range', () => {
    const ok = { sampleRate: 0.01, noiseMultiplier: 1, steps: 10, delta: 1e-6 };
    expect(() => dpSgdAccountant({ ...ok, sampleRate: 0 })).toThrow('sampleRate must be in (0, 1], got 0');
    expect(() => dpSgdAccountant({ ...ok, noiseMultiplier: 0 })).toThrow('noiseMultiplier must be a positive finite number, got 0');
    expect(() => dpSgdAccountant({ ...ok, steps: 2.5 })).toThrow('steps must be a non-negative integer, got 2.5');
    expect(() => dpSgdAccountant({ ...ok, delta: 1 })).toThrow('delta must be in (0, 1), got 1');
  });
});

describe('dpSgdLedgerCharge', () => {
  const run = { sampleRate: 0.02, noiseMultiplier: 3, steps: 200 };

  it('records a subsampled-Gaussian charge whose ε on the ledger equals the accountant\'s', () => {
    const charge = dpSgdLedgerCharge(run);
    expect(charge).toMatchObject({ kind: 'dp_sgd', mechanism: 'subsampled_gaussian', params: { sample_rate: 0.02, noise_multiplier: 3, steps: 200 }, pureEpsilon: null });
    const accounted = dpSgdAccountant({ ...run, delta: 1e-6 }).epsilon;
    expect(accounted).toBeCloseTo(0.44091, 5);
    expect(spentEpsilon([charge], 1e-6)).toBe(accounted);
  });

  it('composes in RDP on the ledger: four runs of ε 0.44 fit the monthly cap of 1 (0.897 spent), the fifth would bring 1.007', () => {
    const policy = { epsilon: 1, delta: 1e-6, period: 'month' as const };
    const charge = dpSgdLedgerCharge({ ...run, kind: 'private_adapter' });
    expect(charge.kind).toBe('private_adapter');
    const four = decideCharge([charge, charge, charge], charge, policy);
    expect(four.ok).toBe(true);
    expect(four.spentAfter).toBeCloseTo(0.89676, 5);
    expect(decideCharge([charge, charge, charge, charge], charge, policy).ok).toBe(false);
    expect(spentEpsilon(new Array(5).fill(charge), 1e-6)).toBeCloseTo(1.00721, 5);
  });

  it('names the parameter that is out of range', () => {
    expect(() => dpSgdLedgerCharge({ ...run, steps: -1 })).toThrow('steps must be a non-negative integer, got -1');
  });
});
