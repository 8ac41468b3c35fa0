/**
 * @module training/dp-sgd/clip-per-example
 * Per-example gradient clipping (Abadi et al. 2016, "Deep learning with differential privacy", CCS,
 * Algorithm 1, "clip gradient"): each example's gradient, all tensors together, is scaled to L2
 * norm at most C. That bound is the L2 sensitivity of the gradient sum the Gaussian noise is
 * calibrated to, so it must hold for the float32 values actually summed: after Opacus's scaling,
 * min(1, C / (‖g‖ + 1e-6)), the norm is measured again and, if float32 rounding left it above C,
 * scaled once more.
 */
import { globalL2Norm } from '../optim/clip';
import { assertLayout, layoutOf, type GradientLayout } from './gradient-layout';

/** What clipping did. Derived from private data: for local diagnostics, not to be published or logged per user. */
export interface PerExampleClipReport {
  /** Each example's L2 norm before clipping (NaN or ∞ for a non-finite gradient). */
  norms: number[];
  /** How many examples were scaled down. */
  clipped: number;
  /** Indices of examples whose gradient held NaN or ±∞; they were set to zero (a contribution of norm 0 ≤ C). */
  zeroed: number[];
}

/** The factor by which the last correction shrinks beyond C/‖g‖: a few float32 ulps (2⁻²⁰ ≈ 9.5e-7). */
const CORRECTION_MARGIN = 1 - 2 ** -20;

function scaleInPlace(grads: ReadonlyMap<string, Float32Array>, factor: number): void {
  for (const values of grads.values()) {
    for (let i = 0; i < values.length; i++) values[i] *= factor;
  }
}

/**
 * Clips every example's gradient in place to global L2 norm ≤ `clipNorm`.
 *
 * @param perExampleGrads - one gradient map per example, all with the same tensors and lengths
 * @param clipNorm - C, the largest L2 norm one example may contribute; > 0
 * @param layout - the expected tensors; @default the first example's
 * @returns the norms before clipping, how many were clipped and which were zeroed
 * @throws RangeError when `clipNorm` is out of range or an example's tensors differ from the layout
 * @example
 * const { clipped } = clipPerExample(grads, 1.0);
 */
export function clipPerExample(
  perExampleGrads: readonly ReadonlyMap<string, Float32Array>[],
  clipNorm: number,
  layout: GradientLayout | undefined = perExampleGrads.length > 0 ? layoutOf(perExampleGrads[0]) : undefined,
): PerExampleClipReport {
  if (!(clipNorm > 0) || !Number.isFinite(clipNorm)) throw new RangeError(`clipNorm must be a positive finite number, got ${clipNorm}`);
  if (layout !== undefined) perExampleGrads.forEach((grads, i) => assertLayout(grads, layout, `example ${i}`));
  const report: PerExampleClipReport = { norms: [], clipped: 0, zeroed: [] };
  perExampleGrads.forEach((grads, index) => {
    const norm = globalL2Norm(grads.values());
    report.norms.push(norm);
    if (!Number.isFinite(norm)) {
      for (const values of grads.values()) values.fill(0);
      report.zeroed.push(index);
      return;
    }
    const factor = clipNorm / (norm + 1e-6);
    if (factor >= 1) return;
    report.clipped += 1;
    scaleInPlace(grads, factor);
    for (let after = globalL2Norm(grads.values()); after > clipNorm; after = globalL2Norm(grads.values())) {
      scaleInPlace(grads, (clipNorm / after) * CORRECTION_MARGIN);
    }
  });
  return report;
}
