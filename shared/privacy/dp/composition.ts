/**
 * @module shared/privacy/dp/composition
 * Heterogeneous composition in Rényi DP. Every charge to a user's ledger is stored as an
 * {@link RdpCurve} (its ε(α) at fixed orders); the curves of all charges add up order by order
 * (Mironov 2017, "Rényi differential privacy", Prop. 1), and only the sum is turned into (ε, δ).
 * Converting each charge to (ε, δ) first and adding the ε's would be far looser.
 */
import { epsilonFromRdp, type ConversionOptions, type PrivacySpent } from './conversion';
import { gaussianRdp } from './mechanisms';
import { assertOrders, computeRdp, DEFAULT_RDP_ORDERS } from './rdp';
import { logAdd } from './log-math';

/** A Rényi-DP guarantee: ε(α) = `epsilons[i]` at order α = `orders[i]`. JSON-serializable. */
export interface RdpCurve {
  readonly orders: readonly number[];
  readonly epsilons: readonly number[];
}

/** Orders shared by the curve builders. */
export interface OrdersOption {
  /** Rényi orders, each ≥ 1 (∞ allowed). @default DEFAULT_RDP_ORDERS (Opacus's) */
  orders?: readonly number[];
}

/** A curve from explicit values, after checking them. */
export function rdpCurve(orders: readonly number[], epsilons: readonly number[]): RdpCurve {
  assertOrders(orders);
  if (orders.length !== epsilons.length) throw new RangeError(`orders and epsilons must have the same length, got ${orders.length} and ${epsilons.length}`);
  for (const e of epsilons) if (!(e >= 0)) throw new RangeError(`RDP values must be non-negative, got ${e}`);
  return { orders: [...orders], epsilons: [...epsilons] };
}

/** The curve of no release at all (ε(α) = 0): the identity of {@link composeRdp}. */
export function zeroRdpCurve(orders: readonly number[] = DEFAULT_RDP_ORDERS): RdpCurve {
  return rdpCurve(orders, orders.map(() => 0));
}

function sameOrders(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((order, i) => order === b[i]);
}

/**
 * The RDP of running all the mechanisms behind `curves` on the same data: the order-wise sum.
 * @throws RangeError when the list is empty or the curves are not over the same orders.
 * @example composeRdp([dpSgdCharge, histogramCharge]).epsilons
 */
export function composeRdp(curves: readonly RdpCurve[]): RdpCurve {
  if (curves.length === 0) throw new RangeError('composeRdp needs at least one curve');
  const orders = curves[0].orders;
  const sum = orders.map(() => 0);
  for (const curve of curves) {
    if (!sameOrders(curve.orders, orders)) throw new RangeError('composeRdp: every curve must be over the same orders');
    for (let i = 0; i < sum.length; i++) sum[i] += curve.epsilons[i];
  }
  return { orders: [...orders], epsilons: sum };
}

/** The (ε, δ) guarantee of a curve (Balle et al. 2020 by default; see `./conversion`). */
export function curveEpsilon(curve: RdpCurve, delta: number, options: ConversionOptions = {}): PrivacySpent {
  return epsilonFromRdp(curve.orders, curve.epsilons, delta, options);
}

/**
 * `steps` steps of the Poisson-subsampled Gaussian mechanism (DP-SGD): sample rate q, noise
 * multiplier σ (noise std / L2 sensitivity). See {@link computeRdp}.
 */
export function subsampledGaussianCurve(o: { sampleRate: number; noiseMultiplier: number; steps: number } & OrdersOption): RdpCurve {
  const orders = o.orders ?? DEFAULT_RDP_ORDERS;
  return rdpCurve(orders, computeRdp(o.sampleRate, o.noiseMultiplier, o.steps, orders));
}

/**
 * `count` releases of the Gaussian mechanism with noise std σ on statistics of L2 sensitivity Δ₂:
 * ε(α) = count·α·Δ₂²/(2σ²) (Mironov 2017, Prop. 7).
 */
export function gaussianCurve(o: { sigma: number; sensitivity?: number; count?: number } & OrdersOption): RdpCurve {
  const orders = o.orders ?? DEFAULT_RDP_ORDERS;
  const count = o.count ?? 1;
  if (!(count >= 0)) throw new RangeError(`count must be non-negative, got ${count}`);
  assertOrders(orders);
  return rdpCurve(orders, orders.map((order) => count * gaussianRdp({ order, sigma: o.sigma, sensitivity: o.sensitivity ?? 1 })));
}

/**
 * RDP of the Laplace mechanism with scale b on a statistic of L1 sensitivity Δ₁, at order α > 1
 * (Mironov 2017, Prop. 6, with λ = b/Δ₁):
 * ε(α) = 1/(α−1) · log( α/(2α−1)·e^((α−1)/λ) + (α−1)/(2α−1)·e^(−α/λ) ); at α = 1 the KL
 * divergence 1/λ + e^(−1/λ) − 1, at α = ∞ the pure-DP 1/λ. In log space, so large α/λ does not
 * overflow.
 */
export function laplaceRdp({ order, scale, sensitivity = 1 }: { order: number; scale: number; sensitivity?: number }): number {
  if (!(order >= 1)) throw new RangeError(`order must be at least 1, got ${order}`);
  if (!(scale > 0)) throw new RangeError(`scale must be positive, got ${scale}`);
  if (!(sensitivity >= 0) || !Number.isFinite(sensitivity)) throw new RangeError(`sensitivity must be a non-negative finite number, got ${sensitivity}`);
  if (sensitivity === 0) return 0;
  const lambda = scale / sensitivity;
  if (order === Infinity) return 1 / lambda;
  if (order === 1) return 1 / lambda + Math.expm1(-1 / lambda);
  const a = order;
  const value = logAdd(Math.log(a / (2 * a - 1)) + (a - 1) / lambda, Math.log((a - 1) / (2 * a - 1)) - a / lambda) / (a - 1);
  return Math.min(value, 1 / lambda); // RDP never exceeds the pure-DP ε; trims rounding above it
}

/** `count` releases of the Laplace mechanism (scale b, L1 sensitivity Δ₁) as an RDP curve. */
export function laplaceCurve(o: { scale: number; sensitivity?: number; count?: number } & OrdersOption): RdpCurve {
  const orders = o.orders ?? DEFAULT_RDP_ORDERS;
  const count = o.count ?? 1;
  if (!(count >= 0)) throw new RangeError(`count must be non-negative, got ${count}`);
  assertOrders(orders);
  return rdpCurve(orders, orders.map((order) => count * laplaceRdp({ order, scale: o.scale, sensitivity: o.sensitivity ?? 1 })));
}

/**
 * A pure ε-DP release (the snapping mechanism, discrete Laplace, any ε-DP algorithm) as an RDP
 * curve: ε(α) = min(ε, α·ε²/2). ε-DP is (∞, ε)-RDP and RDP is non-decreasing in α (Mironov 2017),
 * and ε-DP implies ½ε²-zCDP, i.e. ε(α) ≤ α·ε²/2 (Bun & Steinke 2016, "Concentrated differential
 * privacy: simplifications, extensions, and lower bounds", Prop. 3.3). For the continuous Laplace
 * mechanism {@link laplaceCurve} is tighter.
 */
export function pureDpCurve(o: { epsilon: number; count?: number } & OrdersOption): RdpCurve {
  const orders = o.orders ?? DEFAULT_RDP_ORDERS;
  const count = o.count ?? 1;
  const e = o.epsilon;
  if (!(e >= 0) || !Number.isFinite(e)) throw new RangeError(`epsilon must be a non-negative finite number, got ${e}`);
  if (!(count >= 0)) throw new RangeError(`count must be non-negative, got ${count}`);
  assertOrders(orders);
  return rdpCurve(orders, orders.map((order) => count * Math.min(e, (order * e * e) / 2)));
}
