/**
 * @module shared/onnx/autodiff/extra-ops
 * Helpers for the ONNX operators that backward graphs need and `ops.ts` does not (yet) have:
 * dynamic-axes reductions, scatters with `reduction = add`, Pad, NonZero, CastLike and a few
 * integer comparisons. Same conventions as `ops.ts` (opset 17 semantics, one node per call);
 * they live here so that the autodiff can grow without touching the shared op list.
 */
import { ElemType, type GraphBuilder, type Initializer, type Value } from '../graph';

const one = (g: GraphBuilder, op: string, inputs: Array<Value | null>, attrs = {}): Value => g.node(op, inputs, attrs)[0];

/** A tensor attribute holding one scalar (for ConstantOfShape's `value`). */
function scalarTensor(elemType: ElemType, value: number): { tensor: Initializer } {
  const data = elemType === ElemType.INT64 ? BigInt64Array.of(BigInt(value)) : Float32Array.of(value);
  return { tensor: { name: 'value', elemType, dims: [1], data } };
}

/** Number of elements of `x`, as an int64 scalar. */
export const size = (g: GraphBuilder, x: Value) => one(g, 'Size', [x]);
export const equal = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Equal', [a, b]);
export const less = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Less', [a, b]);
/** Elementwise maximum (numpy broadcasting); used on int64 index vectors. */
export const max = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Max', [a, b]);
/** Elementwise minimum (numpy broadcasting); used on int64 index vectors. */
export const min = (g: GraphBuilder, a: Value, b: Value) => one(g, 'Min', [a, b]);
/** Casts `x` to the element type of `like` (opset 15). */
export const castLike = (g: GraphBuilder, x: Value, like: Value) => one(g, 'CastLike', [x, like]);
/** Flattens `x` to 2-D `[prod(dims[:axis]), prod(dims[axis:])]`. */
export const flatten = (g: GraphBuilder, x: Value, axis: number) => one(g, 'Flatten', [x], { axis });
/** Transpose with the default permutation (all axes reversed): needs no rank. */
export const reverseAxes = (g: GraphBuilder, x: Value) => one(g, 'Transpose', [x]);
/** Indices of the non-zero (true) elements of `x`, shaped `[rank(x), count]`. */
export const nonZero = (g: GraphBuilder, x: Value) => one(g, 'NonZero', [x]);

/** A float32 tensor of zeros (or `fill`) with the runtime shape `shape` (1-D int64). */
export const constantOfShape = (g: GraphBuilder, shape: Value, fill = 0) =>
  one(g, 'ConstantOfShape', [shape], fill === 0 ? {} : { value: scalarTensor(ElemType.FLOAT, fill) });
/** An int64 tensor filled with `fill` with the runtime shape `shape`. */
export const int64OfShape = (g: GraphBuilder, shape: Value, fill: number) =>
  one(g, 'ConstantOfShape', [shape], { value: scalarTensor(ElemType.INT64, fill) });

/**
 * ReduceSum with a runtime `axes` tensor (opset 13). With `noopWhenEmpty`, an empty axes list
 * returns `x` unchanged instead of reducing every axis.
 */
export const reduceSumAxes = (g: GraphBuilder, x: Value, axes: Value, keepdims: boolean, noopWhenEmpty = false) =>
  one(g, 'ReduceSum', [x, axes], { keepdims: keepdims ? 1 : 0, noop_with_empty_axes: noopWhenEmpty ? 1 : 0 });
/** Unsqueeze with a runtime `axes` tensor. */
export const unsqueezeAxes = (g: GraphBuilder, x: Value, axes: Value) => one(g, 'Unsqueeze', [x, axes]);
/** Split with runtime sizes (1-D int64). */
export const splitSizes = (g: GraphBuilder, x: Value, sizes: Value, axis: number, count: number): Value[] =>
  g.node('Split', [x, sizes], { axis }, count);

/** Constant-mode Pad with runtime `pads` (`[x1_begin, x2_begin, …, x1_end, …]`) and an optional fill. */
export const pad = (g: GraphBuilder, x: Value, pads: Value, fill?: Value) => one(g, 'Pad', fill ? [x, pads, fill] : [x, pads]);

/** `data` with `updates` added at the index tuples of `indices` (opset 16, `reduction = add`). */
export const scatterNdAdd = (g: GraphBuilder, data: Value, indices: Value, updates: Value) =>
  one(g, 'ScatterND', [data, indices, updates], { reduction: 'add' });
/** `data` with `updates` added along `axis` at `indices` (opset 16, `reduction = add`). */
export const scatterElementsAdd = (g: GraphBuilder, data: Value, indices: Value, updates: Value, axis: number) =>
  one(g, 'ScatterElements', [data, indices, updates], { axis, reduction: 'add' });
/** `data` with `updates` written along `axis` at `indices` (no reduction). */
export const scatterElements = (g: GraphBuilder, data: Value, indices: Value, updates: Value, axis: number) =>
  one(g, 'ScatterElements', [data, indices, updates], { axis });
