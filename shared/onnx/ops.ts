/**
 * @module shared/onnx/ops
 * One small helper per ONNX operator used by Attune's graphs (opset 17 semantics).
 *
 * Each helper appends one node to a {@link GraphBuilder} and returns its output value(s).
 * Constants (axes, shapes, scalars) become initializers shared by value.
 */
import { ElemType, floatAttr, GraphBuilder, type Value } from './graph';

const constantCache = new WeakMap<GraphBuilder, Map<string, Value>>();

function cachedConstant(g: GraphBuilder, key: string, make: () => Value): Value {
  let cache = constantCache.get(g);
  if (!cache) constantCache.set(g, (cache = new Map()));
  let value = cache.get(key);
  if (!value) cache.set(key, (value = make()));
  return value;
}

/** An int64 constant; `dims` defaults to a 1-D tensor (`[]` gives a scalar). */
export function constInt64(g: GraphBuilder, values: number[], dims: number[] = [values.length]): Value {
  return cachedConstant(g, `i64:${dims}:${values}`, () =>
    g.initializer(g.fresh('const_i64'), ElemType.INT64, dims, BigInt64Array.from(values.map(BigInt))),
  );
}

/** A float32 constant; `dims` defaults to a scalar. */
export function constFloat(g: GraphBuilder, values: number[], dims: number[] = []): Value {
  return cachedConstant(g, `f32:${dims}:${values}`, () =>
    g.initializer(g.fresh('const_f32'), ElemType.FLOAT, dims, Float32Array.from(values)),
  );
}

const one = (g: GraphBuilder, op: string, inputs: Array<Value | null>, attrs = {}): Value => g.node(op, inputs, attrs)[0];

// ── elementwise arithmetic (numpy broadcasting) ──
export const add = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Add', [a, b]);
export const sub = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Sub', [a, b]);
export const mul = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Mul', [a, b]);
export const div = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Div', [a, b]);
export const pow = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Pow', [a, b]);
export const neg = (g: GraphBuilder, x: Value) => one(g, 'Neg', [x]);
export const sqrt = (g: GraphBuilder, x: Value) => one(g, 'Sqrt', [x]);
export const reciprocal = (g: GraphBuilder, x: Value) => one(g, 'Reciprocal', [x]);
export const exp = (g: GraphBuilder, x: Value) => one(g, 'Exp', [x]);
export const log = (g: GraphBuilder, x: Value) => one(g, 'Log', [x]);
export const tanh = (g: GraphBuilder, x: Value) => one(g, 'Tanh', [x]);
export const sigmoid = (g: GraphBuilder, x: Value) => one(g, 'Sigmoid', [x]);
export const cos = (g: GraphBuilder, x: Value) => one(g, 'Cos', [x]);
export const sin = (g: GraphBuilder, x: Value) => one(g, 'Sin', [x]);

// ── linear algebra ──
/** Matrix product with batch broadcasting (numpy.matmul semantics). */
export const matMul = (g: GraphBuilder, a: Value, b: Value) => one(g, 'MatMul', [a, b]);
/** General matrix multiply `alpha·A'·B' + beta·C` on 2-D operands. */
export function gemm(
  g: GraphBuilder,
  a: Value,
  b: Value,
  c: Value | null,
  opts: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {},
): Value {
  return one(g, 'Gemm', c ? [a, b, c] : [a, b], {
    transA: opts.transA ? 1 : 0,
    transB: opts.transB ? 1 : 0,
    alpha: floatAttr(opts.alpha ?? 1),
    beta: floatAttr(opts.beta ?? 1),
  });
}

// ── normalisation and reductions ──
export const softmax = (g: GraphBuilder, x: Value, axis = -1) => one(g, 'Softmax', [x], { axis });
export const logSoftmax = (g: GraphBuilder, x: Value, axis = -1) => one(g, 'LogSoftmax', [x], { axis });
/** ReduceMean (opset 17: axes is an attribute). */
export const reduceMean = (g: GraphBuilder, x: Value, axes: number[], keepdims = true) =>
  one(g, 'ReduceMean', [x], { axes, keepdims: keepdims ? 1 : 0 });
/** ReduceSum (opset ≥ 13: axes is an input). */
export const reduceSum = (g: GraphBuilder, x: Value, axes: number[], keepdims = true) =>
  one(g, 'ReduceSum', [x, constInt64(g, axes)], { keepdims: keepdims ? 1 : 0 });
export const reduceMax = (g: GraphBuilder, x: Value, axes: number[], keepdims = true) =>
  one(g, 'ReduceMax', [x], { axes, keepdims: keepdims ? 1 : 0 });

// ── shape manipulation ──
export const transpose = (g: GraphBuilder, x: Value, perm: number[]) => one(g, 'Transpose', [x], { perm });
/** Reshape to a constant shape (0 copies a dimension, -1 infers one). */
export const reshape = (g: GraphBuilder, x: Value, shape: number[] | Value) =>
  one(g, 'Reshape', [x, Array.isArray(shape) ? constInt64(g, shape) : shape]);
export const unsqueeze = (g: GraphBuilder, x: Value, axes: number[]) => one(g, 'Unsqueeze', [x, constInt64(g, axes)]);
export const squeeze = (g: GraphBuilder, x: Value, axes: number[]) => one(g, 'Squeeze', [x, constInt64(g, axes)]);
export const concat = (g: GraphBuilder, xs: Value[], axis: number) => one(g, 'Concat', xs, { axis });
/** Splits `x` along `axis` into pieces of the given sizes. */
export const split = (g: GraphBuilder, x: Value, sizes: number[], axis: number): Value[] =>
  g.node('Split', [x, constInt64(g, sizes)], { axis }, sizes.length);
/** Slice with constant bounds. */
export function slice(g: GraphBuilder, x: Value, starts: number[], ends: number[], axes: number[], steps?: number[]): Value {
  const inputs = [x, constInt64(g, starts), constInt64(g, ends), constInt64(g, axes)];
  if (steps) inputs.push(constInt64(g, steps));
  return one(g, 'Slice', inputs);
}
/** Slice with bounds computed in the graph (1-D int64 values). */
export const sliceDynamic = (g: GraphBuilder, x: Value, starts: Value, ends: Value, axes: Value) =>
  one(g, 'Slice', [x, starts, ends, axes]);
export const expand = (g: GraphBuilder, x: Value, shape: Value) => one(g, 'Expand', [x, shape]);
/** The shape of `x` as a 1-D int64 tensor, optionally the dims [start, end). */
export function shapeOf(g: GraphBuilder, x: Value, start?: number, end?: number): Value {
  const attrs: Record<string, number> = {};
  if (start !== undefined) attrs.start = start;
  if (end !== undefined) attrs.end = end;
  return one(g, 'Shape', [x], attrs);
}

// ── indexing and selection ──
export const gather = (g: GraphBuilder, data: Value, indices: Value, axis = 0) => one(g, 'Gather', [data, indices], { axis });
export const gatherElements = (g: GraphBuilder, data: Value, indices: Value, axis: number) =>
  one(g, 'GatherElements', [data, indices], { axis });
export const where = (g: GraphBuilder, cond: Value, a: Value, b: Value) => one(g, 'Where', [cond, a, b]);
export const range = (g: GraphBuilder, start: Value, limit: Value, delta: Value) => one(g, 'Range', [start, limit, delta]);

// ── comparisons, logic, casts ──
export const lessOrEqual = (g: GraphBuilder, a: Value, b: Value) => one(g, 'LessOrEqual', [a, b]);
export const and = (g: GraphBuilder, a: Value, b: Value) => one(g, 'And', [a, b]);
export const cast = (g: GraphBuilder, x: Value, to: ElemType) => one(g, 'Cast', [x], { to });
export const identity = (g: GraphBuilder, x: Value) => one(g, 'Identity', [x]);
