/**
 * @module shared/onnx/autodiff/rules-reduce
 * Vector-Jacobian rules of reductions (ReduceSum, ReduceMean, ReduceMax) and of Softmax and
 * LogSoftmax along one axis (opset 13+ semantics: the axis alone is normalized).
 *
 * A reduction's gradient is the output gradient put back to rank (Unsqueeze over the reduced
 * axes when keepdims = 0) and broadcast to the input's shape with Expand.
 */
import type { Value } from '../graph';
import { div, exp, expand, mul, reduceSum, sub, unsqueeze } from '../ops';
import type { VjpContext, VjpRule } from './context';
import { equal, size, unsqueezeAxes } from './extra-ops';
import { StaticShapes } from './shapes';

/** The reduced axes: the `axes` attribute (opset ≤ 17), a constant or runtime axes input, or all axes. */
function reducedAxes(ctx: VjpContext): number[] | Value {
  const attr = ctx.ints('axes');
  if (attr) return attr;
  if (!ctx.hasInput(1)) return [];
  return ctx.constInts(1) ?? ctx.input(1);
}

/** The output gradient with the reduced axes restored as size 1 (a no-op when keepdims = 1). */
function keptGrad(ctx: VjpContext, value: Value, axes: number[] | Value): Value {
  if (ctx.int('keepdims', 1) === 1) return value;
  if (Array.isArray(axes)) return axes.length ? unsqueeze(ctx.g, value, axes) : value; // all axes → scalar broadcasts
  return unsqueezeAxes(ctx.g, value, axes);
}

/** True when the node reduces nothing (empty axes with noop_with_empty_axes = 1). */
function isNoop(ctx: VjpContext, axes: number[] | Value): boolean {
  return Array.isArray(axes) && axes.length === 0 && ctx.int('noop_with_empty_axes', 0) === 1;
}

const reduceSumRule: VjpRule = (ctx) => {
  const axes = reducedAxes(ctx);
  if (isNoop(ctx, axes)) return [ctx.grad];
  return [expand(ctx.g, keptGrad(ctx, ctx.grad, axes), ctx.shapeOf(ctx.input(0))), null];
};

/** Mean = sum / count: count is a constant when the reduced dims are known, else |x| / |y| at run time. */
const reduceMeanRule: VjpRule = (ctx) => {
  const { g } = ctx;
  const axes = reducedAxes(ctx);
  if (isNoop(ctx, axes)) return [ctx.grad];
  const x = ctx.input(0);
  const sx = ctx.staticShape(x);
  const reduced = sx && Array.isArray(axes) ? (axes.length ? axes.map((ax) => sx[ax < 0 ? ax + sx.length : ax]) : sx) : undefined;
  const ratio = StaticShapes.isNumeric(reduced)
    ? ctx.constLike(1 / reduced.reduce((p, d) => p * d, 1), x)
    : div(g, ctx.castAs(size(g, ctx.output()), x), ctx.castAs(size(g, x), x));
  const scaled = mul(g, keptGrad(ctx, ctx.grad, axes), ratio);
  return [expand(g, scaled, ctx.shapeOf(x)), null];
};

/** The gradient goes to the maxima, split evenly between ties (as PyTorch's amax does). */
const reduceMaxRule: VjpRule = (ctx) => {
  const { g } = ctx;
  const axes = reducedAxes(ctx);
  if (isNoop(ctx, axes)) return [ctx.grad];
  const x = ctx.input(0);
  const mask = ctx.castAs(equal(g, x, keptGrad(ctx, ctx.output(), axes)), x);
  const count = Array.isArray(axes) ? reduceSum(g, mask, axes, true) : g.node('ReduceSum', [mask, axes], { keepdims: 1 })[0];
  return [mul(g, mask, div(g, keptGrad(ctx, ctx.grad, axes), count)), null];
};

/** y = softmax(x): dx = y · (g − Σ g·y) along the axis. */
const softmaxRule: VjpRule = (ctx) => {
  const { g, grad } = ctx;
  const y = ctx.output();
  const axis = ctx.int('axis', -1);
  return [mul(g, y, sub(g, grad, reduceSum(g, mul(g, grad, y), [axis], true)))];
};

/** y = log softmax(x): dx = g − exp(y) · Σ g along the axis. */
const logSoftmaxRule: VjpRule = (ctx) => {
  const { g, grad } = ctx;
  const axis = ctx.int('axis', -1);
  return [sub(g, grad, mul(g, exp(g, ctx.output()), reduceSum(g, grad, [axis], true)))];
};

/** Rules of reductions and softmax, by op type. */
export const reduceRules: Record<string, VjpRule> = {
  ReduceSum: reduceSumRule,
  ReduceMean: reduceMeanRule,
  ReduceMax: reduceMaxRule,
  Softmax: softmaxRule,
  LogSoftmax: logSoftmaxRule,
};
