/**
 * @module gpu-worker/compiler/weights
 * How the compiler reads checkpoint tensors, and the layout changes it makes to them.
 */

/** A source of named float32 tensors (a loaded checkpoint, or random weights in tests). */
export interface WeightSource {
  has(name: string): boolean;
  /** Returns the tensor, throwing an error that names it when it is missing or has another shape. */
  require(name: string, shape: number[]): Float32Array;
}

/** Transposes a row-major `[rows, cols]` matrix (an `nn.Linear` weight `[out, in]` → `[in, out]`). */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}

/**
 * Builds the `[in, Σout]` matrix that computes several projections of one input at once
 * (q|k|v, gate|up) from their `[out_i, in]` weights.
 */
export function fuseProjections(weights: Float32Array[], outSizes: number[], inFeatures: number): Float32Array {
  const total = outSizes.reduce((a, b) => a + b, 0);
  const fused = new Float32Array(inFeatures * total);
  let column = 0;
  weights.forEach((w, k) => {
    const out = outSizes[k];
    for (let o = 0; o < out; o++) {
      const row = o * inFeatures;
      for (let i = 0; i < inFeatures; i++) fused[i * total + column + o] = w[row + i];
    }
    column += out;
  });
  return fused;
}

/** Concatenates bias vectors in projection order. */
export function concatVectors(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
