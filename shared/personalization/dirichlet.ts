/**
 * @module shared/personalization/dirichlet
 * Gamma and Dirichlet draws from an injected uniform generator, for Thompson sampling over the
 * preference model's Dirichlet posteriors. The generator is a parameter (`() => number`, uniform in
 * [0, 1)) so that tests and replays are deterministic; pure ECMAScript, runtime-neutral.
 */

/** A uniform generator on [0, 1), e.g. `Math.random` or `createSeededRng(seed).next`. */
export type UniformRng = () => number;

/** Standard normal by the Box-Muller transform (one of the pair is used). */
export function sampleStandardNormal(rng: UniformRng): number {
  const u1 = 1 - rng(); // (0, 1]: keeps log finite
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Gamma(shape, 1) by Marsaglia & Tsang, "A simple method for generating gamma variables"
 * (ACM TOMS 26(3), 2000): squeeze test first, then the log test. Shapes below 1 use their boost,
 * Gamma(a) = Gamma(a + 1) · U^(1/a).
 *
 * @example
 * sampleGamma(2.5, Math.random); // mean 2.5, variance 2.5
 */
export function sampleGamma(shape: number, rng: UniformRng): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`shape must be a finite number > 0, got ${shape}`);
  if (shape < 1) return sampleGamma(shape + 1, rng) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleStandardNormal(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * One draw θ ~ Dirichlet(alphas): independent Gamma(alpha_i, 1) draws, normalised.
 *
 * @example
 * const theta = sampleDirichlet([3, 1, 1], rng); // sums to 1; E[θ] = [0.6, 0.2, 0.2]
 */
export function sampleDirichlet(alphas: readonly number[], rng: UniformRng): number[] {
  if (alphas.length === 0) throw new RangeError('alphas must not be empty');
  const draws = alphas.map((a) => sampleGamma(a, rng));
  const total = draws.reduce((sum, g) => sum + g, 0);
  if (total > 0) return draws.map((g) => g / total);
  // Every draw underflowed (only with tiny alphas): all mass on the largest alpha.
  const best = alphas.indexOf(Math.max(...alphas));
  return alphas.map((_, i) => (i === best ? 1 : 0));
}
