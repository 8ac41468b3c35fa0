/**
 * @module gpu-worker/generation/kv-batch
 * The KV cache of a running batch, left-padded to a common length.
 *
 * Rows join (after their own prefill) and leave between decode steps. Caches are copied only
 * then: a join pads the shorter side on the left, a leave drops the row, and columns that
 * are padding in every row are trimmed. Between joins and leaves each decode step simply
 * adopts the model's `present` tensors as the new cache.
 */
import type { LayerCache } from '../runtime/model-session';

/** Shape facts of the cache. */
export interface KvGeometry {
  numLayers: number;
  numKvHeads: number;
  headDim: number;
}

/** KV cache `[rows, kv_heads, length, head_dim]` per layer plus its `[rows, length]` mask. */
export class KvBatch {
  constructor(
    readonly geometry: KvGeometry,
    public rows: number,
    public length: number,
    public layers: LayerCache[],
    public mask: BigInt64Array,
  ) {}

  /** An empty batch. */
  static empty(geometry: KvGeometry): KvBatch {
    const layers = Array.from({ length: geometry.numLayers }, () => ({ key: new Float32Array(0), value: new Float32Array(0) }));
    return new KvBatch(geometry, 0, 0, layers, new BigInt64Array(0));
  }

  /**
   * Copies rows `keep` (in that order) into new arrays of `length` columns: columns
   * `[start, start + n)` of each source row land at `[shift, shift + n)`, the rest is padding.
   * Left-padding a batch is `start = 0, shift = length − this.length`; trimming is `shift = 0`.
   */
  private copyRows(keep: number[], length: number, start: number, shift: number): { layers: LayerCache[]; mask: BigInt64Array } {
    const { numKvHeads: kv, headDim: d } = this.geometry;
    const n = Math.min(this.length - start, length - shift);
    const copy = (src: Float32Array) => {
      const dst = new Float32Array(keep.length * kv * length * d);
      keep.forEach((row, r) => {
        for (let h = 0; h < kv; h++) {
          const from = ((row * kv + h) * this.length + start) * d;
          dst.set(src.subarray(from, from + n * d), ((r * kv + h) * length + shift) * d);
        }
      });
      return dst;
    };
    const mask = new BigInt64Array(keep.length * length);
    keep.forEach((row, r) => mask.set(this.mask.subarray(row * this.length + start, row * this.length + start + n), r * length + shift));
    return { layers: this.layers.map((l) => ({ key: copy(l.key), value: copy(l.value) })), mask };
  }

  /** Appends the rows of `other` (e.g. freshly prefilled requests) after this batch's rows. */
  append(other: KvBatch): void {
    if (this.rows === 0) {
      Object.assign(this, { rows: other.rows, length: other.length, layers: other.layers, mask: other.mask });
      return;
    }
    const length = Math.max(this.length, other.length);
    const a = this.length === length ? { layers: this.layers, mask: this.mask } : this.copyRows(range(this.rows), length, 0, length - this.length);
    const b = other.length === length ? { layers: other.layers, mask: other.mask } : other.copyRows(range(other.rows), length, 0, length - other.length);
    this.layers = a.layers.map((l, i) => ({ key: concatArrays(l.key, b.layers[i].key), value: concatArrays(l.value, b.layers[i].value) }));
    const mask = new BigInt64Array((this.rows + other.rows) * length);
    mask.set(a.mask);
    mask.set(b.mask, this.rows * length);
    this.mask = mask;
    this.rows += other.rows;
    this.length = length;
  }

  /** Keeps only the rows listed (in that order), then trims columns that are padding in every row. */
  keepRows(keep: number[]): void {
    let firstUsed = this.length;
    for (const row of keep) {
      for (let j = 0; j < this.length; j++) {
        if (this.mask[row * this.length + j] !== 0n) {
          firstUsed = Math.min(firstUsed, j);
          break;
        }
      }
    }
    const newLength = keep.length === 0 ? 0 : this.length - firstUsed;
    const trimmed = this.copyRows(keep, newLength, firstUsed, 0);
    Object.assign(this, { rows: keep.length, length: newLength, layers: trimmed.layers, mask: trimmed.mask });
  }

  /** The attention mask for a step that appends `seq` real tokens to every row. */
  maskWithNew(seq: number): BigInt64Array {
    const total = this.length + seq;
    const mask = new BigInt64Array(this.rows * total).fill(1n);
    for (let r = 0; r < this.rows; r++) mask.set(this.mask.subarray(r * this.length, (r + 1) * this.length), r * total);
    return mask;
  }

  /** Adopts the model's `present` cache after a step that appended `seq` tokens per row. */
  advance(present: LayerCache[], seq: number): void {
    this.mask = this.maskWithNew(seq);
    this.length += seq;
    this.layers = present;
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function concatArrays(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
