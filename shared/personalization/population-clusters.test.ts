import { describe, expect, it } from 'vitest';
import { STYLES, type Style } from '../api/profile';
import { curveEpsilon, gaussianCurve } from '../privacy/dp/composition';
import { UnreachableEpsilonError } from '../privacy/dp/noise-search';
import { SecureRandom } from '../privacy/dp/secure-random';
import { spentEpsilon } from '../privacy/ledger/budget-ledger';
import { createSeededRng } from '../random/seeded-rng';
import { CLUSTER_DIM, initialCentroids } from './cluster-space';
import {
  addClusterNoise, addContribution, CLUSTER_PRIOR_STRENGTH, CLUSTER_SENSITIVITY, clusterRoundCharge, clusterRoundEpsilon, clusterRoundSchema, createRound,
  nearestCluster, noiseForClusterRound, releaseRound, withClusterPrior, type ClusterRound, type ReleasedClusters,
} from './population-clusters';
import { observeFeedback } from './preference-feedback';
import { createPreferenceState, mostLikely, observe, posteriorMean, preferenceStateSchema } from './preference-model';

function seededSecureRandom(seed: number): SecureRandom {
  const rng = createSeededRng(seed);
  return new SecureRandom((words) => {
    for (let i = 0; i < words.length; i++) words[i] = rng.nextUint32();
  });
}

/** e_i in cluster space, scaled. */
const axis = (i: number, scale = 1) => Array.from({ length: CLUSTER_DIM }, (_, d) => (d === i ? scale : 0));
const style = (values: Partial<Record<Style, number>>) => Object.fromEntries(STYLES.map((s) => [s, values[s] ?? 0])) as Record<Style, number>;
const AXES = [axis(0), axis(1), axis(2)];

function roundWith(points: Array<{ point: number[]; style: Partial<Record<Style, number>> }>): ClusterRound {
  return points.reduce((round, c) => addContribution(round, c), createRound('r1', AXES));
}

describe('a round', () => {
  it('starts empty over unit copies of the given centroids', () => {
    const round = createRound('2026-07', [axis(0, 3), axis(1)]);
    expect(round.centroids[0]).toEqual(axis(0));
    expect(round.clusters).toEqual([0, 1].map(() => ({ point_sum: new Array(16).fill(0), style_sum: style({}), count: 0 })));
    expect(clusterRoundSchema.parse(JSON.parse(JSON.stringify(round)))).toEqual(round);
    expect(() => createRound('', AXES)).toThrow('roundId must not be empty');
    expect(() => createRound('r', [axis(0, 0)])).toThrow('centroid 0 must not be zero');
  });

  it('adds each contribution, clipped, to the cluster of the nearest centroid and keeps only sums', () => {
    const empty = createRound('r1', AXES);
    const one = addContribution(empty, { point: [0.2, 0.9, ...new Array(14).fill(0)], style: { formal: 0.7, casual: 0.3 } });
    const two = addContribution(one, { point: axis(1, 5), style: { technical: 3, creative: -1 } }); // clipped to norm 1 and sum 1
    expect(empty.clusters[1].count).toBe(0); // pure: the input round is unchanged
    expect(two.clusters.map((c) => c.count)).toEqual([0, 2, 0]);
    expect(two.clusters[1].point_sum.slice(0, 2)).toEqual([0.2, 1.9]);
    expect(two.clusters[1].style_sum).toEqual(style({ formal: 0.7, casual: 0.3, technical: 1 }));
    expect(Object.keys(two).sort()).toEqual(['centroids', 'clusters', 'round', 'version']);
    expect(clusterRoundSchema.safeParse(JSON.parse(JSON.stringify(two))).success).toBe(true);
    expect(() => addContribution(empty, { point: axis(0, 0), style: {} })).toThrow('point must not be zero');
  });
});

describe('releaseRound', () => {
  const round = roundWith([
    ...Array.from({ length: 30 }, () => ({ point: axis(0), style: { formal: 1 } })),
    ...Array.from({ length: 20 }, () => ({ point: [0.6, 0.8, ...new Array(14).fill(0)], style: { casual: 0.5, technical: 0.5 } })),
    ...Array.from({ length: 5 }, () => ({ point: axis(2), style: { creative: 1 } })),
  ]);

  it('reproduces the exact means and counts when σ is tiny', () => {
    const released = releaseRound(round, { sigma: 1e-9, random: seededSecureRandom(1), now: new Date('2026-07-01T00:00:00Z') });
    expect(released.round).toBe('r1');
    expect(released.released_at).toBe('2026-07-01T00:00:00.000Z');
    expect(released.clusters.map((c) => c.id)).toEqual(['cluster-0', 'cluster-1', 'cluster-2']);
    expect(released.clusters.map((c) => c.size)).toEqual([30, 20, 5]);
    released.clusters[0].centroid.forEach((x, d) => expect(x).toBeCloseTo(axis(0)[d], 8));
    expect(released.clusters[1].centroid[0]).toBeCloseTo(0.6, 8);
    expect(released.clusters[1].centroid[1]).toBeCloseTo(0.8, 8);
    const prior = released.clusters[1].style_prior;
    expect(prior.casual).toBeCloseTo(0.5, 8);
    expect(prior.technical).toBeCloseTo(0.5, 8);
    expect(prior.formal + prior.creative).toBeCloseTo(0, 8);
    expect(released.clusters[0].style_prior.formal).toBeCloseTo(1, 8);
    expect(JSON.parse(JSON.stringify(released))).toEqual(released);
  });

  it('releases a cluster whose noisy count is below minNoisyCount as a fallback: public centroid, uniform prior', () => {
    const released = releaseRound(round, { sigma: 1e-9, random: seededSecureRandom(2) });
    const thin = released.clusters[2];
    expect(thin).toMatchObject({ fallback: true, size: 5, centroid: axis(2), region_centroid: axis(2), style_prior: style({ casual: 0.25, formal: 0.25, technical: 0.25, creative: 0.25 }) });
    expect(released.clusters[0].fallback).toBe(false);
    const kept = releaseRound(round, { sigma: 1e-9, random: seededSecureRandom(2), minNoisyCount: 0 }).clusters[2];
    expect(kept.fallback).toBe(false);
    expect(kept.style_prior.creative).toBeCloseTo(1, 8);
    // Empty clusters under noise of std √3: noisy counts stay far below 10.
    const empty = releaseRound(createRound('r2', AXES), { sigma: 1, random: seededSecureRandom(3) });
    for (const c of empty.clusters) {
      expect(c.size).toBeGreaterThanOrEqual(0);
      expect(c.fallback).toBe(true);
    }
  });

  it('adds noise of standard deviation σ·√3 to every coordinate (σ = 1: within 5 %)', () => {
    const random = seededSecureRandom(4);
    const exact = [...round.clusters.flatMap((c) => [...c.point_sum, ...STYLES.map((s) => c.style_sum[s]), c.count])];
    const deviations: number[] = [];
    for (let r = 0; r < 300; r++) {
      const noisy = addClusterNoise(round, 1, random);
      const flat = noisy.point_sum.flatMap((p, i) => [...p, ...noisy.style_sum[i], noisy.count[i]]);
      flat.forEach((x, k) => deviations.push(x - exact[k]));
    }
    const mean = deviations.reduce((a, b) => a + b, 0) / deviations.length;
    const sd = Math.sqrt(deviations.reduce((a, b) => a + (b - mean) ** 2, 0) / (deviations.length - 1));
    expect(deviations).toHaveLength(300 * 3 * 21);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd / Math.sqrt(3) - 1)).toBeLessThan(0.05);
    // The released sizes carry the same noise (plus rounding: √(3 + 1/12) = 1.756).
    const sizes = Array.from({ length: 2000 }, () => releaseRound(round, { sigma: 1, random }).clusters[0].size - 30);
    const sizeSd = Math.sqrt(sizes.reduce((a, b) => a + b * b, 0) / sizes.length);
    expect(Math.abs(sizeSd / Math.sqrt(3) - 1)).toBeLessThan(0.05);
  });

  it('states its ε when given δ, and rejects σ ≤ 0 and bad thresholds', () => {
    const released = releaseRound(round, { sigma: 5, delta: 1e-6, random: seededSecureRandom(5) });
    expect(released.sigma).toBe(5);
    expect(released.delta).toBe(1e-6);
    expect(released.epsilon).toBeCloseTo(0.89994, 5);
    for (const c of released.clusters) {
      expect(Math.hypot(...c.centroid)).toBeCloseTo(1, 9);
      expect(STYLES.reduce((a, s) => a + c.style_prior[s], 0)).toBeCloseTo(1, 9);
      for (const s of STYLES) expect(c.style_prior[s]).toBeGreaterThanOrEqual(0);
    }
    expect(() => releaseRound(round, { sigma: 0 })).toThrow('sigma must be a positive finite number, got 0');
    expect(() => releaseRound(round, { sigma: 1, minNoisyCount: -1 })).toThrow('minNoisyCount must be a non-negative finite number, got -1');
  });
});

describe('accounting', () => {
  it('charges each contributor one Gaussian release with noise multiplier σ relative to Δ = √3', () => {
    const charge = clusterRoundCharge(5);
    expect(charge).toMatchObject({ kind: 'cluster_centroid', mechanism: 'gaussian', pureEpsilon: null });
    expect(charge.params).toEqual({ noise_multiplier: 5, sigma: 5 * Math.sqrt(3), sensitivity: Math.sqrt(3) });
    expect(CLUSTER_SENSITIVITY).toBeCloseTo(1.7320508, 7);
    expect(charge.rdp).toEqual(gaussianCurve({ sigma: 5 }));
    // By hand (Balle et al. 2020, Thm. 21): ε = min over orders α of α/(2σ²) − (ln δ + ln α)/(α − 1) + ln((α − 1)/α);
    // at σ = 5, δ = 1e-6 the best order is 24: 0.48 + (13.8155 − 3.1781)/23 − 0.0426 = 0.89994.
    const byHand = 24 / 50 - (Math.log(1e-6) + Math.log(24)) / 23 + Math.log(23 / 24);
    expect(byHand).toBeCloseTo(0.89994, 5);
    expect(clusterRoundEpsilon(5, 1e-6)).toBeCloseTo(byHand, 12);
    expect(curveEpsilon(charge.rdp, 1e-6).order).toBe(24);
    expect(spentEpsilon([charge], 1e-6)).toBeCloseTo(byHand, 12); // the ledger sees the same
  });

  it('finds the smallest σ for ε = 0.2 per round at δ = 1e-6', () => {
    const sigma = noiseForClusterRound(0.2, 1e-6);
    expect(clusterRoundEpsilon(sigma, 1e-6)).toBeLessThanOrEqual(0.2);
    expect(clusterRoundEpsilon(sigma * 0.99, 1e-6)).toBeGreaterThan(0.2);
    expect(sigma).toBeCloseTo(22.92, 2);
    expect(() => noiseForClusterRound(0.1, 1e-6)).toThrow(UnreachableEpsilonError); // below the orders' floor of 0.14
  });
});

describe('cold start', () => {
  const released: ReleasedClusters = releaseRound(
    roundWith([
      ...Array.from({ length: 40 }, () => ({ point: axis(0), style: { formal: 0.8, casual: 0.2 } })),
      ...Array.from({ length: 40 }, () => ({ point: [0.6, 0.8, ...new Array(14).fill(0)], style: { casual: 1 } })),
    ]),
    { sigma: 1e-9, random: seededSecureRandom(6) },
  );

  it('matches a user to the nearest released region, or to nothing', () => {
    const match = nearestCluster(released, [0.9, 0.1, ...new Array(14).fill(0)]);
    expect(match?.id).toBe('cluster-0');
    expect(match?.similarity).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 6);
    expect(match?.style_prior.formal).toBeCloseTo(0.8, 6);
    // The region of cluster 1 is axis 1, but its members' mean moved to (0.6, 0.8): matching by
    // region or by the noisy mean can differ.
    const between = [0.75, 0.66, ...new Array(14).fill(0)];
    expect(nearestCluster(released, between)?.id).toBe('cluster-0');
    expect(nearestCluster(released, between, { by: 'centroid' })?.id).toBe('cluster-1');
    expect(nearestCluster(released, axis(0, 0))).toBeNull();
    expect(nearestCluster(released, axis(2))).toBeNull(); // nearest is the empty cluster-2: a fallback
    expect(nearestCluster({ ...released, clusters: [] }, axis(0))).toBeNull();
    expect(() => nearestCluster(released, [1, 0])).toThrow('point must have 16 entries');
  });

  it('moves the style posterior toward the cluster, keeps the user’s evidence and stays a valid state', () => {
    let state = createPreferenceState({ prior: { tone: { friendly: 2 } } });
    state = observe(state, { style: 'technical', tone: 'friendly' }, 1);
    const prior = style({ formal: 0.7, casual: 0.1, technical: 0.1, creative: 0.1 });
    const next = withClusterPrior(state, prior);
    expect(preferenceStateSchema.parse(next)).toEqual(next);
    for (const s of STYLES) expect(next.prior.style[s]).toBeCloseTo(1 + prior[s] * CLUSTER_PRIOR_STRENGTH, 12);
    expect(CLUSTER_PRIOR_STRENGTH).toBe(2);
    for (const s of STYLES) expect(next.alpha.style[s] - next.prior.style[s]).toBeCloseTo(state.alpha.style[s] - state.prior.style[s], 12);
    expect(posteriorMean(next, 'style').formal).toBeGreaterThan(posteriorMean(state, 'style').formal);
    expect(next.alpha.tone).toEqual(state.alpha.tone);
    expect(next.prior.tone).toEqual(state.prior.tone);
    // The user's own ratings dominate at once: one 5-star rating of another style wins.
    const rated = observeFeedback(withClusterPrior(createPreferenceState(), prior), { kind: 'rating', attributes: { style: 'creative' }, rating: 5 });
    expect(mostLikely(rated, 'style')).toBe('creative');
    // Strength 0 with any prior restores the default prior of 1 per style, evidence kept.
    expect(withClusterPrior(next, style({ casual: 1 }), 0).alpha.style).toEqual(state.alpha.style);
    expect(() => withClusterPrior(state, style({}))).toThrow('stylePrior must have a positive sum');
    expect(() => withClusterPrior(state, prior, -1)).toThrow('strength must be a non-negative finite number, got -1');
  });
});
