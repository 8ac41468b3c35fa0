/**
 * @module shared/privacy/dp/discrete
 * Exact samplers of the discrete Laplace and discrete Gaussian distributions on the integers
 * (Canonne, Kamath & Steinke 2020, "The discrete Gaussian for differential privacy", NeurIPS, §5,
 * Algorithms 1–3). They use only integer (bigint) arithmetic and uniform random integers, so the
 * output distribution is exactly the ideal one: no floating-point side channel of the kind
 * Mironov 2012 exploits. Use them for counts, histograms and other integer-valued statistics
 * (scale real-valued ones onto an integer grid first, and account for the rounding in the
 * sensitivity).
 *
 * Privacy: discrete Laplace with scale t on a statistic of L1 sensitivity Δ (an integer) is
 * (Δ/t)-DP; the discrete Gaussian N_ℤ(0, σ²) on a statistic of L2 sensitivity Δ is ½(Δ/σ)²-zCDP,
 * i.e. the RDP curve α·Δ²/(2σ²) of the continuous Gaussian (CKS 2020, Thm. 4), so
 * `gaussianCurve` in `./composition` accounts for it.
 */
import { secureRandom, type SecureRandom } from './secure-random';

/** A non-negative rational num/den with den > 0. */
interface Rational {
  num: bigint;
  den: bigint;
}

/** The exact value of a finite non-negative double as a fraction (every double is m·2^e). */
function exactRational(x: number, name: string): Rational {
  if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a non-negative finite number, got ${x}`);
  if (x === 0) return { num: 0n, den: 1n };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075; // x = mantissa · 2^exponent
  return exponent >= 0 ? { num: mantissa << BigInt(exponent), den: 1n } : { num: mantissa, den: 1n << BigInt(-exponent) };
}

/** True with probability num/den (0 ≤ num ≤ den), by one uniform integer in [0, den). */
function bernoulli(num: bigint, den: bigint, random: SecureRandom): boolean {
  return random.bigIntBelow(den) < num;
}

/** True with probability exp(−num/den), exactly (CKS 2020, Algorithm 1). */
function bernoulliExpNeg(num: bigint, den: bigint, random: SecureRandom): boolean {
  if (num <= den) {
    // γ ∈ [0, 1]: K counts successes of Bernoulli(γ/K); P[K odd] = e^(−γ).
    let k = 1n;
    while (bernoulli(num, den * k, random)) k++;
    return k % 2n === 1n;
  }
  // γ > 1: e^(−γ) = (e^(−1))^⌊γ⌋ · e^(−(γ − ⌊γ⌋)).
  for (let i = num / den; i > 0n; i--) {
    if (!bernoulliExpNeg(1n, 1n, random)) return false;
  }
  return bernoulliExpNeg(num % den, den, random);
}

/**
 * A sample of the discrete Laplace distribution with scale t/s: P[Y = y] ∝ exp(−|y|·s/t)
 * (CKS 2020, Algorithm 2). s, t positive integers.
 */
function sampleDiscreteLaplace(s: bigint, t: bigint, random: SecureRandom): bigint {
  for (;;) {
    const u = random.bigIntBelow(t);
    if (!bernoulliExpNeg(u, t, random)) continue;
    let v = 0n;
    while (bernoulliExpNeg(1n, 1n, random)) v++;
    const y = (u + t * v) / s; // bigint division floors for non-negative operands
    const negative = random.bit() === 1;
    if (negative && y === 0n) continue; // so that 0 is not counted twice
    return negative ? -y : y;
  }
}

/** Converts a sample to a number, refusing one beyond the safe integers (never at sane scales). */
function toSafeNumber(y: bigint): number {
  const n = Number(y);
  if (!Number.isSafeInteger(n)) throw new RangeError(`discrete noise ${y} is beyond the safe integers; the scale is too large`);
  return n;
}

/**
 * Integer noise with P[Y = y] ∝ exp(−|y|/scale), sampled exactly (the "two-sided geometric"
 * mechanism). On an integer statistic of L1 sensitivity Δ it gives (Δ/scale)-DP.
 *
 * @example const noisyCount = count + discreteLaplaceNoise(1 / 0.1); // ε = 0.1 for a count
 */
export function discreteLaplaceNoise(scale: number, random: SecureRandom = secureRandom): number {
  const { num, den } = exactRational(scale, 'scale');
  if (num === 0n) throw new RangeError('scale must be positive, got 0');
  return toSafeNumber(sampleDiscreteLaplace(den, num, random));
}

/**
 * Integer noise from the discrete Gaussian N_ℤ(0, σ²): P[Y = y] ∝ exp(−y²/(2σ²)), sampled exactly
 * by rejection from the discrete Laplace with scale t = ⌊σ⌋ + 1 (CKS 2020, Algorithm 3), with σ²
 * taken as the exact square of the double σ. Its variance is at most σ² (and equal to it within
 * 3e-7 relative for σ ≥ 1).
 *
 * @example const noisyHistogram = histogram.map((c) => c + discreteGaussianNoise(sigma));
 */
export function discreteGaussianNoise(sigma: number, random: SecureRandom = secureRandom): number {
  const s = exactRational(sigma, 'sigma');
  if (s.num === 0n) throw new RangeError('sigma must be positive, got 0');
  const a = s.num * s.num; // σ² = a/b exactly
  const b = s.den * s.den;
  const t = s.num / s.den + 1n; // ⌊σ⌋ + 1
  for (;;) {
    const y = sampleDiscreteLaplace(1n, t, random);
    const magnitude = y < 0n ? -y : y;
    // Accept with probability exp(−(|y| − σ²/t)²/(2σ²)) = exp(−(|y|·b·t − a)² / (2·a·b·t²)).
    const diff = magnitude * b * t - a;
    if (bernoulliExpNeg(diff * diff, 2n * a * b * t * t, random)) return toSafeNumber(y);
  }
}

/** ε of discrete Laplace noise with the given scale on an integer statistic of L1 sensitivity Δ. */
export function discreteLaplaceEpsilon({ scale, sensitivity = 1 }: { scale: number; sensitivity?: number }): number {
  if (!(scale > 0)) throw new RangeError(`scale must be positive, got ${scale}`);
  if (!Number.isInteger(sensitivity) || sensitivity < 0) throw new RangeError(`sensitivity must be a non-negative integer for integer-valued statistics, got ${sensitivity}`);
  return sensitivity / scale;
}
