/**
 * @module shared/onnx/autodiff/rules-shape
 * Vector-Jacobian rules of ops that move elements without changing them: Transpose, Reshape,
 * Flatten, Squeeze, Unsqueeze, Expand, Concat, Split and Slice.
 *
 * Shapes come from `Shape` nodes on forward values unless they are known at build time, so the
 * rules work with the symbolic batch and sequence dims of the compiler's graphs.
 */
import { ElemType, type Value } from '../graph';
import { add, cast, concat, constInt64, gather, mul, range, reshape, shapeOf, squeeze, sub, transpose, where } from '../ops';
import type { VjpContext, VjpRule } from './context';
import { constantOfShape, int64OfShape, less, max, min, pad, reverseAxes, scatterElements, splitSizes } from './extra-ops';
import { sliceLength } from './shapes';

/** Reshape the gradient back to the input's runtime shape. */
const reshapeBack: VjpRule = (ctx) => [reshape(ctx.g, ctx.grad, ctx.shapeOf(ctx.input(0))), null];

const transposeRule: VjpRule = (ctx) => {
  const perm = ctx.ints('perm');
  if (!perm) return [reverseAxes(ctx.g, ctx.grad)]; // reversing twice is the identity
  const inverse = perm.map(() => 0);
  perm.forEach((p, i) => (inverse[p] = i));
  return [transpose(ctx.g, ctx.grad, inverse)];
};

/** Concat: the gradient is split back by each input's size along the axis. */
const concatRule: VjpRule = (ctx) => {
  const { g, node } = ctx;
  const axis = ctx.int('axis', 0);
  const inputs = node.inputs.map((_, i) => ctx.input(i));
  const known = inputs.map((x) => {
    const s = ctx.staticShape(x);
    return s ? s[axis < 0 ? axis + s.length : axis] : null;
  });
  const sizes = known.every((d) => typeof d === 'number')
    ? constInt64(g, known as number[])
    : concat(g, inputs.map((x) => gather(g, ctx.shapeOf(x), constInt64(g, [axis]))), 0);
  const parts = splitSizes(g, ctx.grad, sizes, axis, inputs.length);
  return parts.map((p, i) => (ctx.needs[i] ? p : null));
};

/** Split: the outputs' gradients concatenated, zeros standing in for outputs nothing used. */
const splitRule: VjpRule = (ctx) => {
  const { g, node } = ctx;
  const parts = node.outputs.map((_, j) => ctx.outputGrads[j] ?? constantOfShape(g, ctx.shapeOf(ctx.output(j))));
  return [concat(g, parts, ctx.int('axis', 0)), null];
};

/**
 * Slice (step 1): the gradient padded with zeros back to the input's shape. Pads are constants
 * when the sliced dims and bounds are known; otherwise they are computed from `Shape(x)` with
 * ONNX's clamping rules (negative starts count from the end; huge ends clamp to the dim).
 */
const sliceRule: VjpRule = (ctx) => {
  if (ctx.hasInput(4)) {
    const steps = ctx.constInts(4);
    if (!steps) return ctx.fail('needs constant steps');
    if (steps.some((s) => s !== 1)) ctx.fail(`supports step 1 only, got steps [${steps}]`);
  }
  const pads = staticSlicePads(ctx) ?? runtimeSlicePads(ctx);
  return [pad(ctx.g, ctx.grad, pads), null, null, null, null];
};

function staticSlicePads(ctx: VjpContext): Value | null {
  const shape = ctx.staticShape(ctx.input(0));
  const starts = ctx.constInts(1);
  const ends = ctx.constInts(2);
  const axes = ctx.hasInput(3) ? ctx.constInts(3) : starts?.map((_, i) => i);
  if (!shape || !starts || !ends || !axes) return null;
  const rank = shape.length;
  const pads = Array<number>(2 * rank).fill(0);
  for (let k = 0; k < axes.length; k++) {
    const axis = axes[k] < 0 ? axes[k] + rank : axes[k];
    const dim = shape[axis];
    if (typeof dim !== 'number') return null;
    const start = Math.min(Math.max(starts[k] < 0 ? starts[k] + dim : starts[k], 0), dim);
    pads[axis] = start;
    pads[rank + axis] = dim - start - sliceLength(dim, starts[k], ends[k], 1);
  }
  return constInt64(ctx.g, pads);
}

function runtimeSlicePads(ctx: VjpContext): Value {
  const { g } = ctx;
  const i64 = (v: Value) => cast(g, v, ElemType.INT64);
  const zero = constInt64(g, [0], []);
  const xShape = ctx.shapeOf(ctx.input(0));
  const rank = shapeOf(g, xShape); // [r]
  const starts = i64(ctx.input(1));
  const count = squeeze(g, shapeOf(g, starts), [0]);
  const rawAxes = ctx.hasInput(3) ? i64(ctx.input(3)) : range(g, zero, count, constInt64(g, [1], []));
  const axes = where(g, less(g, rawAxes, zero), add(g, rawAxes, rank), rawAxes);
  const dims = gather(g, xShape, axes);
  const clampToDim = (v: Value) => max(g, min(g, where(g, less(g, v, zero), add(g, v, dims), v), dims), zero);
  const begin = clampToDim(starts);
  const length = max(g, sub(g, clampToDim(i64(ctx.input(2))), begin), zero);
  const after = sub(g, sub(g, dims, begin), length);
  const zeros = int64OfShape(g, mul(g, rank, constInt64(g, [2])), 0);
  return scatterElements(g, zeros, concat(g, [axes, add(g, axes, rank)], 0), concat(g, [begin, after], 0), 0);
}

/** Rules of shape ops, by op type. */
export const shapeRules: Record<string, VjpRule> = {
  Reshape: reshapeBack,
  Flatten: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: transposeRule,
  Expand: (ctx) => [ctx.reduceToInput(ctx.grad, 0), null],
  Concat: concatRule,
  Split: splitRule,
  Slice: sliceRule,
};
