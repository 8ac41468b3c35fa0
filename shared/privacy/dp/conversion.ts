/**
 * @module shared/privacy/dp/conversion
 * From a Rényi-DP curve to an (ε, δ) guarantee: the smallest ε over the available orders.
 *
 * - `balle2020` (default, as Opacus's `get_privacy_spent` and Google's `dp_accounting`):
 *   ε = ε(α) − (log δ + log α)/(α − 1) + log((α − 1)/α)
 *   (Balle, Barthe, Gaboardi, Hsu & Sato 2020, "Hypothesis testing interpretations and Rényi
 *   differential privacy", AISTATS, Theorem 21; the same bound is Canonne, Kamath & Steinke 2020,
 *   Prop. 12).
 * - `mironov2017` (the older, looser bound of TF Privacy's first `rdp_accountant.py`):
 *   ε = ε(α) + log(1/δ)/(α − 1) (Mironov 2017, "Rényi differential privacy", Prop. 3).
 */
import { assertOrders } from './rdp';

/** How RDP is turned into (ε, δ)-DP. */
export type ConversionMethod = 'balle2020' | 'mironov2017';

/** Options of {@link epsilonFromRdp}. */
export interface ConversionOptions {
  /** The RDP → (ε, δ) bound. @default 'balle2020' */
  method?: ConversionMethod;
}

/** An (ε, δ) guarantee and the Rényi order that gave it. */
export interface PrivacySpent {
  /** The smallest ε over the orders; ∞ when the curve is infinite everywhere. Never negative. */
  epsilon: number;
  /** The order α where ε is smallest; NaN when no order gives a finite ε. */
  order: number;
  /**
   * True when that order is the first or last of the list: a wider list of orders might give a
   * smaller ε (Opacus warns in this case).
   */
  orderAtEdge: boolean;
}

function epsilonAtOrder(method: ConversionMethod, alpha: number, rdp: number, logDelta: number): number {
  if (method === 'mironov2017') return rdp - logDelta / (alpha - 1);
  return rdp - (logDelta + Math.log(alpha)) / (alpha - 1) + Math.log((alpha - 1) / alpha);
}

/**
 * The (ε, δ)-DP guarantee implied by RDP values `rdp[i]` at `orders[i]`, minimized over the orders
 * (orders with a NaN bound, e.g. α = ∞, are skipped like numpy's `nanargmin`). Negative bounds,
 * possible only for δ near 1, are reported as 0.
 *
 * @example epsilonFromRdp(orders, composeRdp(charges).epsilons, 1e-6).epsilon
 */
export function epsilonFromRdp(orders: readonly number[], rdp: readonly number[], delta: number, options: ConversionOptions = {}): PrivacySpent {
  const method = options.method ?? 'balle2020';
  if (method !== 'balle2020' && method !== 'mironov2017') throw new RangeError(`method must be 'balle2020' or 'mironov2017', got '${String(method)}'`);
  if (orders.length !== rdp.length) throw new RangeError(`orders and rdp must have the same length, got ${orders.length} and ${rdp.length}`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
  assertOrders(orders);
  const logDelta = Math.log(delta);
  let best = NaN;
  let bestIndex = -1;
  for (let i = 0; i < orders.length; i++) {
    if (!(rdp[i] >= 0)) throw new RangeError(`RDP values must be non-negative, got ${rdp[i]} at order ${orders[i]}`);
    const epsilon = epsilonAtOrder(method, orders[i], rdp[i], logDelta);
    if (Number.isNaN(epsilon)) continue;
    if (bestIndex < 0 || epsilon < best) {
      best = epsilon;
      bestIndex = i;
    }
  }
  if (bestIndex < 0) return { epsilon: Infinity, order: NaN, orderAtEdge: false };
  return {
    epsilon: Math.max(0, best),
    order: best === Infinity ? NaN : orders[bestIndex],
    orderAtEdge: best !== Infinity && orders.length > 1 && (bestIndex === 0 || bestIndex === orders.length - 1),
  };
}
