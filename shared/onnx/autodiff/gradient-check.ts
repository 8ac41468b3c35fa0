/**
 * @module shared/onnx/autodiff/gradient-check
 * Finite-difference checks of analytic gradients, runtime-neutral: the caller supplies the
 * function that evaluates the loss (an ONNX session in Node, anything else elsewhere).
 *
 * The numeric derivative is the central difference (f(x + h·eᵢ) − f(x − h·eᵢ)) / (x₊ − x₋),
 * where x₊ and x₋ are the float32 values actually fed (so rounding of x ± h does not bias it),
 * accumulated in float64. Error: ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂, 1e-6) over the sampled coordinates,
 * a norm-based relative error that tolerates individual near-zero entries.
 */
import type { SeededRng } from '../../random/seeded-rng';

/** Evaluates the scalar loss at a perturbed copy of the parameter. */
export type LossFunction = (x: Float32Array) => number | Promise<number>;

/** Options for {@link gradientCheck}. */
export interface GradientCheckOptions {
  /** Evaluates the loss for a given value of the parameter. */
  evaluate: LossFunction;
  /** The parameter's value (left unchanged). */
  x: Float32Array;
  /** The analytic gradient, same length as `x`. */
  analytic: ArrayLike<number>;
  /** Coordinates to check. @default `count` coordinates drawn with `rng` (all when `x` is small) */
  indices?: number[];
  /** How many coordinates to sample when `indices` is not given. @default 8 */
  count?: number;
  /** Generator for the sample; required when `indices` is not given. */
  rng?: SeededRng;
  /** Step of the central difference. @default 5e-3 */
  h?: number;
}

/** What {@link gradientCheck} found. */
export interface GradientCheckResult {
  /** ‖a − n‖ / max(‖a‖, ‖n‖, 1e-6) over the checked coordinates. */
  readonly relativeError: number;
  readonly maxAbsError: number;
  readonly indices: number[];
  readonly analytic: Float64Array;
  readonly numeric: Float64Array;
}

/** Norm-based relative error ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂, 1e-6), in float64. */
export function relativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  if (analytic.length !== numeric.length) throw new RangeError(`relativeError: lengths ${analytic.length} and ${numeric.length} differ`);
  let diff = 0;
  let na = 0;
  let nn = 0;
  for (let i = 0; i < analytic.length; i++) {
    diff += (analytic[i] - numeric[i]) ** 2;
    na += analytic[i] ** 2;
    nn += numeric[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nn), 1e-6);
}

/** `count` distinct indices in [0, size), sorted; all of them when `size ≤ count`. */
export function sampleIndices(rng: SeededRng, size: number, count: number): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(rng.next() * size));
  return [...chosen].sort((a, b) => a - b);
}

/** Central differences of `evaluate` at `x` along each of `indices`, in float64. */
export async function centralDifferences(evaluate: LossFunction, x: Float32Array, indices: number[], h: number): Promise<Float64Array> {
  const out = new Float64Array(indices.length);
  const probe = Float32Array.from(x);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const plus = Math.fround(x[i] + h);
    const minus = Math.fround(x[i] - h);
    probe[i] = plus;
    const fPlus = await evaluate(probe);
    probe[i] = minus;
    const fMinus = await evaluate(probe);
    probe[i] = x[i];
    out[k] = (fPlus - fMinus) / (plus - minus);
  }
  return out;
}

/**
 * Compares an analytic gradient with central differences on a sample of coordinates.
 *
 * @example
 * const r = await gradientCheck({ evaluate: (w) => lossAt(w), x: w0, analytic: gradW, rng, count: 8 });
 * expect(r.relativeError).toBeLessThan(1e-3);
 */
export async function gradientCheck(options: GradientCheckOptions): Promise<GradientCheckResult> {
  const { x, analytic } = options;
  if (analytic.length !== x.length) throw new RangeError(`gradientCheck: gradient has ${analytic.length} entries, x has ${x.length}`);
  let indices = options.indices;
  if (!indices) {
    if (!options.rng) throw new Error('gradientCheck: rng is required when indices is not given');
    indices = sampleIndices(options.rng, x.length, options.count ?? 8);
  }
  const numeric = await centralDifferences(options.evaluate, x, indices, options.h ?? 5e-3);
  const picked = Float64Array.from(indices, (i) => analytic[i]);
  let maxAbsError = 0;
  picked.forEach((a, k) => (maxAbsError = Math.max(maxAbsError, Math.abs(a - numeric[k]))));
  return { relativeError: relativeError(picked, numeric), maxAbsError, indices, analytic: picked, numeric };
}
