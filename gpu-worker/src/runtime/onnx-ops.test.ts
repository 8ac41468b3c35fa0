/**
 * @module shared/onnx/ops tests, run in onnxruntime-node on CPU: each op helper builds a graph whose
 * output is checked against numbers computed here, and weights in an external data file give the
 * same output as embedded ones.
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElemType, GraphBuilder, type Dim, type Value } from '../../../shared/onnx/graph';
import {
  concat,
  constFloat,
  constInt64,
  gather,
  gemm,
  lessOrEqual,
  matMul,
  range,
  reduceMean,
  reduceSum,
  reshape,
  softmax,
  split,
  where,
} from '../../../shared/onnx/ops';
import { serializeModel } from '../../../shared/onnx/serialize';

type Feed = { type: 'float32'; data: Float32Array; dims: number[] } | { type: 'int64'; data: BigInt64Array; dims: number[] } | { type: 'bool'; data: Uint8Array; dims: number[] };

/** Serializes `g` (weights embedded), runs it once and returns every output by name. */
async function run(g: GraphBuilder, feeds: Record<string, Feed>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(serializeModel(g).model);
  try {
    return await session.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.type, f.data, f.dims)])));
  } finally {
    await session.release();
  }
}

const f32 = (dims: number[], values: number[]): Feed => ({ type: 'float32', data: Float32Array.from(values), dims });
const ramp = (n: number, start = 0) => Array.from({ length: n }, (_, i) => start + i);
const floats = (t: ort.Tensor) => Array.from(t.data as Float32Array);

/** Plain row-major matrix product of `a [m,k]` and `b [k,n]`. */
function refMatMul(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) out[i * n + j] += a[i * k + t] * b[t * n + j];
  return out;
}

function graphWith(name: string, inputs: Array<[string, ElemType, Dim[]]>): { g: GraphBuilder; v: Value[] } {
  const g = new GraphBuilder(name);
  return { g, v: inputs.map(([n, t, s]) => g.input(n, t, s)) };
}

describe('linear algebra ops', () => {
  it('MatMul broadcasts a batch of left operands against one right matrix', async () => {
    const { g, v } = graphWith('matmul', [['a', ElemType.FLOAT, [2, 3, 4]], ['b', ElemType.FLOAT, [4, 2]]]);
    g.output(matMul(g, v[0], v[1]), 'y', ElemType.FLOAT, [2, 3, 2]);
    const a = ramp(24).map((x) => x / 10);
    const b = [1, -1, 2, 0.5, 0, 3, -2, 1];
    const out = await run(g, { a: f32([2, 3, 4], a), b: f32([4, 2], b) });
    expect(out.y.dims).toEqual([2, 3, 2]);
    const expected = [...refMatMul(a.slice(0, 12), b, 3, 4, 2), ...refMatMul(a.slice(12), b, 3, 4, 2)];
    floats(out.y).forEach((x, i) => expect(x).toBeCloseTo(expected[i], 5));
  });

  it('MatMul broadcasts a batch dimension of size 1 on the right', async () => {
    const { g, v } = graphWith('matmul-b', [['a', ElemType.FLOAT, [2, 1, 2, 3]], ['b', ElemType.FLOAT, [1, 3, 3, 2]]]);
    g.output(matMul(g, v[0], v[1]), 'y', ElemType.FLOAT, [2, 3, 2, 2]);
    const a = ramp(12, 1);
    const b = ramp(18).map((x) => (x % 5) - 2);
    const out = await run(g, { a: f32([2, 1, 2, 3], a), b: f32([1, 3, 3, 2], b) });
    expect(out.y.dims).toEqual([2, 3, 2, 2]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expected.push(...refMatMul(a.slice(i * 6, i * 6 + 6), b.slice(j * 6, j * 6 + 6), 2, 3, 2));
    expect(floats(out.y)).toEqual(expected);
  });

  it('Gemm with transB computes alpha·A·Bᵀ + beta·C', async () => {
    const { g, v } = graphWith('gemm', [['a', ElemType.FLOAT, [2, 3]], ['b', ElemType.FLOAT, [4, 3]]]);
    const c = constFloat(g, [1, 2, 3, 4], [4]);
    g.output(gemm(g, v[0], v[1], c, { transB: true, alpha: 0.5, beta: 2 }), 'y', ElemType.FLOAT, [2, 4]);
    const a = [1, 2, 3, 4, 5, 6];
    const b = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1];
    const out = await run(g, { a: f32([2, 3], a), b: f32([4, 3], b) });
    // Row 0: A·Bᵀ = [1, 2, 3, 6]; row 1: [4, 5, 6, 15]; then 0.5·that + 2·[1, 2, 3, 4].
    expect(floats(out.y)).toEqual([2.5, 5, 7.5, 11, 4, 6.5, 9, 15.5]);
  });
});

describe('normalisation and reductions', () => {
  it('Softmax over the last axis matches exp(x)/Σexp(x) per row', async () => {
    const { g, v } = graphWith('softmax', [['x', ElemType.FLOAT, [2, 3]]]);
    g.output(softmax(g, v[0]), 'y', ElemType.FLOAT, [2, 3]);
    const x = [1, 2, 3, -1, 0, 1000];
    const out = await run(g, { x: f32([2, 3], x) });
    const row0 = [1, 2, 3].map((t) => Math.exp(t - 3));
    const s0 = row0.reduce((p, q) => p + q);
    const expected = [...row0.map((t) => t / s0), 0, 0, 1];
    floats(out.y).forEach((y, i) => expect(y).toBeCloseTo(expected[i], 6));
    expect(floats(out.y)[0]).toBeCloseTo(0.09003057, 6);
  });

  it('ReduceMean keeps or drops the reduced axis and averages over it', async () => {
    const { g, v } = graphWith('mean', [['x', ElemType.FLOAT, [2, 3]]]);
    g.output(reduceMean(g, v[0], [1]), 'kept', ElemType.FLOAT, [2, 1]);
    g.output(reduceMean(g, v[0], [0], false), 'dropped', ElemType.FLOAT, [3]);
    const out = await run(g, { x: f32([2, 3], [1, 2, 6, 4, 5, 9]) });
    expect(out.kept.dims).toEqual([2, 1]);
    expect(floats(out.kept)).toEqual([3, 6]);
    expect(out.dropped.dims).toEqual([3]);
    expect(floats(out.dropped)).toEqual([2.5, 3.5, 7.5]);
  });

  it('ReduceSum takes its axes as an input and can reduce several at once', async () => {
    const { g, v } = graphWith('sum', [['x', ElemType.FLOAT, [2, 2, 3]]]);
    g.output(reduceSum(g, v[0], [-1]), 'last', ElemType.FLOAT, [2, 2, 1]);
    g.output(reduceSum(g, v[0], [0, 2], false), 'outer', ElemType.FLOAT, [2]);
    const out = await run(g, { x: f32([2, 2, 3], ramp(12)) });
    expect(out.last.dims).toEqual([2, 2, 1]);
    expect(floats(out.last)).toEqual([3, 12, 21, 30]);
    // Middle index 0: 0+1+2+6+7+8; index 1: 3+4+5+9+10+11.
    expect(out.outer.dims).toEqual([2]);
    expect(floats(out.outer)).toEqual([24, 42]);
  });
});

describe('shape manipulation', () => {
  it('Split into unequal pieces and Concat in another order along axis 1', async () => {
    const { g, v } = graphWith('split', [['x', ElemType.FLOAT, [2, 5]]]);
    const [p, q, r] = split(g, v[0], [1, 3, 1], 1);
    g.output(q, 'q', ElemType.FLOAT, [2, 3]);
    g.output(concat(g, [r, p, q], 1), 'y', ElemType.FLOAT, [2, 5]);
    const out = await run(g, { x: f32([2, 5], ramp(10)) });
    expect(out.q.dims).toEqual([2, 3]);
    expect(floats(out.q)).toEqual([1, 2, 3, 6, 7, 8]);
    expect(floats(out.y)).toEqual([4, 0, 1, 2, 3, 9, 5, 6, 7, 8]);
  });

  it('Reshape copies a dimension for 0 and infers one for -1', async () => {
    const { g, v } = graphWith('reshape', [['x', ElemType.FLOAT, [2, 3, 4]]]);
    g.output(reshape(g, v[0], [0, -1, 2]), 'y', ElemType.FLOAT, [2, 6, 2]);
    g.output(reshape(g, v[0], [-1, 4]), 'z', ElemType.FLOAT, [6, 4]);
    const out = await run(g, { x: f32([2, 3, 4], ramp(24)) });
    expect(out.y.dims).toEqual([2, 6, 2]);
    expect(out.z.dims).toEqual([6, 4]);
    expect(floats(out.y)).toEqual(ramp(24));
  });
});

describe('indexing and selection', () => {
  it('Gather picks rows of an embedding table by int64 index, keeping the index shape', async () => {
    const { g, v } = graphWith('gather', [['ids', ElemType.INT64, [2, 2]]]);
    const table = g.initializer('table', ElemType.FLOAT, [4, 3], Float32Array.from(ramp(12, 100)));
    g.output(gather(g, table, v[0]), 'y', ElemType.FLOAT, [2, 2, 3]);
    const out = await run(g, { ids: { type: 'int64', data: BigInt64Array.from([3n, 0n, 1n, 3n]), dims: [2, 2] } });
    expect(out.y.dims).toEqual([2, 2, 3]);
    expect(floats(out.y)).toEqual([109, 110, 111, 100, 101, 102, 103, 104, 105, 109, 110, 111]);
  });

  it('Gather along axis 1 selects columns', async () => {
    const { g, v } = graphWith('gather1', [['x', ElemType.FLOAT, [2, 3]]]);
    g.output(gather(g, v[0], constInt64(g, [2, 0]), 1), 'y', ElemType.FLOAT, [2, 2]);
    const out = await run(g, { x: f32([2, 3], [1, 2, 3, 4, 5, 6]) });
    expect(floats(out.y)).toEqual([3, 1, 6, 4]);
  });

  it('Where chooses between two tensors and broadcasts a scalar fallback', async () => {
    const { g, v } = graphWith('where', [['c', ElemType.BOOL, [2, 2]], ['a', ElemType.FLOAT, [2, 2]]]);
    g.output(where(g, v[0], v[1], constFloat(g, [-1e9])), 'y', ElemType.FLOAT, [2, 2]);
    const out = await run(g, { c: { type: 'bool', data: Uint8Array.from([1, 0, 0, 1]), dims: [2, 2] }, a: f32([2, 2], [1, 2, 3, 4]) });
    expect(floats(out.y)).toEqual([1, -1e9, -1e9, 4]);
  });

  it('Range and LessOrEqual build a causal mask', async () => {
    const { g, v } = graphWith('causal', [['n', ElemType.INT64, []]]);
    const positions = range(g, constInt64(g, [0], []), v[0], constInt64(g, [1], []));
    g.output(positions, 'positions', ElemType.INT64, ['n']);
    // mask[i][j] = j <= i: columns [1, n] against rows [n, 1].
    const columns = reshape(g, positions, [1, -1]);
    const rows = reshape(g, positions, [-1, 1]);
    g.output(lessOrEqual(g, columns, rows), 'mask', ElemType.BOOL, ['n', 'n']);
    const out = await run(g, { n: { type: 'int64', data: BigInt64Array.from([4n]), dims: [] } });
    expect(Array.from(out.positions.data as BigInt64Array)).toEqual([0n, 1n, 2n, 3n]);
    expect(out.mask.dims).toEqual([4, 4]);
    expect(Array.from(out.mask.data as Uint8Array, Boolean)).toEqual([
      true, false, false, false,
      true, true, false, false,
      true, true, true, false,
      true, true, true, true,
    ]);
  });
});

describe('external data', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-onnx-ops-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** y = (x · W1 + b) · W2 with weights large enough to go external (W1 is 8×16 floats = 512 bytes). */
  function mlp(): GraphBuilder {
    const g = new GraphBuilder('mlp');
    const x = g.input('x', ElemType.FLOAT, ['n', 8]);
    const w1 = g.initializer('w1', ElemType.FLOAT, [8, 16], Float32Array.from(ramp(128), (i) => Math.sin(i) / 4));
    const bias = g.initializer('b', ElemType.FLOAT, [16], Float32Array.from(ramp(16), (i) => i / 16));
    const w2 = g.initializer('w2', ElemType.FLOAT, [16, 3], Float32Array.from(ramp(48), (i) => Math.cos(i) / 4));
    const [h] = g.node('Add', [matMul(g, x, w1), bias]);
    g.output(matMul(g, h, w2), 'y', ElemType.FLOAT, ['n', 3]);
    return g;
  }

  it('gives the same output from an external weight file as from embedded weights', async () => {
    const x = f32([2, 8], ramp(16).map((i) => (i - 8) / 3));
    const embedded = await run(mlp(), { x });

    const { model, external } = serializeModel(mlp(), { externalData: { location: 'mlp.onnx.data', minBytes: 128 } });
    expect(external!.chunks.map((c) => c.offset)).toEqual([0, 512]);
    const modelPath = join(dir, 'mlp.onnx');
    await writeFile(modelPath, model);
    const handle = await open(join(dir, 'mlp.onnx.data'), 'w');
    try {
      for (const chunk of external!.chunks) await handle.write(chunk.bytes, 0, chunk.bytes.byteLength, chunk.offset);
    } finally {
      await handle.close();
    }
    // The model file alone is smaller than the weights it refers to.
    expect(model.byteLength).toBeLessThan(external!.totalBytes);

    const session = await ort.InferenceSession.create(modelPath);
    try {
      const out = await session.run({ x: new ort.Tensor('float32', x.data, x.dims) });
      expect(out.y.dims).toEqual([2, 3]);
      expect(floats(out.y)).toEqual(floats(embedded.y));
    } finally {
      await session.release();
    }

    // And both match the product computed here.
    const w1 = ramp(128).map((i) => Math.fround(Math.sin(i) / 4));
    const w2 = ramp(48).map((i) => Math.fround(Math.cos(i) / 4));
    const h = refMatMul(Array.from(x.data as Float32Array), w1, 2, 8, 16).map((t, i) => t + (i % 16) / 16);
    refMatMul(h, w2, 2, 16, 3).forEach((y, i) => expect(floats(embedded.y)[i]).toBeCloseTo(y, 4));
  });
});
