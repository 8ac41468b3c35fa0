/**
 * @module shared/privacy/dp/rdp.test
 * RDP of the sampled Gaussian mechanism against the figures published in TensorFlow Privacy's and
 * Google dp_accounting's tests, plus the properties any RDP accountant must have.
 */
import { describe, expect, it } from 'vitest';
import { computeLogA, computeRdp, DEFAULT_RDP_ORDERS, TF_PRIVACY_DP_SGD_ORDERS } from './rdp';

describe('computeRdp reproduces TensorFlow Privacy (tensorflow/privacy, tensorflow_privacy/privacy/analysis/rdp_accountant_test.py)', () => {
  // test_compute_rdp_no_data: assertEqual(compute_rdp(0, 10, 1, 20), 0)
  it('gives 0 when nothing is sampled (test_compute_rdp_no_data)', () => {
    expect(computeRdp(0, 10, 1, [20])).toEqual([0]);
  });

  // test_compute_rdp_no_sampling: assertEqual(compute_rdp(1, 10, 1, 20), 0.1)
  it('gives α/(2σ²) = 0.1 without subsampling (test_compute_rdp_no_sampling)', () => {
    expect(computeRdp(1, 10, 1, [20])).toEqual([0.1]);
  });

  // test_compute_rdp_scalar: assertAlmostEqual(compute_rdp(0.1, 2, 10, 5), 0.07737, places=5)
  it('gives 0.07737 for q = 0.1, σ = 2, 10 steps at α = 5, to their 5 decimal places (test_compute_rdp_scalar)', () => {
    const [rdp] = computeRdp(0.1, 2, 10, [5]);
    expect(Math.abs(rdp - 0.07737)).toBeLessThan(0.5e-5);
  });

  // test_compute_rdp_sequence: compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100, inf]) ≈
  // [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307, inf], assertSequenceAlmostEqual delta=1e-5.
  it('matches their sequence at fractional, integer and infinite orders within their delta 1e-5 (test_compute_rdp_sequence)', () => {
    const rdp = computeRdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100, Infinity]);
    const published = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
    published.forEach((value, i) => expect(Math.abs(rdp[i] - value), `order index ${i}`).toBeLessThanOrEqual(1e-5));
    expect(rdp[5]).toBe(Infinity);
    // Their 6-decimal figure at α = 100 is also met to 1e-6 relative:
    expect(Math.abs(rdp[4] / 167.416307 - 1)).toBeLessThan(1e-6);
  });
});

describe('computeRdp reproduces Google dp_accounting (google/differential-privacy, python/dp_accounting/rdp/rdp_privacy_accountant_test.py)', () => {
  // test_compute_rdp_poisson_sampled_gaussian: q = 0.01, σ = 2.5, count 50, orders [1.5, 2.5, 5, 50, 100, inf]
  // → np.allclose(rdp, [6.5007e-04, 1.0854e-03, 2.1808e-03, 2.3846e-02, 1.6742e+02, inf], rtol=1e-4)
  it('matches test_compute_rdp_poisson_sampled_gaussian within their rtol 1e-4', () => {
    const rdp = computeRdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100, Infinity]);
    const published = [6.5007e-4, 1.0854e-3, 2.1808e-3, 2.3846e-2, 1.6742e2];
    published.forEach((value, i) => expect(Math.abs(rdp[i] - value), `order index ${i}`).toBeLessThanOrEqual(1e-8 + 1e-4 * value));
  });

  // test_compute_rdp_gaussian: α = 3.14159, σ = 2.71828 → α / (2σ²) (assertAlmostEqual, 7 places)
  it('gives α/(2σ²) for the plain Gaussian at a fractional order (test_compute_rdp_gaussian)', () => {
    const [rdp] = computeRdp(1, 2.71828, 1, [3.14159]);
    expect(rdp).toBeCloseTo(3.14159 / (2 * 2.71828 ** 2), 7);
  });

  // test_epsilon_non_private_gaussian: GaussianDpEvent(0) → epsilon inf
  it('gives ∞ without noise (test_epsilon_non_private_gaussian)', () => {
    expect(computeRdp(1, 0, 1, [3.14159])).toEqual([Infinity]);
    expect(computeRdp(0.5, 0, 1, [2, 2.5])).toEqual([Infinity, Infinity]);
  });
});

describe('computeLogA', () => {
  // tensorflow/privacy rdp_accountant_test.py and dp_accounting rdp_privacy_accountant_test.py,
  // test_compute_log_a_equals_mp: their parameters, compared with rtol 1e-4 to log A computed by
  // mpmath quadrature exactly as their _compute_a_mp does (mpmath 1.3.0, quad maxdegree=8); the
  // reference values below are the output of that code, run for this test.
  const cases: Array<[q: number, sigma: number, order: number, logAmp: number]> = [
    [1e-7, 0.1, 1.01, 4.003415962982348e-8],
    [1e-6, 0.1, 256, 3260234.5099259755],
    [1e-5, 0.1, 256.1, 3263356.2822869574],
    [1e-6, 1, 27, 8.769502897783603e-10],
    [1e-4, 1, 1.5, 6.442687029768869e-9],
    [1e-3, 1, 2, 1.7182803521333247e-6],
    [0.01, 10, 20, 0.00019129699912815486],
    [0.1, 100, 20.5, 0.00019991818458118805],
    [0.99, 0.1, 256, 3263768.707742836],
    [0.999, 100, 256.1, 3.260108037973113],
  ];
  it.each(cases)('equals the multi-precision integral for q = %s, σ = %s, α = %s within rtol 1e-4 (test_compute_log_a_equals_mp)', (q, sigma, order, logAmp) => {
    expect(Math.abs(computeLogA(q, sigma, order) - logAmp)).toBeLessThanOrEqual(1e-4 * Math.abs(logAmp));
  });
});

describe('computeRdp agrees with the Opacus algorithm itself', () => {
  // Not published figures: Opacus's opacus/accountants/analysis/rdp.py `_compute_rdp`, run under
  // SciPy 1.17.1 for this test (one step). Over a 42-point (q, σ) grid × the 151 default orders the
  // largest relative difference was 7e-8 (an RDP of 3e-7 where both share the series' e⁻³⁰ cut-off).
  const cases: Array<[q: number, sigma: number, order: number, opacus: number]> = [
    [0.04, 1.5, 3.9, 0.0018332021995636277],
    [0.01, 0.8, 1.5, 0.0002733106999012212],
    [0.3, 1.0, 10.5, 3.9194865145382645],
    [0.001, 0.5, 2.3, 6.92530584301327e-5],
    [0.1, 3.0, 63, 1.1698816500377605],
    [0.7, 10.0, 1.1, 0.002696777206168223],
  ];
  it.each(cases)('matches Opacus for q = %s, σ = %s, α = %s to 1e-9 relative', (q, sigma, order, opacus) => {
    const [rdp] = computeRdp(q, sigma, 1, [order]);
    expect(Math.abs(rdp / opacus - 1)).toBeLessThan(1e-9);
  });
});

describe('default orders', () => {
  it('are Opacus DEFAULT_ALPHAS: 1.1 … 10.9 by tenths, then 12 … 63', () => {
    expect(DEFAULT_RDP_ORDERS).toHaveLength(151);
    expect(DEFAULT_RDP_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3]);
    expect(DEFAULT_RDP_ORDERS[98]).toBe(10.9);
    expect(DEFAULT_RDP_ORDERS.slice(99, 101)).toEqual([12, 13]);
    expect(DEFAULT_RDP_ORDERS.at(-1)).toBe(63);
    expect(DEFAULT_RDP_ORDERS[9]).toBe(2); // 1 + 10/10 is the integer 2 and takes the integer branch
  });

  it('include TF Privacy compute_dp_sgd_privacy orders up to 512', () => {
    expect(TF_PRIVACY_DP_SGD_ORDERS).toHaveLength(72);
    expect(TF_PRIVACY_DP_SGD_ORDERS.slice(-4)).toEqual([63, 128, 256, 512]);
  });
});

describe('properties of the sampled Gaussian RDP', () => {
  const orders = [1.5, 2, 4.5, 8, 16, 32, 63];

  it('decreases at every order as the noise multiplier grows', () => {
    const sigmas = [0.6, 0.8, 1, 1.5, 2, 4, 10];
    for (let k = 1; k < sigmas.length; k++) {
      const before = computeRdp(0.02, sigmas[k - 1], 100, orders);
      const after = computeRdp(0.02, sigmas[k], 100, orders);
      after.forEach((value, i) => expect(value).toBeLessThan(before[i]));
    }
  });

  it('grows at every order with the number of steps and with the sample rate', () => {
    const few = computeRdp(0.02, 1.1, 100, orders);
    const many = computeRdp(0.02, 1.1, 1000, orders);
    many.forEach((value, i) => expect(value).toBeGreaterThan(few[i]));
    const rates = [0.001, 0.01, 0.05, 0.2, 0.5, 0.9, 1];
    for (let k = 1; k < rates.length; k++) {
      const before = computeRdp(rates[k - 1], 1.1, 10, orders);
      const after = computeRdp(rates[k], 1.1, 10, orders);
      after.forEach((value, i) => expect(value).toBeGreaterThan(before[i]));
    }
  });

  it('is non-decreasing in the order and never above the unsampled Gaussian', () => {
    const fine = Array.from({ length: 120 }, (_, k) => 1.05 + k * 0.25);
    const rdp = computeRdp(0.05, 1.2, 1, fine);
    for (let k = 1; k < rdp.length; k++) expect(rdp[k]).toBeGreaterThanOrEqual(rdp[k - 1] * (1 - 1e-12));
    fine.forEach((order, k) => expect(rdp[k]).toBeLessThanOrEqual(order / (2 * 1.2 ** 2)));
  });

  it('names what is wrong with bad arguments', () => {
    expect(() => computeRdp(1.5, 1, 1, [2])).toThrow('sample rate q must be in [0, 1], got 1.5');
    expect(() => computeRdp(0.1, -1, 1, [2])).toThrow('noise multiplier must be non-negative, got -1');
    expect(() => computeRdp(0.1, 1, -3, [2])).toThrow('steps must be a non-negative finite number, got -3');
    expect(() => computeRdp(0.1, 1, 1, [0.5])).toThrow('every RDP order must be at least 1, got 0.5');
    expect(() => computeRdp(0.1, 1, 1, [1])).toThrow(/order 1 .* use orders above 1/);
    expect(() => computeRdp(0.1, 1, 1, [])).toThrow('orders must not be empty');
  });
});
