/** @module shared/personalization/cold-start.test When a user gets a cluster prior, when it is taken back, and when they contribute. */
import { describe, expect, it } from 'vitest';
import { STYLES } from '../api/profile';
import { CLUSTER_DIM } from './cluster-space';
import { applyColdStart, COLD_START_AFTER_INTERACTIONS, COLD_START_UNTIL_INTERACTIONS, CONTRIBUTE_AFTER_FEEDBACK, contributionFor, userClusterPoint } from './cold-start';
import { createPersonalizationState, learnFromRating, noteInteraction, type PersonalizationState } from './personalization-state';
import { CLUSTER_PRIOR_STRENGTH, type ReleasedClusters } from './population-clusters';
import { posteriorMean } from './preference-model';
import { embedText } from './text-embedding';

const unit = (i: number) => Array.from({ length: CLUSTER_DIM }, (_, d) => (d === i ? 1 : 0));
/** A release whose every region says "casual", so any user matches a casual prior. */
const released = (round = 'r1'): ReleasedClusters => ({
  round, released_at: '2026-12-04T00:00:00.000Z', sigma: 1,
  clusters: Array.from({ length: CLUSTER_DIM }, (_, i) => ({
    id: `cluster-${i}`, centroid: unit(i), region_centroid: unit(i), size: 50, fallback: false,
    style_prior: { casual: 0.7, formal: 0.1, technical: 0.1, creative: 0.1 },
  })),
});
const interact = (s: PersonalizationState, n: number) => {
  for (let i = 0; i < n; i++) s = noteInteraction(s, { now: i, hour: 9, domain: 'general', country: null, embedding: embedText(`question ${i} about rivers`), profile: null });
  return s;
};

describe('applyColdStart', () => {
  it('keeps the population prior before the third interaction, then starts the style posterior from the nearest cluster', () => {
    let s = interact(createPersonalizationState(), COLD_START_AFTER_INTERACTIONS - 1);
    expect(applyColdStart(s, released())).toBe(s);
    s = applyColdStart(interact(s, 1), released());
    expect(s.clusterPrior).toMatchObject({ round: 'r1' });
    expect(s.preferences.prior.style.casual).toBeCloseTo(1 + CLUSTER_PRIOR_STRENGTH * 0.7, 9);
    expect(posteriorMean(s.preferences, 'style').casual).toBeGreaterThan(0.3);
    expect(applyColdStart(s, released())).toBe(s); // same round: applied once
  });

  it('keeps the user\'s own evidence on top of the cluster prior, and restores the population prior once the user is known', () => {
    let s = applyColdStart(interact(createPersonalizationState(), COLD_START_AFTER_INTERACTIONS), released());
    for (let i = 0; i < 3; i++) s = learnFromRating(s, { attributes: { style: 'formal' }, rating: 5, now: i, profile: null }).state;
    expect(posteriorMean(s.preferences, 'style').formal).toBeGreaterThan(posteriorMean(s.preferences, 'style').casual);
    s = applyColdStart(interact(s, COLD_START_UNTIL_INTERACTIONS), released());
    expect(s.clusterPrior).toBeNull();
    expect(Object.values(s.preferences.prior.style)).toEqual(STYLES.map(() => 1));
    expect(s.preferences.alpha.style.formal).toBeGreaterThan(1);
  });

  it('changes nothing without a release or without an embedding', () => {
    const s = interact(createPersonalizationState(), 5);
    expect(applyColdStart(s, null)).toBe(s);
    const noEmbedding = { ...s, userEmbedding: null };
    expect(userClusterPoint(noEmbedding)).toBeNull();
    expect(applyColdStart(noEmbedding, released())).toBe(noEmbedding);
  });
});

describe('contributionFor', () => {
  it('asks for a contribution only after enough feedback, once per round', () => {
    let s = interact(createPersonalizationState(), 3);
    for (let i = 0; i < CONTRIBUTE_AFTER_FEEDBACK - 1; i++) s = learnFromRating(s, { attributes: { style: 'technical' }, rating: 5, now: i, profile: null }).state;
    expect(contributionFor(s, '1')).toBeNull();
    s = learnFromRating(s, { attributes: { style: 'technical' }, rating: 5, now: 99, profile: null }).state;
    const c = contributionFor(s, '1')!;
    expect(Array.from(c.point)).toHaveLength(CLUSTER_DIM);
    expect(Math.hypot(...Array.from(c.point))).toBeCloseTo(1, 5);
    expect(c.style.technical).toBeGreaterThan(0.5);
    expect(contributionFor({ ...s, contributedRound: '1' }, '1')).toBeNull();
    expect(contributionFor({ ...s, contributedRound: '1' }, '2')).not.toBeNull();
  });
});
