/**
 * @module gpu-worker/generation/kv-batch tests: joins left-pad the shorter side, leaves drop rows and
 * trim all-padding columns, and decode steps grow the mask and adopt `present`. Every cache value
 * is distinct, so each check names the exact source element that must land at an index.
 */
import { describe, expect, it } from 'vitest';
import type { LayerCache } from '../runtime/model-session';
import { KvBatch, type KvGeometry } from './kv-batch';

const geometry: KvGeometry = { numLayers: 2, numKvHeads: 2, headDim: 2 };
const { numKvHeads: KV, headDim: D } = geometry;

/**
 * A batch whose rows have the given masks. Layer l's key element i is `base + 1000·l + i + 1`
 * (never 0, so padding is visible) and its value element is the negative of that.
 */
function batch(masks: number[][], base: number): KvBatch {
  const rows = masks.length;
  const length = masks[0]?.length ?? 0;
  const size = rows * KV * length * D;
  const layers: LayerCache[] = Array.from({ length: geometry.numLayers }, (_, l) => ({
    key: Float32Array.from({ length: size }, (_, i) => base + 1000 * l + i + 1),
    value: Float32Array.from({ length: size }, (_, i) => -(base + 1000 * l + i + 1)),
  }));
  return new KvBatch(geometry, rows, length, layers, BigInt64Array.from(masks.flat().map(BigInt)));
}

/** Flat index of `[row, head, t, d]` in a cache of `length` columns. */
const at = (length: number, row: number, head: number, t: number, d: number) => ((row * KV + head) * length + t) * D + d;

function maskRows(b: KvBatch): number[][] {
  return Array.from({ length: b.rows }, (_, r) => Array.from(b.mask.subarray(r * b.length, (r + 1) * b.length), Number));
}

describe('KvBatch.append', () => {
  it('left-pads the existing rows when the incoming batch is longer', () => {
    const running = batch([[1, 1]], 0); // 1 row, length 2
    const joining = batch([[0, 1, 1], [1, 1, 1]], 500); // 2 rows, length 3
    running.append(joining);

    expect(running.rows).toBe(3);
    expect(running.length).toBe(3);
    expect(maskRows(running)).toEqual([[0, 1, 1], [0, 1, 1], [1, 1, 1]]);
    const layer = running.layers[1];
    expect(layer.key).toHaveLength(3 * KV * 3 * D);
    // Row 0, column 0 is new padding: zeros in every head.
    for (let h = 0; h < KV; h++) for (let d = 0; d < D; d++) {
      expect(layer.key[at(3, 0, h, 0, d)]).toBe(0);
      expect(layer.value[at(3, 0, h, 0, d)]).toBe(0);
    }
    // Row 0's old column t is now column t + 1: head 1, old t 0, d 1 was element at(2,0,1,0,1) = 5.
    expect(layer.key[at(3, 0, 1, 1, 1)]).toBe(1000 + at(2, 0, 1, 0, 1) + 1);
    expect(layer.key[at(3, 0, 1, 1, 1)]).toBe(1006);
    expect(layer.value[at(3, 0, 0, 2, 0)]).toBe(-(1000 + at(2, 0, 0, 1, 0) + 1));
    // The joining rows keep their layout, shifted down by one row.
    expect(layer.key[at(3, 1, 0, 0, 0)]).toBe(500 + 1000 + at(3, 0, 0, 0, 0) + 1);
    expect(layer.key[at(3, 2, 1, 2, 1)]).toBe(500 + 1000 + at(3, 1, 1, 2, 1) + 1);
    expect(layer.value[at(3, 2, 1, 2, 1)]).toBe(-1524);
    // Layer 0 is padded the same way.
    expect(running.layers[0].key[at(3, 0, 0, 1, 0)]).toBe(1);
  });

  it('left-pads the incoming rows when the running batch is longer', () => {
    const running = batch([[1, 1, 1], [0, 1, 1]], 0);
    const joining = batch([[1]], 900);
    running.append(joining);
    expect(running.rows).toBe(3);
    expect(running.length).toBe(3);
    expect(maskRows(running)).toEqual([[1, 1, 1], [0, 1, 1], [0, 0, 1]]);
    const key = running.layers[0].key;
    // The running rows are unchanged.
    expect(Array.from(key.subarray(0, 2 * KV * 3 * D))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // The joining row's single column lands in column 2 of each head.
    expect(key[at(3, 2, 0, 0, 0)]).toBe(0);
    expect(key[at(3, 2, 0, 2, 0)]).toBe(901);
    expect(key[at(3, 2, 0, 2, 1)]).toBe(902);
    expect(key[at(3, 2, 1, 2, 0)]).toBe(903);
    expect(running.layers[0].value[at(3, 2, 1, 2, 1)]).toBe(-904);
  });

  it('adopts the incoming batch as it is when the running batch is empty', () => {
    const empty = KvBatch.empty(geometry);
    expect(empty.rows).toBe(0);
    expect(empty.length).toBe(0);
    expect(empty.layers).toHaveLength(2);
    const joining = batch([[0, 1], [1, 1]], 0);
    empty.append(joining);
    expect(empty.rows).toBe(2);
    expect(empty.length).toBe(2);
    expect(empty.layers).toBe(joining.layers);
    expect(maskRows(empty)).toEqual([[0, 1], [1, 1]]);
  });

  it('leaves the batch unchanged when the incoming batch is empty', () => {
    const running = batch([[0, 1], [1, 1]], 0);
    const before = running.layers.map((l) => Array.from(l.key));
    running.append(KvBatch.empty(geometry));
    expect(running.rows).toBe(2);
    expect(running.length).toBe(2);
    expect(running.layers.map((l) => Array.from(l.key))).toEqual(before);
    expect(maskRows(running)).toEqual([[0, 1], [1, 1]]);
  });
});

describe('KvBatch.keepRows', () => {
  const masks = [[0, 1, 1, 1], [0, 0, 0, 1], [0, 0, 1, 1]];

  it('drops rows and trims the columns that are padding in every kept row', () => {
    const b = batch(masks, 0);
    b.keepRows([2, 1]);
    expect(b.rows).toBe(2);
    expect(b.length).toBe(2);
    expect(maskRows(b)).toEqual([[1, 1], [0, 1]]);
    // New row 0 is old row 2 from column 2; new row 1 is old row 1 from column 2.
    const key = b.layers[1].key;
    expect(key).toHaveLength(2 * KV * 2 * D);
    expect(key[at(2, 0, 0, 0, 0)]).toBe(1000 + at(4, 2, 0, 2, 0) + 1);
    expect(key[at(2, 0, 1, 1, 1)]).toBe(1000 + at(4, 2, 1, 3, 1) + 1);
    expect(key[at(2, 1, 0, 1, 0)]).toBe(1000 + at(4, 1, 0, 3, 0) + 1);
    expect(b.layers[0].value[at(2, 1, 1, 0, 1)]).toBe(-(at(4, 1, 1, 2, 1) + 1));
  });

  it('keeps every column when a kept row uses the first one', () => {
    const b = batch([[1, 1, 1], [0, 0, 1]], 0);
    b.keepRows([1, 0]);
    expect(b.length).toBe(3);
    expect(maskRows(b)).toEqual([[0, 0, 1], [1, 1, 1]]);
    expect(b.layers[0].key[at(3, 1, 0, 0, 0)]).toBe(1);
  });

  it('trims to the single remaining row’s own length', () => {
    const b = batch(masks, 0);
    b.keepRows([1]);
    expect(b.rows).toBe(1);
    expect(b.length).toBe(1);
    expect(maskRows(b)).toEqual([[1]]);
    // Old row 1, column 3, heads 0 and 1: elements 22, 23, 30, 31 of layer 0 (values one higher).
    expect([at(4, 1, 0, 3, 0), at(4, 1, 0, 3, 1), at(4, 1, 1, 3, 0), at(4, 1, 1, 3, 1)]).toEqual([22, 23, 30, 31]);
    expect(Array.from(b.layers[0].key)).toEqual([23, 24, 31, 32]);
  });

  it('empties the batch when no row is kept, and a later append adopts the new rows', () => {
    const b = batch(masks, 0);
    b.keepRows([]);
    expect(b.rows).toBe(0);
    expect(b.length).toBe(0);
    expect(b.mask).toHaveLength(0);
    expect(b.layers.every((l) => l.key.length === 0 && l.value.length === 0)).toBe(true);
    b.append(batch([[1, 1]], 0));
    expect(b.rows).toBe(1);
    expect(b.length).toBe(2);
  });
});

describe('KvBatch decode steps', () => {
  it('maskWithNew appends ones after each row’s mask', () => {
    const b = batch([[0, 1], [1, 1]], 0);
    const mask = b.maskWithNew(2);
    expect(Array.from(mask, Number)).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    // The batch itself is unchanged.
    expect(b.length).toBe(2);
    expect(Array.from(b.mask, Number)).toEqual([0, 1, 1, 1]);
  });

  it('maskWithNew on an empty-length batch is all ones', () => {
    const b = new KvBatch(geometry, 2, 0, [], new BigInt64Array(0));
    expect(Array.from(b.maskWithNew(3), Number)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('advance adopts the present cache, grows the length and extends the mask', () => {
    const b = batch([[0, 1], [1, 1]], 0);
    const present = batch([[0, 1, 1], [1, 1, 1]], 7000).layers;
    b.advance(present, 1);
    expect(b.length).toBe(3);
    expect(b.rows).toBe(2);
    expect(b.layers).toBe(present);
    expect(maskRows(b)).toEqual([[0, 1, 1], [1, 1, 1]]);
    b.advance(present, 1);
    expect(b.length).toBe(4);
    expect(maskRows(b)).toEqual([[0, 1, 1, 1], [1, 1, 1, 1]]);
  });
});
