/**
 * @module shared/onnx/autodiff/rules-index
 * Vector-Jacobian rules of Gather and GatherElements: the output gradient is scattered back
 * into zeros shaped like the data, adding where an index repeats (ScatterND / ScatterElements
 * with `reduction = add`, opset 16). This is the embedding-table and LoRA-slot gradient.
 * Negative indices are normalized first, as Gather accepts them.
 */
import { ElemType, type Value } from '../graph';
import { add, cast, constInt64, gather, transpose, unsqueeze, where } from '../ops';
import type { VjpContext, VjpRule } from './context';
import { constantOfShape, less, scatterElementsAdd, scatterNdAdd } from './extra-ops';

/** Indices as int64 with negative entries counted from the end of the dim at `axis`. */
function normalizedIndices(ctx: VjpContext, axis: number, keepRank: boolean): Value {
  const { g } = ctx;
  const raw = ctx.input(1);
  const idx = ctx.shapes.elemType(raw.name) === ElemType.INT64 ? raw : cast(g, raw, ElemType.INT64);
  const dim = gather(g, ctx.shapeOf(ctx.input(0)), keepRank ? constInt64(g, [axis]) : constInt64(g, [axis], []));
  return where(g, less(g, idx, constInt64(g, [0], [])), add(g, idx, dim), idx);
}

/**
 * Gather along `axis`: out = data[:axis] × indices × data[axis+1:]. Axis 0 scatters the output
 * gradient straight into rows; another axis moves that axis to the front (data and gradient
 * transposed alike), scatters, and transposes back, which needs both ranks.
 */
const gatherRule: VjpRule = (ctx) => {
  const { g } = ctx;
  const data = ctx.input(0);
  const rawAxis = ctx.int('axis', 0);
  const axis = rawAxis < 0 ? rawAxis + ctx.rank(data) : rawAxis;
  const idx = unsqueeze(g, normalizedIndices(ctx, axis, false), [-1]);
  const dataShape = ctx.shapeOf(data);
  if (axis === 0) return [scatterNdAdd(g, constantOfShape(g, dataShape), idx, ctx.grad), null];

  const r = ctx.rank(data);
  const q = ctx.rank(ctx.input(1));
  const span = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  const dataPerm = [axis, ...span(0, axis), ...span(axis + 1, r)];
  const gradPerm = [...span(axis, axis + q), ...span(0, axis), ...span(axis + q, r + q - 1)];
  const zeros = constantOfShape(g, gather(g, dataShape, constInt64(g, dataPerm)));
  const scattered = scatterNdAdd(g, zeros, idx, transpose(g, ctx.grad, gradPerm));
  const inverse = dataPerm.map(() => 0);
  dataPerm.forEach((p, i) => (inverse[p] = i));
  return [transpose(g, scattered, inverse), null];
};

const gatherElementsRule: VjpRule = (ctx) => {
  const { g } = ctx;
  const data = ctx.input(0);
  const axis = ctx.int('axis', 0);
  const idx = normalizedIndices(ctx, axis, true);
  return [scatterElementsAdd(g, constantOfShape(g, ctx.shapeOf(data)), idx, ctx.grad, axis), null];
};

/** Rules of indexing ops, by op type. */
export const indexRules: Record<string, VjpRule> = { Gather: gatherRule, GatherElements: gatherElementsRule };
