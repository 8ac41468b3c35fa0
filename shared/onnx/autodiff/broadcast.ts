/**
 * @module shared/onnx/autodiff/broadcast
 * Undoing numpy broadcasting in a backward graph: `reduceToShape` sums a gradient computed for
 * a broadcast result back to the shape of one operand.
 *
 * If `x` of shape `s` was broadcast to `S` (rank R ≥ r), its gradient is the output gradient
 * summed over the R − r leading axes and over every axis where `s` has size 1 and `S` does not.
 *
 * - **Static path.** When the build-time shapes decide every axis (sizes, or the same symbolic
 *   name on both sides), the axes are constants: `ReduceSum(keepdims = 1)` then `Squeeze` of the
 *   leading axes; nothing at all when the shapes already match.
 * - **Runtime path.** Otherwise the axes are computed in the graph from `Shape` nodes:
 *   `padded = Pad(Shape(x), [R − r, 0], 1)` (x's shape left-padded with ones to rank R),
 *   `axes = Reshape(NonZero(padded == 1), [-1])`, `ReduceSum(grad, axes, keepdims = 1,
 *   noop_with_empty_axes = 1)` (an empty axes list is then a no-op, not "reduce everything"),
 *   and a final `Reshape` to `Shape(x)` that drops the leading ones. Summing an axis where both
 *   sides are 1 is harmless, so the mask needs only x's padded shape.
 */
import type { GraphBuilder, Value } from '../graph';
import { concat, constInt64, reduceSum, reshape, shapeOf, squeeze, sub } from '../ops';
import { equal, nonZero, pad, reduceSumAxes } from './extra-ops';
import type { StaticShape } from './shapes';

/** What {@link reduceToShape} needs from its caller. */
export interface ReduceEnv {
  readonly g: GraphBuilder;
  /** The runtime shape of a value (a cached `Shape` node). */
  shapeOf(value: Value): Value;
}

/**
 * The constant reduction that maps a gradient of static shape `gradShape` to `inputShape`, or
 * `null` when some axis can only be decided at run time.
 *
 * @returns `sumAxes` (axes of the gradient to sum with keepdims) and `lead` (leading axes to squeeze).
 */
export function staticReducePlan(
  inputShape: StaticShape | undefined,
  gradShape: StaticShape | undefined,
): { sumAxes: number[]; lead: number } | null {
  if (!inputShape || !gradShape || gradShape.length < inputShape.length) return null;
  const lead = gradShape.length - inputShape.length;
  const sumAxes = Array.from({ length: lead }, (_, i) => i);
  for (let i = 0; i < inputShape.length; i++) {
    const din = inputShape[i];
    const dout = gradShape[lead + i];
    if (dout === 1) continue; // then din is 1 as well
    if (din === 1) sumAxes.push(lead + i);
    else if (typeof din === 'number' || (din !== null && din === dout)) continue; // broadcasting only grows dims of 1
    else return null; // a symbolic or unknown input dim facing another dim may be 1 at run time
  }
  return { sumAxes, lead };
}

/**
 * Sums `grad` (the gradient of a broadcast result, static shape `gradShape` when known) down to
 * the shape of `input` (static shape `inputShape` when known).
 *
 * @example
 * // y = a + b with a [2,3,4], b [4]: the gradient of b is reduceToShape(env, gy, [2,3,4], b, [4]).
 */
export function reduceToShape(
  env: ReduceEnv,
  grad: Value,
  gradShape: StaticShape | undefined,
  input: Value,
  inputShape: StaticShape | undefined,
): Value {
  const { g } = env;
  const plan = staticReducePlan(inputShape, gradShape);
  if (plan) {
    let out = grad;
    if (plan.sumAxes.length) out = reduceSum(g, out, plan.sumAxes, true);
    if (plan.lead) out = squeeze(g, out, Array.from({ length: plan.lead }, (_, i) => i));
    return out;
  }
  const inputShapeValue = env.shapeOf(input);
  // Rank gap as a 1-D [R − r]: Shape of a shape vector is its length (no Size → Range, which
  // ONNX Runtime's shape inference mis-propagates).
  const rankGap = sub(g, shapeOf(g, shapeOf(g, grad)), shapeOf(g, inputShapeValue));
  const padded = pad(g, inputShapeValue, concat(g, [rankGap, constInt64(g, [0])], 0), constInt64(g, [1], []));
  const axes = reshape(g, nonZero(g, equal(g, padded, constInt64(g, [1], []))), [-1]);
  return reshape(g, reduceSumAxes(g, grad, axes, true, true), inputShapeValue);
}
