/**
 * @module shared/privacy/dp/rdp
 * Rényi-DP of the Poisson-subsampled Gaussian mechanism (the step of DP-SGD, and any statistic
 * computed on a random subsample with Gaussian noise), computed exactly as TensorFlow Privacy's
 * `rdp_accountant.py` and Opacus's `accountants/analysis/rdp.py` do: the quantity A_α of Mironov,
 * Talwar & Zhang 2019, "Rényi differential privacy of the sampled Gaussian mechanism"
 * (arXiv:1908.10530, §3.3), by a binomial expansion for integer α and by a two-sided series with
 * erfc terms for fractional α, all in log space; then ε(α) = log(A_α)/(α − 1) per step.
 */
import { logAdd, logErfc, logSub } from './log-math';

/**
 * Opacus's `RDPAccountant.DEFAULT_ALPHAS`: `[1 + x / 10.0 for x in range(1, 100)] +
 * list(range(12, 64))`, i.e. 1.1, 1.2, …, 10.9 and 12, 13, …, 63 (151 orders).
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, k) => 1 + (k + 1) / 10),
  ...Array.from({ length: 52 }, (_, k) => 12 + k),
]);

/**
 * The orders TF Privacy's `compute_dp_sgd_privacy_lib.compute_dp_sgd_privacy` uses:
 * `[1.25, 1.5, 1.75, 2., 2.25, 2.5, 3., 3.5, 4., 4.5] + list(range(5, 64)) + [128, 256, 512]`.
 */
export const TF_PRIVACY_DP_SGD_ORDERS: readonly number[] = Object.freeze([
  1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5,
  ...Array.from({ length: 59 }, (_, k) => 5 + k),
  128, 256, 512,
]);

/**
 * log A_α for integer α (`_compute_log_a_int`): A_α = Σᵢ C(α, i)·qⁱ·(1−q)^(α−i)·exp((i² − i)/(2σ²))
 * (Mironov, Talwar & Zhang 2019, §3.3, eq. for integer α). 0 < q < 1.
 */
export function computeLogAInt(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  const logQ = Math.log(q);
  const log1mQ = Math.log(1 - q);
  let logBinom = 0; // log C(α, 0)
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinom += Math.log((alpha - i + 1) / i);
    const logCoef = logBinom + i * logQ + (alpha - i) * log1mQ;
    logA = logAdd(logA, logCoef + (i * i - i) / (2 * sigma * sigma));
  }
  return logA;
}

/** Far more terms than any finite (q, σ, α) needs; only NaN input could get here. */
const MAX_SERIES_TERMS = 1_000_000;

/**
 * log A_α for fractional α (`_compute_log_a_frac`): A_α splits at z₀ = σ²·ln(1/q − 1) + ½ into two
 * series whose terms carry ½·erfc factors; summed until both terms fall below e⁻³⁰, as the reference
 * implementations do (Mironov, Talwar & Zhang 2019, §3.3). 0 < q < 1.
 */
export function computeLogAFrac(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const logQ = Math.log(q);
  const log1mQ = Math.log(1 - q);
  const sqrt2Sigma = Math.SQRT2 * sigma;
  let coef = 1; // generalized binomial C(α, i), computed by its product recurrence
  for (let i = 0; ; i++) {
    if (i > MAX_SERIES_TERMS) throw new Error(`RDP series did not converge for q = ${q}, sigma = ${sigma}, order = ${alpha}`);
    if (i > 0) coef *= (alpha - i + 1) / i;
    const logCoef = Math.log(Math.abs(coef));
    const j = alpha - i;
    const logT0 = logCoef + i * logQ + j * log1mQ;
    const logT1 = logCoef + j * logQ + i * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
    if (coef > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
  }
  return logAdd(logA0, logA1);
}

/** log A_α, choosing the integer or the fractional form like `_compute_log_a`. */
export function computeLogA(q: number, sigma: number, alpha: number): number {
  return Number.isInteger(alpha) ? computeLogAInt(q, sigma, alpha) : computeLogAFrac(q, sigma, alpha);
}

/** RDP of one step of the sampled Gaussian mechanism at order α (`_compute_rdp`). */
function rdpOfOneStep(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Infinity; // no noise, no privacy
  if (q === 1) return alpha / (2 * sigma * sigma); // the plain Gaussian mechanism (Mironov 2017, Prop. 7)
  if (alpha === Infinity) return Infinity;
  if (alpha === 1) throw new RangeError('order 1 (the KL divergence) has no closed form for the subsampled Gaussian: use orders above 1');
  return computeLogA(q, sigma, alpha) / (alpha - 1);
}

/**
 * Checks an order list once, so that each accountant function can name what is wrong. Orders are at
 * least 1 (α = 1 is the KL divergence; the conversions skip it) and may be ∞.
 */
export function assertOrders(orders: readonly number[]): void {
  if (orders.length === 0) throw new RangeError('orders must not be empty');
  for (const order of orders) {
    if (!(order >= 1)) throw new RangeError(`every RDP order must be at least 1, got ${order}`);
  }
}

/**
 * RDP of the Poisson-subsampled Gaussian mechanism iterated `steps` times, at each order: each step
 * samples every record independently with probability q and adds N(0, (σ·Δ₂)²) noise to a sum of
 * L2-sensitivity Δ₂ (σ = noise multiplier). Composition multiplies by `steps` (Mironov 2017,
 * Prop. 1). Same special cases as Opacus's `_compute_rdp`: q = 0 → 0, σ = 0 → ∞, q = 1 → α/(2σ²),
 * α = ∞ → ∞.
 *
 * @example computeRdp(0.01, 2.5, 50, [1.5, 2.5, 5]) // TF Privacy: ≈ [0.00065, 0.001085, 0.00218075]
 */
export function computeRdp(q: number, noiseMultiplier: number, steps: number, orders: readonly number[] = DEFAULT_RDP_ORDERS): number[] {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`sample rate q must be in [0, 1], got ${q}`);
  if (!(noiseMultiplier >= 0)) throw new RangeError(`noise multiplier must be non-negative, got ${noiseMultiplier}`);
  if (!(steps >= 0) || !Number.isFinite(steps)) throw new RangeError(`steps must be a non-negative finite number, got ${steps}`);
  assertOrders(orders);
  return orders.map((alpha) => (steps === 0 ? 0 : rdpOfOneStep(q, noiseMultiplier, alpha) * steps));
}
