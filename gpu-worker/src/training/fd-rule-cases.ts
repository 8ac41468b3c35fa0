/**
 * @module gpu-worker/training/fd-rule-cases
 * The rule cases of the autodiff check: at least one tiny graph per vector-Jacobian rule,
 * broadcasting cases both with declared sizes (constant reduction axes) and with symbolic dims
 * (axes computed at run time), and the compiler's own usages (RMSNorm's Pow and ReduceMean, the
 * `logits: 'last'` Slice, Split with an unused part, Gather of table rows).
 */
import { ElemType, type GraphBuilder, type Value } from '../../../shared/onnx/graph';
import {
  add, cast, concat, constFloat, constInt64, cos, div, exp, expand, gather, gatherElements, gemm, identity, log, logSoftmax,
  matMul, mul, neg, pow, reciprocal, reduceMax, reduceMean, reduceSum, reshape, sigmoid, sin, slice, softmax, split, sqrt,
  squeeze, sub, tanh, transpose, unsqueeze, where,
} from '../../../shared/onnx/ops';
import type { ParamSpec, RuleCase } from './fd-rule-case';

const p = (name: string, shape: number[], kind?: ParamSpec['kind']): ParamSpec => ({ name, shape, kind });
const unaryCase = (name: string, op: (g: GraphBuilder, x: Value) => Value, kind?: ParamSpec['kind']): RuleCase => ({
  name,
  params: [p('x', [3, 4], kind)],
  build: (g, [x]) => op(g, x),
});
/** The same case with every param dim symbolic, so reductions take the runtime path. */
const symbolic = (c: RuleCase): RuleCase => ({ ...c, name: `${c.name} (symbolic dims)`, symbolic: true });
const bool = (g: GraphBuilder, values: boolean[], dims: number[]) =>
  g.initializer(g.fresh('mask'), ElemType.BOOL, dims, Uint8Array.from(values.map(Number)));

const add342and4: RuleCase = { name: 'Add of [2,3,4] and [4]', params: [p('a', [2, 3, 4]), p('b', [4])], build: (g, [a, b]) => add(g, a, b) };
const sub234and31: RuleCase = { name: 'Sub of [2,3,4] and [3,1]', params: [p('a', [2, 3, 4]), p('b', [3, 1])], build: (g, [a, b]) => sub(g, a, b) };
const mul214and31: RuleCase = { name: 'Mul of [2,1,4] and [3,1]', params: [p('a', [2, 1, 4]), p('b', [3, 1])], build: (g, [a, b]) => mul(g, a, b) };
const matMulBatch: RuleCase = {
  name: 'MatMul [2,3,4,5]×[5,6]',
  params: [p('a', [2, 3, 4, 5]), p('b', [5, 6])],
  build: (g, [a, b]) => matMul(g, a, b),
};
const matMulBroadcast: RuleCase = {
  name: 'MatMul [2,1,4,5]×[3,5,6]',
  params: [p('a', [2, 1, 4, 5]), p('b', [3, 5, 6])],
  build: (g, [a, b]) => matMul(g, a, b),
};
const sliceLast: RuleCase = {
  name: 'Slice of the last position (starts -1, huge end)',
  params: [p('x', [2, 3, 4])],
  build: (g, [x]) => slice(g, x, [-1], [Number.MAX_SAFE_INTEGER], [1]),
};

function gemmCase(transA: boolean, transB: boolean): RuleCase {
  const [m, k, n] = [3, 4, 5];
  return {
    name: `Gemm transA=${+transA} transB=${+transB} alpha=0.7 beta=1.3 with C [${n}]`,
    params: [p('a', transA ? [k, m] : [m, k]), p('b', transB ? [n, k] : [k, n]), p('c', [n])],
    build: (g, [a, b, c]) => gemm(g, a, b, c, { transA, transB, alpha: 0.7, beta: 1.3 }),
  };
}

/** Every rule case, in registry order of concern. */
export const RULE_CASES: RuleCase[] = [
  // elementwise, with broadcasting
  add342and4, symbolic(add342and4),
  sub234and31, symbolic(sub234and31),
  mul214and31, symbolic(mul214and31),
  { name: 'Div of [2,3] by a positive [3]', params: [p('a', [2, 3]), p('b', [3], 'positive')], build: (g, [a, b]) => div(g, a, b) },
  unaryCase('Neg', neg),
  unaryCase('Pow with the constant exponent 2 (RMSNorm)', (g, x) => pow(g, x, constFloat(g, [2]))),
  unaryCase('Pow with the constant exponent 3', (g, x) => pow(g, x, constFloat(g, [3]))),
  { name: 'Pow with a tensor exponent', params: [p('a', [2, 3], 'positive'), p('b', [3])], build: (g, [a, b]) => pow(g, a, b) },
  unaryCase('Sqrt', sqrt, 'positive'),
  unaryCase('Reciprocal', reciprocal, 'positive'),
  unaryCase('Exp', exp),
  unaryCase('Log', log, 'positive'),
  unaryCase('Tanh', tanh),
  unaryCase('Sigmoid', sigmoid),
  unaryCase('Cos', cos),
  unaryCase('Sin', sin),
  unaryCase('Identity', identity),
  unaryCase('Cast to double and back', (g, x) => cast(g, cast(g, x, ElemType.DOUBLE), ElemType.FLOAT)),
  unaryCase('Cast to int64 stops the walk', (g, x) => mul(g, x, cast(g, cast(g, x, ElemType.INT64), ElemType.FLOAT)), 'halfInteger'),
  unaryCase('a value used three times (fan-out summed with Add)', (g, x) => add(g, mul(g, x, x), sin(g, x))),
  {
    name: 'Where with a [2,3] condition, a [2,3] and b [3]',
    params: [p('a', [2, 3]), p('b', [3])],
    build: (g, [a, b]) => where(g, bool(g, [true, false, true, false, false, true], [2, 3]), a, b),
  },
  // matrix products
  { name: 'MatMul [3,4]×[4,5]', params: [p('a', [3, 4]), p('b', [4, 5])], build: (g, [a, b]) => matMul(g, a, b) },
  matMulBatch, symbolic(matMulBatch),
  matMulBroadcast, symbolic(matMulBroadcast),
  { name: 'MatMul [3,4]×[2,4,5]', params: [p('a', [3, 4]), p('b', [2, 4, 5])], build: (g, [a, b]) => matMul(g, a, b) },
  { name: 'MatMul [4]×[2,4,5]', params: [p('a', [4]), p('b', [2, 4, 5])], build: (g, [a, b]) => matMul(g, a, b) },
  { name: 'MatMul [4]×[4]', params: [p('a', [4]), p('b', [4])], build: (g, [a, b]) => matMul(g, a, b) },
  { name: 'MatMul [2,3,4]×[4]', params: [p('a', [2, 3, 4]), p('b', [4])], build: (g, [a, b]) => matMul(g, a, b) },
  gemmCase(false, false), gemmCase(false, true), gemmCase(true, false), gemmCase(true, true),
  // softmax and reductions
  { name: 'Softmax along axis 1', params: [p('x', [2, 3, 4])], build: (g, [x]) => softmax(g, x, 1) },
  { name: 'Softmax along the last axis', params: [p('x', [2, 3, 4])], build: (g, [x]) => softmax(g, x, -1) },
  { name: 'LogSoftmax along axis 0', params: [p('x', [3, 4])], build: (g, [x]) => logSoftmax(g, x, 0) },
  { name: 'ReduceSum over axis 1 without keepdims', params: [p('x', [2, 3, 4])], build: (g, [x]) => reduceSum(g, x, [1], false) },
  { name: 'ReduceSum over axes 0 and 2 with keepdims', params: [p('x', [2, 3, 4])], build: (g, [x]) => reduceSum(g, x, [0, 2], true) },
  { name: 'ReduceMean over the last axis with keepdims (RMSNorm)', params: [p('x', [2, 3, 4])], build: (g, [x]) => reduceMean(g, x, [-1]) },
  symbolic({ name: 'ReduceMean over axis 0 without keepdims', params: [p('x', [3, 4])], build: (g, [x]) => reduceMean(g, x, [0], false) }),
  { name: 'ReduceMax over axis 1 without keepdims', params: [p('x', [2, 3, 4])], build: (g, [x]) => reduceMax(g, x, [1], false) },
  // shape ops
  { name: 'Transpose with perm [2,0,1]', params: [p('x', [2, 3, 4])], build: (g, [x]) => transpose(g, x, [2, 0, 1]) },
  { name: 'Transpose with the default perm', params: [p('x', [2, 3, 4])], build: (g, [x]) => g.node('Transpose', [x])[0] },
  { name: 'Reshape [2,3,4] to [6,4]', params: [p('x', [2, 3, 4])], build: (g, [x]) => reshape(g, x, [6, 4]) },
  symbolic({ name: 'Reshape with 0 and -1', params: [p('x', [2, 3, 4])], build: (g, [x]) => reshape(g, x, [0, -1]) }),
  { name: 'Flatten at axis 2', params: [p('x', [2, 3, 4])], build: (g, [x]) => g.node('Flatten', [x], { axis: 2 })[0] },
  { name: 'Unsqueeze at axis 1', params: [p('x', [2, 3])], build: (g, [x]) => unsqueeze(g, x, [1]) },
  { name: 'Squeeze of axis 1', params: [p('x', [2, 1, 3])], build: (g, [x]) => squeeze(g, x, [1]) },
  { name: 'Expand [3,1] to [2,3,4]', params: [p('x', [3, 1])], build: (g, [x]) => expand(g, x, constInt64(g, [2, 3, 4])) },
  symbolic({ name: 'Expand [3,1] to [2,3,4]', params: [p('x', [3, 1])], build: (g, [x]) => expand(g, x, constInt64(g, [2, 3, 4])) }),
  {
    name: 'Concat of [2,3], [2,2] and a constant along axis 1',
    params: [p('a', [2, 3]), p('b', [2, 2])],
    build: (g, [a, b]) => concat(g, [a, b, g.initializer('k', ElemType.FLOAT, [2, 1], Float32Array.of(1, 2))], 1),
  },
  symbolic({ name: 'Concat along axis -1', params: [p('a', [2, 3]), p('b', [2, 2])], build: (g, [a, b]) => concat(g, [a, b], -1) }),
  {
    name: 'Split of [2,6] into 1|2|3 with the middle part unused',
    params: [p('x', [2, 6])],
    build: (g, [x]) => {
      const [first, , last] = split(g, x, [1, 2, 3], 1);
      return concat(g, [last, first], 1);
    },
  },
  sliceLast, symbolic(sliceLast),
  {
    name: 'Slice of axes 0 and 2 with a negative end',
    params: [p('x', [4, 3, 5])],
    build: (g, [x]) => slice(g, x, [1, 0], [3, -1], [0, 2]),
  },
  // indexing
  {
    name: 'Gather of rows with repeated indices (embedding)',
    params: [p('x', [5, 3])],
    build: (g, [x]) => gather(g, x, constInt64(g, [0, 2, 2, 4], [2, 2])),
  },
  {
    name: 'Gather along axis 1 with a negative index',
    params: [p('x', [3, 5, 2])],
    build: (g, [x]) => gather(g, x, constInt64(g, [4, 0, 4, -1]), 1),
  },
  {
    name: 'GatherElements along axis 1 with repeats',
    params: [p('x', [3, 4])],
    build: (g, [x]) => gatherElements(g, x, constInt64(g, [0, 0, 3, 1, 2, 1], [3, 2]), 1),
  },
];
