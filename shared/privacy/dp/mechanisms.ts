/**
 * @module shared/privacy/dp/mechanisms
 * The continuous Gaussian and Laplace mechanisms: noise samplers fed by `crypto.getRandomValues`
 * (through {@link SecureRandom}) and the privacy each one gives.
 *
 * Floating-point caveat (Mironov 2012, "On significance of the least significant bits for
 * differential privacy", CCS): these samplers compute noise in double precision, and the set of
 * doubles a sampler can return around f(D) differs from the set around f(D′); an attacker who sees
 * the exact output bits can sometimes tell them apart, whatever ε says. These samplers do NOT
 * address that. For counts and other integer-valued statistics use the exact discrete samplers in
 * `./discrete`; for a bounded real-valued statistic with pure ε-DP use the snapping mechanism in
 * `./snapping`. The Gaussian noise of DP-SGD, added to float32 gradients, stays exposed to this
 * class of attack, as in Opacus and TF Privacy.
 */
import { secureRandom, type SecureRandom } from './secure-random';

const TWO_PI = 2 * Math.PI;

function assertPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number, got ${value}`);
}

/**
 * A sample of N(0, σ²) by the Box–Muller transform (Box & Muller 1958) on two uniforms in (0, 1)
 * with 53 random bits each. Because the uniforms are at least 2⁻⁵³, |noise| ≤ 8.58σ: the tail
 * beyond that (probability about 1e-17) is cut off.
 *
 * @example const noisy = mean + gaussianNoise(sensitivity * noiseMultiplier);
 */
export function gaussianNoise(sigma: number, random: SecureRandom = secureRandom): number {
  assertPositive('sigma', sigma);
  const radius = Math.sqrt(-2 * Math.log(random.uniformOpen()));
  return sigma * radius * Math.cos(TWO_PI * random.uniformOpen());
}

/**
 * Adds independent N(0, σ²) noise to every element of `values`, in place, and returns the same
 * array. Uses both outputs of each Box–Muller pair. Elements of a Float32Array are rounded to
 * float32 after the addition.
 *
 * @example addGaussianNoise(clippedGradientSum, clipNorm * noiseMultiplier);
 */
export function addGaussianNoise<T extends Float32Array | Float64Array>(values: T, sigma: number, random: SecureRandom = secureRandom): T {
  assertPositive('sigma', sigma);
  for (let i = 0; i < values.length; i += 2) {
    const radius = sigma * Math.sqrt(-2 * Math.log(random.uniformOpen()));
    const angle = TWO_PI * random.uniformOpen();
    values[i] += radius * Math.cos(angle);
    if (i + 1 < values.length) values[i + 1] += radius * Math.sin(angle);
  }
  return values;
}

/**
 * A sample of the Laplace distribution with scale b (density e^(−|x|/b) / 2b): a random sign times
 * b·E, with E = −ln U exponential and U uniform in (0, 1) with 53 random bits. The separate sign
 * bit keeps all 53 bits for the magnitude. |noise| ≤ 36.8·b (53·ln 2).
 *
 * @example const noisyCount = count + laplaceNoise(laplaceScale({ epsilon: 0.1 }));
 */
export function laplaceNoise(b: number, random: SecureRandom = secureRandom): number {
  assertPositive('b', b);
  const magnitude = -b * Math.log(random.uniformOpen());
  return random.bit() === 1 ? magnitude : -magnitude;
}

/** The sensitivity of a statistic: how much one user's data can move it. */
export interface SensitivityOptions {
  /** L1 sensitivity for Laplace, L2 sensitivity for Gaussian. @default 1 */
  sensitivity?: number;
}

/**
 * ε of the Laplace mechanism: noise of scale b on a statistic of L1 sensitivity Δ₁ gives
 * (Δ₁/b, 0)-DP (Dwork, McSherry, Nissim & Smith 2006; Dwork & Roth 2014, Thm. 3.6).
 */
export function laplaceEpsilon({ scale, sensitivity = 1 }: { scale: number } & SensitivityOptions): number {
  assertPositive('scale', scale);
  assertPositive('sensitivity', sensitivity);
  return sensitivity / scale;
}

/** The Laplace scale b = Δ₁/ε that gives ε-DP (inverse of {@link laplaceEpsilon}). */
export function laplaceScale({ epsilon, sensitivity = 1 }: { epsilon: number } & SensitivityOptions): number {
  assertPositive('epsilon', epsilon);
  assertPositive('sensitivity', sensitivity);
  return sensitivity / epsilon;
}

/**
 * Rényi DP of the Gaussian mechanism at order α: ε(α) = α·Δ₂² / (2σ²) (Mironov 2017, "Rényi
 * differential privacy", Prop. 7); at α = 1 this is the KL divergence Δ₂²/(2σ²). σ = 0 gives ∞.
 */
export function gaussianRdp({ order, sigma, sensitivity = 1 }: { order: number; sigma: number } & SensitivityOptions): number {
  if (!(order >= 1)) throw new RangeError(`order must be at least 1, got ${order}`);
  if (!(sigma >= 0)) throw new RangeError(`sigma must be non-negative, got ${sigma}`);
  if (!(sensitivity >= 0) || !Number.isFinite(sensitivity)) throw new RangeError(`sensitivity must be a non-negative finite number, got ${sensitivity}`);
  if (sensitivity === 0) return 0;
  if (sigma === 0) return Infinity;
  return (order * sensitivity * sensitivity) / (2 * sigma * sigma);
}
