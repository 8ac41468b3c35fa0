/**
 * @module shared/personalization/population-clusters
 * Cold start from differentially private population clusters. A round collects, per public
 * centroid, the sums of its members' cluster-space points and style vectors (`clusterContribution`)
 * and their count; its release adds Gaussian noise to all of these at once and yields a noisy
 * centroid and a style prior per cluster; a new user takes the prior of the nearest cluster.
 * The next round may start from the released centroids (a private Lloyd step) once they are
 * reliable, i.e. sizes well above the noise norm 4·σ·√3; until then keep `initialCentroids()`.
 *
 * Privacy (docs/privacy.md): the unit is the user, neighbouring datasets differ by adding or
 * removing one user, and each user contributes at most once per round (the caller dedupes). A
 * contribution is clipped to ‖point‖₂ ≤ 1 and a style vector with non-negative entries summing to
 * ≤ 1 (so ‖style‖₂ ≤ 1), and it lands in exactly one cluster, chosen against centroids fixed before
 * the round (public: `initialCentroids()` or an earlier release), never against other users' data.
 * So one user moves the concatenation (point sums, style sums, counts of all clusters) by at most
 * Δ = √(1 + 1 + 1) = √3 in L2, and N(0, (σ·Δ)²) noise on every coordinate is the Gaussian mechanism
 * with noise multiplier σ: ε(α) = α/(2σ²) (Mironov 2017, "Rényi differential privacy", Prop. 7),
 * charged once per round to every contributor. Everything after the noise is post-processing. (The
 * noise is double-precision Gaussian: see the floating-point caveat in `privacy/dp/mechanisms`.)
 *
 * A round holds exact sums over many users: it is as sensitive as their data, stays in the
 * aggregating Durable Object and is never logged or exported; only `releaseRound` output leaves.
 */
import { z } from 'zod';
import { STYLES, type Style } from '../api/profile';
import { curveEpsilon, gaussianCurve } from '../privacy/dp/composition';
import { addGaussianNoise } from '../privacy/dp/mechanisms';
import { noiseMultiplierFor } from '../privacy/dp/noise-search';
import { secureRandom, type SecureRandom } from '../privacy/dp/secure-random';
import type { LedgerCharge } from '../privacy/ledger/budget-ledger';
import { CLUSTER_DIM, clipPoint, clipStyle, cosine, nearestIndex, type ClusterContribution } from './cluster-space';
import type { PreferenceState } from './preference-model';

export { clusterContribution, type ClusterContribution, type StyleSummary } from './cluster-space';

/** L2 sensitivity of a round's released vector: point (≤ 1), style (≤ 1) and count (1) of one user. */
export const CLUSTER_SENSITIVITY = Math.sqrt(3);
/** Clusters whose noisy count is below this are released as fallbacks (see {@link releaseRound}). */
export const DEFAULT_MIN_NOISY_COUNT = 10;
/**
 * Pseudo-counts a cluster prior adds to style (on top of 1 per value): half the default prior's
 * mass and 2/3 of one 5-star rating (which adds 3), so the user's own ratings dominate at once: with
 * a cluster prior of 0.7 on one style (counts 2.4 vs 1.2), one 5-star rating of another style wins
 * (1.2 + 3 > 2.4). Chosen by the mean log posterior probability of the hidden style of newcomers
 * with 2 ratings (population-clusters.experiment.test.ts), at strengths 0/1/2/4/8: −1.078/−1.064/
 * −1.066/−1.084/−1.131 at ε = 0.2 with 400 contributors, −1.078/−1.038/−1.024/−1.025/−1.050 without
 * noise. 2 is best or near best in both; 4 is already worse than no prior when the release is noisy.
 */
export const CLUSTER_PRIOR_STRENGTH = 2;

const vectorSchema = z.array(z.number().finite()).length(CLUSTER_DIM);
const styleSchema = z.record(z.enum(STYLES), z.number().finite());

/** Validates a stored round (e.g. read back in a Durable Object). */
export const clusterRoundSchema = z
  .strictObject({
    version: z.literal(1),
    round: z.string().min(1),
    centroids: z.array(vectorSchema).min(1).describe('public unit centroids contributions are assigned to'),
    clusters: z.array(z.strictObject({ point_sum: vectorSchema, style_sum: styleSchema, count: z.number().int().min(0) })),
  })
  .refine((r) => r.clusters.length === r.centroids.length, { message: 'clusters and centroids must have the same length', path: ['clusters'] })
  .describe('ClusterRound');
export type ClusterRound = z.infer<typeof clusterRoundSchema>;

/** One released cluster. */
export interface ReleasedCluster {
  /** `cluster-<i>`, i the index of the round's centroid (0-based). */
  id: string;
  /** Unit noisy mean of the members' points: where the cluster moved to (seeds a next round). */
  centroid: number[];
  /**
   * The round's public centroid that members were assigned by (nearest of them): the style prior
   * describes the users nearest to this point, so new users are matched against it.
   */
  region_centroid: number[];
  /** Non-negative, sums to 1. */
  style_prior: Record<Style, number>;
  /** Noisy member count, rounded, ≥ 0. */
  size: number;
  /** True when the cluster was too thin to release: centroid = region_centroid, style_prior uniform. */
  fallback: boolean;
}

/** What a round releases: safe to store anywhere and to show to any user. */
export interface ReleasedClusters {
  round: string;
  /** ISO 8601 time of the release. */
  released_at: string;
  /** Noise multiplier σ (noise std = σ·√3 on every coordinate). */
  sigma: number;
  /** δ the ε below is stated at, when asked for. */
  delta?: number;
  /** ε of the round at `delta` (Rényi DP → (ε, δ)), when asked for. */
  epsilon?: number;
  clusters: ReleasedCluster[];
}

/** The noisy sums, before post-processing (exposed for inspection and tests). */
export interface NoisyClusterSums {
  point_sum: number[][];
  /** In STYLES order. */
  style_sum: number[][];
  count: number[];
}

/** Options of {@link releaseRound}. */
export interface ReleaseOptions {
  /** Noise multiplier σ > 0, e.g. from {@link noiseForClusterRound}. */
  sigma: number;
  /** Noise source. @default secureRandom (WebCrypto) */
  random?: SecureRandom;
  /** Noisy count below which a cluster is a fallback. @default DEFAULT_MIN_NOISY_COUNT */
  minNoisyCount?: number;
  /** Time of the release. @default new Date() */
  now?: Date;
  /** When given, the release states its ε at this δ. */
  delta?: number;
}

function assertSigma(sigma: number): void {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new RangeError(`sigma must be a positive finite number, got ${sigma}`);
}

const zeroStyle = (): Record<Style, number> => Object.fromEntries(STYLES.map((s) => [s, 0])) as Record<Style, number>;
const uniformStyle = (): Record<Style, number> => Object.fromEntries(STYLES.map((s) => [s, 1 / STYLES.length])) as Record<Style, number>;

/**
 * An empty round over public centroids (each scaled to unit length).
 * @example let round = createRound('2026-07-w1', initialCentroids());
 */
export function createRound(roundId: string, centroids: readonly ArrayLike<number>[]): ClusterRound {
  if (!roundId) throw new RangeError('roundId must not be empty');
  if (centroids.length === 0) throw new RangeError('centroids must not be empty');
  const unit = centroids.map((c, i) => {
    const v = clipPoint(c);
    const norm = Math.hypot(...v);
    if (norm === 0) throw new RangeError(`centroid ${i} must not be zero`);
    return v.map((x) => x / norm);
  });
  return { version: 1, round: roundId, centroids: unit, clusters: unit.map(() => ({ point_sum: new Array(CLUSTER_DIM).fill(0), style_sum: zeroStyle(), count: 0 })) };
}

/**
 * The round with one contribution added (clipped) to the cluster of the nearest centroid (cosine).
 * Nothing about the user is kept beyond the sums. Throws on a zero point: it has no direction.
 */
export function addContribution(round: ClusterRound, contribution: ClusterContribution): ClusterRound {
  const point = clipPoint(contribution.point);
  if (point.every((x) => x === 0)) throw new RangeError('point must not be zero');
  const style = clipStyle(contribution.style);
  const index = nearestIndex(round.centroids, point);
  const clusters = round.clusters.map((c, i) =>
    i !== index ? c : {
      point_sum: c.point_sum.map((x, d) => x + point[d]),
      style_sum: Object.fromEntries(STYLES.map((s) => [s, c.style_sum[s] + style[s]])) as Record<Style, number>,
      count: c.count + 1,
    },
  );
  return { ...round, clusters };
}

/**
 * The Gaussian mechanism on the round: N(0, (σ·√3)²) on every coordinate of the concatenated point
 * sums, style sums and counts.
 */
export function addClusterNoise(round: ClusterRound, sigma: number, random: SecureRandom = secureRandom): NoisyClusterSums {
  assertSigma(sigma);
  const width = CLUSTER_DIM + STYLES.length + 1;
  const values = new Float64Array(round.clusters.length * width);
  round.clusters.forEach((c, i) => {
    values.set(c.point_sum, i * width);
    values.set(STYLES.map((s) => c.style_sum[s]), i * width + CLUSTER_DIM);
    values[i * width + width - 1] = c.count;
  });
  addGaussianNoise(values, sigma * CLUSTER_SENSITIVITY, random);
  const slice = (i: number, from: number, to: number) => Array.from(values.subarray(i * width + from, i * width + to));
  return {
    point_sum: round.clusters.map((_, i) => slice(i, 0, CLUSTER_DIM)),
    style_sum: round.clusters.map((_, i) => slice(i, CLUSTER_DIM, CLUSTER_DIM + STYLES.length)),
    count: round.clusters.map((_, i) => values[i * width + width - 1]),
  };
}

/**
 * Releases a round: noise (see {@link addClusterNoise}), then per cluster the unit noisy point sum as
 * centroid, the noisy style sum clipped at 0 and normalized as style prior (uniform when no entry
 * is positive), and the rounded noisy count as size.
 *
 * A cluster whose noisy count is below `minNoisyCount`, or whose noisy point sum is (near) zero, is
 * kept as a fallback rather than dropped: centroid = the round's public centroid, uniform style
 * prior, `fallback: true`. Its estimates would be mostly noise (each coordinate's noise has
 * std σ·√3, against a sum of fewer than 10 members); keeping it holds cluster ids and k stable, so
 * the release can seed the next round as is, and users near it are not sent to a far cluster
 * instead: {@link nearestCluster} returns null for them (population prior).
 */
export function releaseRound(round: ClusterRound, options: ReleaseOptions): ReleasedClusters {
  const { sigma, random = secureRandom, minNoisyCount = DEFAULT_MIN_NOISY_COUNT, now = new Date(), delta } = options;
  assertSigma(sigma);
  if (!(minNoisyCount >= 0) || !Number.isFinite(minNoisyCount)) throw new RangeError(`minNoisyCount must be a non-negative finite number, got ${minNoisyCount}`);
  const noisy = addClusterNoise(round, sigma, random);
  const clusters = round.clusters.map((_, i): ReleasedCluster => {
    const count = noisy.count[i];
    const norm = Math.hypot(...noisy.point_sum[i]);
    const size = Math.max(0, Math.round(count));
    const base = { id: `cluster-${i}`, region_centroid: [...round.centroids[i]], size };
    if (count < minNoisyCount || !(norm > 1e-9)) return { ...base, centroid: [...round.centroids[i]], style_prior: uniformStyle(), fallback: true };
    const positive = noisy.style_sum[i].map((x) => Math.max(0, x));
    const total = positive.reduce((a, b) => a + b, 0);
    const style_prior = total > 0 ? (Object.fromEntries(STYLES.map((s, k) => [s, positive[k] / total])) as Record<Style, number>) : uniformStyle();
    return { ...base, centroid: noisy.point_sum[i].map((x) => x / norm), style_prior, fallback: false };
  });
  const released: ReleasedClusters = { round: round.round, released_at: now.toISOString(), sigma, clusters };
  if (delta !== undefined) Object.assign(released, { delta, epsilon: clusterRoundEpsilon(sigma, delta) });
  return released;
}

/**
 * The ledger charge of one round for each contributor: the Gaussian mechanism with noise multiplier
 * σ relative to Δ = √3, ε(α) = α/(2σ²). `params.sigma`/`sensitivity` keep `gaussianCharge`'s meaning
 * (absolute noise std and Δ).
 */
export function clusterRoundCharge(sigma: number): LedgerCharge {
  assertSigma(sigma);
  return {
    kind: 'cluster_centroid',
    mechanism: 'gaussian',
    params: { noise_multiplier: sigma, sigma: sigma * CLUSTER_SENSITIVITY, sensitivity: CLUSTER_SENSITIVITY },
    pureEpsilon: null,
    rdp: gaussianCurve({ sigma }),
  };
}

/** ε of one round at `delta` (Balle et al. 2020 conversion over the ledger's orders). */
export function clusterRoundEpsilon(sigma: number, delta: number): number {
  return curveEpsilon(clusterRoundCharge(sigma).rdp, delta).epsilon;
}

/**
 * The smallest σ whose round costs ε ≤ `targetEpsilon` at `delta`: the Opacus-style search of
 * `noiseMultiplierFor` at sample rate 1 and one step (exactly the Gaussian mechanism), with a
 * tolerance of 1e-4·target so the σ is within about 0.01 % of the smallest.
 * @throws UnreachableEpsilonError when the ledger's orders cannot reach the target at this δ
 *   (about 0.14 at δ = 1e-6)
 * @example noiseForClusterRound(0.2, 1e-6) // ≈ 22.92 (ε = 0.19999)
 */
export function noiseForClusterRound(targetEpsilon: number, delta: number): number {
  return noiseMultiplierFor({ targetEpsilon, delta, sampleRate: 1, steps: 1, tolerance: targetEpsilon * 1e-4 }).noiseMultiplier;
}

/** The nearest released cluster to a user. */
export interface ClusterMatch {
  id: string;
  /** Cosine between the point and the centroid it was matched by. */
  similarity: number;
  style_prior: Record<Style, number>;
}

/** Options of {@link nearestCluster}. */
export interface NearestClusterOptions {
  /**
   * Which centroid a user is matched by. `region` (default): the round's public centroid, the same
   * rule that assigned the members, so the style prior is an estimate for exactly the users nearest
   * to it. `centroid`: the noisy member mean, which at small counts is mostly noise (its noise has
   * norm ≈ 4·σ·√3 against a sum of norm ≤ size). Measured in population-clusters.experiment.test.ts.
   * @default 'region'
   */
  by?: 'region' | 'centroid';
}

/**
 * The released cluster nearest to a cluster-space point (cosine); null when nothing is released,
 * the point is zero, or the nearest cluster is a fallback (the user keeps the population prior).
 * @example const match = nearestCluster(released, projectToClusterSpace(userEmbedding));
 */
export function nearestCluster(released: ReleasedClusters, point: ArrayLike<number>, options: NearestClusterOptions = {}): ClusterMatch | null {
  const by = options.by ?? 'region';
  if (by !== 'region' && by !== 'centroid') throw new RangeError(`by must be 'region' or 'centroid', got '${String(by)}'`);
  if (point.length !== CLUSTER_DIM) throw new RangeError(`point must have ${CLUSTER_DIM} entries (project user embeddings with projectToClusterSpace), got ${point.length}`);
  if (Array.prototype.every.call(point, (x: number) => x === 0)) return null;
  const centroids = released.clusters.map((c) => (by === 'region' ? c.region_centroid : c.centroid));
  const index = nearestIndex(centroids, point);
  if (index < 0 || released.clusters[index].fallback) return null;
  const cluster = released.clusters[index];
  return { id: cluster.id, similarity: cosine(centroids[index], point), style_prior: { ...cluster.style_prior } };
}

/**
 * A new state whose style prior is 1 + strength·p_v per style value, with the user's own evidence
 * (alpha − old prior, never below 0) kept on top; other attributes unchanged. `stylePrior` is
 * normalized first (non-negative, positive sum).
 * @example state = withClusterPrior(state, match.style_prior);
 */
export function withClusterPrior(state: PreferenceState, stylePrior: Partial<Record<Style, number>>, strength: number = CLUSTER_PRIOR_STRENGTH): PreferenceState {
  if (!(strength >= 0) || !Number.isFinite(strength)) throw new RangeError(`strength must be a non-negative finite number, got ${strength}`);
  const p = STYLES.map((s) => stylePrior[s] ?? 0);
  if (p.some((x) => !(x >= 0) || !Number.isFinite(x))) throw new RangeError('stylePrior must be non-negative and finite');
  const total = p.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('stylePrior must have a positive sum');
  const prior = Object.fromEntries(STYLES.map((s, i) => [s, 1 + (strength * p[i]) / total])) as Record<Style, number>;
  const alpha = Object.fromEntries(STYLES.map((s) => [s, prior[s] + Math.max(0, state.alpha.style[s] - state.prior.style[s])])) as Record<Style, number>;
  return { ...state, prior: { ...state.prior, style: prior }, alpha: { ...state.alpha, style: alpha } };
}
