/**
 * @module shared/privacy/dp/snapping
 * Mironov's snapping mechanism (Mironov 2012, "On significance of the least significant bits for
 * differential privacy", CCS, §5.2): a floating-point-safe replacement for the Laplace mechanism on
 * a bounded real-valued statistic. With the statistic scaled to sensitivity 1 and λ = 1/ε:
 *
 *   output = clamp_B( round_Λ( clamp_B(f(D)) ⊕ S ⊗ λ ⊗ ln(U*) ) )
 *
 * where U* is uniform on (0, 1) rounded to the nearest double, S a random sign, Λ the smallest power
 * of 2 ≥ λ and round_Λ rounds to the nearest multiple of Λ. Mironov proves it
 * (1/λ + 2⁻⁴⁹·B/λ)-DP for λ < B < 2⁴⁶·λ.
 *
 * Remaining gap, stated plainly: the proof assumes a correctly rounded natural logarithm (as in
 * crlibm). ECMAScript's `Math.log` is accurate to about 1 ulp but not guaranteed correctly rounded,
 * so the guarantee here rests on that approximation. For integer-valued statistics prefer the exact
 * samplers of `./discrete`, which need no floating point at all.
 */
import { secureRandom, type SecureRandom } from './secure-random';

/** Parameters of the snapping mechanism. */
export interface SnappingOptions {
  /** Target ε (the ε of the Laplace mechanism it replaces). */
  epsilon: number;
  /** L1 sensitivity of the statistic. @default 1 */
  sensitivity?: number;
  /** Outputs (and inputs) are clamped to [−bound, bound], in the statistic's own units. */
  bound: number;
}

/** Validated parameters in sensitivity-1 units. */
function unitParameters(o: SnappingOptions): { lambda: number; unitBound: number; sensitivity: number } {
  const sensitivity = o.sensitivity ?? 1;
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon)) throw new RangeError(`epsilon must be a positive finite number, got ${o.epsilon}`);
  if (!(sensitivity > 0) || !Number.isFinite(sensitivity)) throw new RangeError(`sensitivity must be a positive finite number, got ${sensitivity}`);
  const lambda = 1 / o.epsilon;
  const unitBound = o.bound / sensitivity;
  if (!(unitBound > lambda && unitBound < 2 ** 46 * lambda)) {
    throw new RangeError(`bound must lie strictly between sensitivity/epsilon and 2^46·sensitivity/epsilon (${sensitivity * lambda} and ${2 ** 46 * sensitivity * lambda}), got ${o.bound}`);
  }
  return { lambda, unitBound, sensitivity };
}

/** The smallest power of two ≥ x (x > 0 normal). */
function powerOfTwoAtLeast(x: number): number {
  let p = 2 ** Math.ceil(Math.log2(x));
  while (p < x) p *= 2; // Math.log2 may round either way near a power of two
  while (p / 2 >= x) p /= 2;
  return p;
}

function clamp(x: number, bound: number): number {
  return Math.min(bound, Math.max(-bound, x));
}

/**
 * The ε the snapping mechanism actually guarantees for these options: ε + 2⁻⁴⁹·(B/Δ)·ε
 * (Mironov 2012, §5.2, with λ = 1/ε), slightly above the nominal ε.
 */
export function snappingEpsilon(o: SnappingOptions): number {
  const { lambda, unitBound } = unitParameters(o);
  return 1 / lambda + (2 ** -49 * unitBound) / lambda;
}

/**
 * Releases `value` through the snapping mechanism: Laplace-like noise of scale Δ/ε, output rounded
 * to a multiple of the power of two Λ·Δ and clamped to [−bound, bound]. Charge
 * {@link snappingEpsilon} to the ledger (e.g. through `pureDpCurve`).
 *
 * @example snappingMechanism(meanRating, { epsilon: 0.1, sensitivity: 5 / n, bound: 5 })
 */
export function snappingMechanism(value: number, o: SnappingOptions, random: SecureRandom = secureRandom): number {
  if (!Number.isFinite(value)) throw new RangeError(`value must be finite, got ${value}`);
  const { lambda, unitBound, sensitivity } = unitParameters(o);
  const snap = powerOfTwoAtLeast(lambda);
  const u = random.uniformFullPrecision();
  const noise = (random.bit() === 1 ? lambda : -lambda) * Math.log(u);
  const noisy = clamp(value / sensitivity, unitBound) + noise;
  const snapped = Math.round(noisy / snap) * snap; // exact: dividing and multiplying by a power of two
  return clamp(snapped, unitBound) * sensitivity;
}
