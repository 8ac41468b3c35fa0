/** @module adapters/adapter-stack tests: slot layout, zero padding to the batch rank, and exactness of padding. */
import { describe, expect, it } from 'vitest';
import { TINY_BASE_ID, TINY_CFG } from './tiny-config.test-fixture';
import { AdapterError } from './adapter';
import { stackAdapters } from './adapter-stack';
import { randomAdapter } from './random-adapter';

const cfg = TINY_CFG;
const BASE = TINY_BASE_ID;
const Q1_A = 'model.layers.1.self_attn.q_proj.lora_A.weight';
const Q1_B = 'model.layers.1.self_attn.q_proj.lora_B.weight';
const V0_A = 'model.layers.0.self_attn.v_proj.lora_A.weight';
const V0_B = 'model.layers.0.self_attn.v_proj.lora_B.weight';

const rank2 = randomAdapter(cfg, { baseModelId: BASE, targets: ['q_proj'], rank: 2, alpha: 3, seed: 1 });
const rank4 = randomAdapter(cfg, { baseModelId: BASE, targets: ['q_proj', 'v_proj'], rank: 4, alpha: 4, seed: 2 });

/** Row-major `[m, k] × [k, n]`. */
function matMul(x: Float32Array, y: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j] += x[i * k + p] * y[p * n + j];
  return out;
}

describe('stackAdapters', () => {
  const { feeds, rank } = stackAdapters(cfg, ['q_proj', 'v_proj'], [rank2, rank4]);

  it('stacks to the largest rank with one slot per adapter after the zero slot', () => {
    expect(rank).toBe(4);
    expect(feeds[Q1_A].dims).toEqual([3, 8, 4]);
    expect(feeds[Q1_B].dims).toEqual([3, 4, 8]);
    expect(feeds[V0_A].dims).toEqual([3, 8, 4]);
    expect(feeds[V0_B].dims).toEqual([3, 4, 4]);
    expect(Object.keys(feeds)).toHaveLength(2 * 2 * 2 + 1);
  });

  it('sets the scale vector to [0, s1, s2]', () => {
    expect(feeds.lora_scale.dims).toEqual([3]);
    expect([...feeds.lora_scale.data]).toEqual([0, 1.5, 1]);
  });

  it('leaves slot 0 all zeros', () => {
    for (const name of [Q1_A, Q1_B, V0_A, V0_B]) {
      const [, ...rest] = feeds[name].dims;
      const slotSize = rest[0] * rest[1];
      expect(feeds[name].data.subarray(0, slotSize).every((x) => x === 0)).toBe(true);
    }
  });

  it('pads a rank-2 adapter to rank 4 with its values in the first two columns of A and rows of B', () => {
    const w = rank2.weights.get('1.q_proj')!;
    const a = feeds[Q1_A].data;
    const slot1A = 1 * 8 * 4;
    // A[1][i][j] = a[i][j] for j < 2, 0 for j ≥ 2.
    expect(a[slot1A + 5 * 4 + 0]).toBe(w.a[5 * 2 + 0]);
    expect(a[slot1A + 5 * 4 + 1]).toBe(w.a[5 * 2 + 1]);
    expect(a[slot1A + 5 * 4 + 2]).toBe(0);
    expect(a[slot1A + 5 * 4 + 3]).toBe(0);
    expect(a[slot1A + 7 * 4 + 1]).toBe(w.a[7 * 2 + 1]);
    const b = feeds[Q1_B].data;
    const slot1B = 1 * 4 * 8;
    // B[1][j][o] = b[j][o] for j < 2, 0 for j ≥ 2.
    expect(b[slot1B + 1 * 8 + 6]).toBe(w.b[1 * 8 + 6]);
    expect(b.subarray(slot1B, slot1B + 16)).toEqual(w.b);
    expect(b.subarray(slot1B + 16, slot1B + 32).every((x) => x === 0)).toBe(true);
  });

  it('copies a full-rank adapter unchanged into its slot', () => {
    const w = rank4.weights.get('0.v_proj')!;
    expect(feeds[V0_A].data.subarray(2 * 32, 3 * 32)).toEqual(w.a);
    expect(feeds[V0_B].data.subarray(2 * 16, 3 * 16)).toEqual(w.b);
  });

  it('fills zeros for a target the adapter does not have', () => {
    expect(feeds[V0_A].data.subarray(32, 64).every((x) => x === 0)).toBe(true);
    expect(feeds[V0_B].data.subarray(16, 32).every((x) => x === 0)).toBe(true);
  });

  it('gives the same x A B for the padded slot as for the unpadded adapter', () => {
    const x = Float32Array.from({ length: 3 * 8 }, (_, k) => Math.sin(k + 1));
    const w = rank2.weights.get('1.q_proj')!;
    const direct = matMul(new Float32Array(matMul(x, w.a, 3, 8, 2)), w.b, 3, 2, 8);
    const slotA = feeds[Q1_A].data.subarray(32, 64);
    const slotB = feeds[Q1_B].data.subarray(32, 64);
    const padded = matMul(new Float32Array(matMul(x, slotA, 3, 8, 4)), slotB, 3, 4, 8);
    expect([...padded]).toEqual([...direct]);
  });

  it('gives rank 1 and only the zero slot for a batch without adapters', () => {
    const empty = stackAdapters(cfg, ['q_proj'], []);
    expect(empty.rank).toBe(1);
    expect(empty.feeds['model.layers.0.self_attn.q_proj.lora_A.weight'].dims).toEqual([1, 8, 1]);
    expect([...empty.feeds.lora_scale.data]).toEqual([0]);
  });

  it('rejects an adapter with a target the graph was not compiled with', () => {
    expect(() => stackAdapters(cfg, ['q_proj'], [rank4])).toThrow(AdapterError);
    expect(() => stackAdapters(cfg, ['q_proj'], [rank4])).toThrow(/targets v_proj/);
  });

  it('rejects an adapter for a model with another layer count', () => {
    expect(() => stackAdapters(cfg, ['q_proj'], [{ ...rank2, numLayers: 3 }])).toThrow('adapter covers 3 layers, the model has 2');
  });
});
