/**
 * @module training/dp-sgd/privatize-batch
 * One DP-SGD gradient (Abadi et al. 2016, Algorithm 1): clip each example to L2 norm C, sum, add
 * N(0, σ²C²) to every coordinate, divide by the batch size. Under Poisson sampling the divisor is
 * the expected batch size q·n, not the drawn one, as Opacus does: dividing by the drawn size
 * would make the output depend on whether one example is present through the divisor as well,
 * which the noise is not calibrated for. The noise comes from the DP library's Gaussian
 * mechanism over WebCrypto randomness.
 */
import { addGaussianNoise } from '../../../../shared/privacy/dp/mechanisms';
import { secureRandom, type SecureRandom } from '../../../../shared/privacy/dp/secure-random';
import { clipPerExample } from './clip-per-example';
import { layoutOf, type GradientLayout } from './gradient-layout';

/** Options of {@link privatizeBatch}. */
export interface PrivatizeBatchOptions {
  /** C: each example's gradient is clipped to this L2 norm; > 0. */
  clipNorm: number;
  /** σ: the noise std is σ·C; > 0. The accountant needs the same σ. */
  noiseMultiplier: number;
  /** The divisor: q·n under Poisson sampling (need not be an integer); > 0. */
  expectedBatchSize: number;
  /**
   * The gradient tensors and their lengths. Required when the batch may be empty (Poisson
   * sampling can draw no example, and the step must still release noise).
   * @default the first example's
   */
  layout?: GradientLayout;
  /** Source of the noise; tests may pass a `SecureRandom` over a stub. @default secureRandom */
  random?: SecureRandom;
}

function assertPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number, got ${value}`);
}

/**
 * The privatized mean gradient of a batch: (Σᵢ clip(gᵢ, C) + N(0, σ²C²·I)) / B.
 * Clips the examples' arrays in place (they are scratch); returns fresh arrays.
 *
 * @param perExampleGrads - one gradient map per sampled example, all with the same tensors
 * @throws RangeError naming the option when an option is out of range, when the batch is empty and
 *   no `layout` is given, or when an example's tensors differ from the layout
 * @example
 * const batch = poissonSample(n, q);
 * const grads = privatizeBatch(batch.map(perExampleGradient), { clipNorm: 1, noiseMultiplier: 1.1, expectedBatchSize: q * n, layout });
 * optimizer.step(grads);
 */
export function privatizeBatch(
  perExampleGrads: readonly ReadonlyMap<string, Float32Array>[],
  options: PrivatizeBatchOptions,
): Map<string, Float32Array> {
  const { clipNorm, noiseMultiplier, expectedBatchSize, random = secureRandom } = options;
  assertPositive('clipNorm', clipNorm);
  assertPositive('noiseMultiplier', noiseMultiplier);
  assertPositive('expectedBatchSize', expectedBatchSize);
  const layout = options.layout ?? (perExampleGrads.length > 0 ? layoutOf(perExampleGrads[0]) : undefined);
  if (layout === undefined) throw new RangeError('an empty batch needs options.layout: the noise must still be released with the gradient shapes');
  clipPerExample(perExampleGrads, clipNorm, layout);

  const result = new Map<string, Float32Array>();
  for (const [name, length] of layout) {
    const sum = new Float64Array(length);
    for (const grads of perExampleGrads) {
      const values = grads.get(name)!;
      for (let i = 0; i < length; i++) sum[i] += values[i];
    }
    addGaussianNoise(sum, noiseMultiplier * clipNorm, random);
    const mean = new Float32Array(length);
    for (let i = 0; i < length; i++) mean[i] = sum[i] / expectedBatchSize;
    result.set(name, mean);
  }
  return result;
}
