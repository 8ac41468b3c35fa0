/**
 * @module shared/privacy/dp/published-figures.test
 * End to end, sampled-Gaussian RDP → (ε, δ): the DP-SGD epsilons that TF Privacy's and Opacus's
 * own tests publish, reproduced with the same orders, step counts and conversion.
 */
import { describe, expect, it } from 'vitest';
import { epsilonFromRdp, type ConversionMethod } from './conversion';
import { computeRdp, DEFAULT_RDP_ORDERS, TF_PRIVACY_DP_SGD_ORDERS } from './rdp';

/** TF Privacy's compute_dp_sgd_privacy(n, batch_size, noise_multiplier, epochs, delta). */
function computeDpSgdPrivacy(n: number, batchSize: number, noiseMultiplier: number, epochs: number, delta: number, method: ConversionMethod) {
  const q = batchSize / n;
  const steps = Math.ceil((epochs * n) / batchSize);
  return epsilonFromRdp(TF_PRIVACY_DP_SGD_ORDERS, computeRdp(q, noiseMultiplier, steps, TF_PRIVACY_DP_SGD_ORDERS), delta, { method });
}

const relative = (actual: number, expected: number) => Math.abs(actual / expected - 1);

describe('TF Privacy compute_dp_sgd_privacy (tensorflow/privacy, tensorflow_privacy/privacy/analysis/compute_dp_sgd_privacy_test.py, test_compute_dp_sgd_privacy)', () => {
  // Current version (dp_accounting RDP accountant, Balle et al. / CKS conversion):
  //   ('Test0', 60000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19.0)
  //   ('Test1', 100000, 100, 1.0, 30, 1e-7, 1.4154988495444842, 13.0)
  //   ('Test2', 100000000, 1024, 0.1, 10, 1e-7, 5907982.3113978775, 1.25)
  const current: Array<[string, number, number, number, number, number, number, number]> = [
    ['Test0', 60000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19],
    ['Test1', 100000, 100, 1.0, 30, 1e-7, 1.4154988495444842, 13],
    ['Test2', 100000000, 1024, 0.1, 10, 1e-7, 5907982.3113978775, 1.25],
  ];
  it.each(current)('%s: n = %d, batch %d, σ = %s, %d epochs, δ = %s gives their ε %s at order %s (1e-6 relative)', (_name, n, batch, sigma, epochs, delta, eps, order) => {
    const spent = computeDpSgdPrivacy(n, batch, sigma, epochs, delta, 'balle2020');
    expect(relative(spent.epsilon, eps)).toBeLessThan(1e-6);
    // Our figures are in fact within 3e-12 relative; Test2's published value itself moved by 2.7e-12
    // between versions of the test (5907982.31138195 earlier), which is as close as 7 places get at 6e6.
    expect(relative(spent.epsilon, eps)).toBeLessThan(1e-11);
    expect(spent.order).toBe(order);
  });

  // The 2019 version of the same test, when TF Privacy converted with Mironov 2017, Prop. 3:
  //   ('Test0', 60000, 150, 1.3, 15, 1e-5, 0.941870567, 19.0)
  //   ('Test1', 100000, 100, 1.0, 30, 1e-7, 1.70928734, 13.0)
  //   ('Test2', 100000000, 1024, 0.1, 10, 1e-7, 5907984.81339406, 1.25)
  const classical: Array<[string, number, number, number, number, number, number, number]> = [
    ['Test0', 60000, 150, 1.3, 15, 1e-5, 0.941870567, 19],
    ['Test1', 100000, 100, 1.0, 30, 1e-7, 1.70928734, 13],
    ['Test2', 100000000, 1024, 0.1, 10, 1e-7, 5907984.81339406, 1.25],
  ];
  it.each(classical)('%s with the Mironov 2017 conversion: n = %d, batch %d, σ = %s, %d epochs, δ = %s gives ε %s at order %s', (_name, n, batch, sigma, epochs, delta, eps, order) => {
    const spent = computeDpSgdPrivacy(n, batch, sigma, epochs, delta, 'mironov2017');
    expect(relative(spent.epsilon, eps)).toBeLessThan(1e-6);
    expect(spent.order).toBe(order);
  });
});

describe('Opacus RDPAccountant (pytorch/opacus, opacus/tests/accountants_test.py)', () => {
  // test_rdp_accountant: noise_multiplier 1.5, sample_rate 0.04, steps int(90 / 0.04) = 2250,
  // get_epsilon(delta=1e-5) → assertAlmostEqual(epsilon, 7.32911117143) (7 places), DEFAULT_ALPHAS.
  it('gives ε = 7.32911117143 for σ = 1.5, q = 0.04, 2250 steps, δ = 1e-5 (test_rdp_accountant)', () => {
    const steps = Math.trunc(90 / 0.04);
    expect(steps).toBe(2250);
    const spent = epsilonFromRdp(DEFAULT_RDP_ORDERS, computeRdp(0.04, 1.5, steps), 1e-5);
    expect(relative(spent.epsilon, 7.32911117143)).toBeLessThan(1e-6);
    expect(spent.epsilon).toBeCloseTo(7.32911117143, 7);
  });

  // test_accountant_load_state_dict: the same history split 1250 + 1000 steps → 7.32911117143.
  it('gives the same ε when the steps are accounted in two parts (test_accountant_load_state_dict)', () => {
    const a = computeRdp(0.04, 1.5, 1250);
    const b = computeRdp(0.04, 1.5, 1000);
    const spent = epsilonFromRdp(DEFAULT_RDP_ORDERS, a.map((v, i) => v + b[i]), 1e-5);
    expect(spent.epsilon).toBeCloseTo(7.32911117143, 7);
  });
});

describe('Opacus analysis/rdp.py module docstring (pytorch/opacus, opacus/accountants/analysis/rdp.py)', () => {
  // >>> parameters = [(1e-5, 1.0, 10), (1e-4, 3.0, 4)]; orders = range(2, 33); delta = 1e-5
  // >>> float(epsilon), int(opt_order)  # doctest: +NUMBER  →  (0.336, 23)
  it('gives (0.336, 23) for the heterogeneous example, to the 3 decimals the doctest prints', () => {
    const orders = Array.from({ length: 31 }, (_, k) => k + 2);
    const a = computeRdp(1e-5, 1.0, 10, orders);
    const b = computeRdp(1e-4, 3.0, 4, orders);
    const spent = epsilonFromRdp(orders, a.map((v, i) => v + b[i]), 1e-5);
    expect(Math.abs(spent.epsilon - 0.336)).toBeLessThan(0.5e-3);
    expect(spent.order).toBe(23);
  });
});
