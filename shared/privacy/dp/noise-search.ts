/**
 * @module shared/privacy/dp/noise-search
 * The smallest noise multiplier that keeps the Poisson-subsampled Gaussian mechanism within a
 * target (ε, δ): the same doubling-then-bisection search as Opacus's
 * `opacus.accountants.utils.get_noise_multiplier` (RDP accountant, default orders, ε tolerance 0.01),
 * so that the σ we pick for a DP-SGD run is the σ Opacus would pick.
 */
import { epsilonFromRdp, type ConversionMethod } from './conversion';
import { computeRdp, DEFAULT_RDP_ORDERS } from './rdp';

/** Opacus's `MAX_SIGMA`: the search gives up beyond this noise multiplier. */
export const MAX_NOISE_MULTIPLIER = 1e6;

/** Parameters of {@link noiseMultiplierFor}. */
export interface NoiseSearchOptions {
  /** The ε to stay at or below. */
  targetEpsilon: number;
  /** Poisson sampling probability q of each step, in (0, 1]. */
  sampleRate: number;
  /** Number of steps (an integer ≥ 1). */
  steps: number;
  /** δ of the guarantee, in (0, 1). */
  delta: number;
  /** Rényi orders. @default DEFAULT_RDP_ORDERS */
  orders?: readonly number[];
  /** Stop once ε is within this much below the target. @default 0.01 (Opacus's `epsilon_tolerance`) */
  tolerance?: number;
  /** RDP → (ε, δ) conversion. @default 'balle2020' */
  method?: ConversionMethod;
}

/** The noise multiplier found and the guarantee it gives. */
export interface NoiseSearchResult {
  /** σ: noise standard deviation divided by the L2 sensitivity (clipping norm). */
  noiseMultiplier: number;
  /** ε that σ gives: target − tolerance < ε ≤ target. */
  epsilon: number;
  /** The Rényi order behind that ε. */
  order: number;
}

/** Raised when no noise multiplier reaches the target: the message names every parameter. */
export class UnreachableEpsilonError extends Error {
  readonly code = 'EPSILON_UNREACHABLE';
}

function validate(o: NoiseSearchOptions): void {
  if (!(o.targetEpsilon > 0) || !Number.isFinite(o.targetEpsilon)) throw new RangeError(`targetEpsilon must be a positive finite number, got ${o.targetEpsilon}`);
  if (!(o.sampleRate > 0 && o.sampleRate <= 1)) throw new RangeError(`sampleRate must be in (0, 1], got ${o.sampleRate}`);
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError(`steps must be an integer of at least 1, got ${o.steps}`);
  if (!(o.delta > 0 && o.delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${o.delta}`);
  if (o.tolerance !== undefined && !(o.tolerance > 0)) throw new RangeError(`tolerance must be positive, got ${o.tolerance}`);
}

/**
 * The noise multiplier σ for `steps` steps of the sampled Gaussian mechanism at sample rate q that
 * gives ε ≤ `targetEpsilon` at `delta`, within `tolerance` below it. Like Opacus: σ_high doubles
 * from 20 until ε(σ_high) ≤ target, then bisection on [0, σ_high] keeps the upper end, so the result
 * never overshoots the target.
 *
 * @throws UnreachableEpsilonError when even σ → ∞ cannot reach the target (the orders' smallest
 *   possible ε at this δ is above it) or σ would exceed {@link MAX_NOISE_MULTIPLIER}.
 * @example noiseMultiplierFor({ targetEpsilon: 8, sampleRate: 0.04, steps: 2000, delta: 1e-5 })
 *   // Opacus's test_get_noise_multiplier_rdp_steps: σ ≈ 1.3562
 */
export function noiseMultiplierFor(o: NoiseSearchOptions): NoiseSearchResult {
  validate(o);
  const orders = o.orders ?? DEFAULT_RDP_ORDERS;
  const tolerance = o.tolerance ?? 0.01;
  const spent = (sigma: number) =>
    epsilonFromRdp(orders, computeRdp(o.sampleRate, sigma, o.steps, orders), o.delta, { method: o.method });
  const describe = `target epsilon ${o.targetEpsilon} with sample rate ${o.sampleRate}, ${o.steps} steps and delta ${o.delta}`;

  // As σ → ∞ the RDP curve goes to 0; what is left is the conversion's own cost at this δ.
  const floor = epsilonFromRdp(orders, orders.map(() => 0), o.delta, { method: o.method }).epsilon;
  if (o.targetEpsilon <= floor) {
    throw new UnreachableEpsilonError(
      `${describe} is unreachable: with these RDP orders (largest ${Math.max(...orders)}) no amount of noise gives epsilon below ${floor.toPrecision(4)} at this delta; raise the target, raise delta or add larger orders`,
    );
  }

  let sigmaLow = 0;
  let sigmaHigh = 10;
  let high = { epsilon: Infinity, order: NaN };
  while (high.epsilon > o.targetEpsilon) {
    sigmaHigh *= 2;
    if (sigmaHigh > MAX_NOISE_MULTIPLIER) {
      throw new UnreachableEpsilonError(`${describe} is unreachable: it would need a noise multiplier above ${MAX_NOISE_MULTIPLIER}`);
    }
    high = spent(sigmaHigh);
  }
  while (o.targetEpsilon - high.epsilon > tolerance) {
    const sigma = (sigmaLow + sigmaHigh) / 2;
    const mid = spent(sigma);
    if (mid.epsilon < o.targetEpsilon) {
      sigmaHigh = sigma;
      high = mid;
    } else {
      sigmaLow = sigma;
    }
  }
  return { noiseMultiplier: sigmaHigh, epsilon: high.epsilon, order: high.order };
}
