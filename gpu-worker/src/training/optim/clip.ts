/**
 * @module training/optim/clip
 * Global gradient-norm clipping, as `torch.nn.utils.clip_grad_norm_` with `norm_type=2`, and the
 * NaN/Inf check a training loop makes before it lets a step through. Norms are summed in double
 * precision, so they do not overflow or lose small terms the way a float32 sum can.
 */

/** The L2 norm of all the arrays together, √(Σ x²), in double precision. NaN or ∞ if any element is. */
export function globalL2Norm(arrays: Iterable<Float32Array>): number {
  let sumOfSquares = 0;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) sumOfSquares += values[i] * values[i];
  }
  return Math.sqrt(sumOfSquares);
}

/**
 * Scales `grads` in place so their global L2 norm is at most `maxNorm`, with PyTorch's coefficient
 * min(1, maxNorm / (norm + 1e-6)), and returns the norm before clipping.
 *
 * A non-finite norm leaves `grads` unchanged (PyTorch would multiply by 0 and turn ∞ into NaN);
 * the caller should skip the step, e.g. after {@link hasNonFinite}.
 *
 * @param maxNorm - largest global L2 norm allowed, > 0
 * @returns the global L2 norm before clipping
 * @throws RangeError when `maxNorm` is not a positive finite number
 * @example
 * const norm = clipGradNorm(grads, 1.0);
 * if (!Number.isFinite(norm)) skipStep();
 */
export function clipGradNorm(grads: ReadonlyMap<string, Float32Array>, maxNorm: number): number {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) throw new RangeError(`maxNorm must be a positive finite number, got ${maxNorm}`);
  const norm = globalL2Norm(grads.values());
  if (!Number.isFinite(norm)) return norm;
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) {
    for (const values of grads.values()) {
      for (let i = 0; i < values.length; i++) values[i] *= coefficient;
    }
  }
  return norm;
}

/** True when any gradient element is NaN, +∞ or −∞. */
export function hasNonFinite(grads: ReadonlyMap<string, Float32Array>): boolean {
  for (const values of grads.values()) {
    for (let i = 0; i < values.length; i++) {
      // x − x is 0 for finite x and NaN for NaN and ±∞: one comparison per element.
      if (values[i] - values[i] !== 0) return true;
    }
  }
  return false;
}
