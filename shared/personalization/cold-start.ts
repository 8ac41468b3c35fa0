/**
 * @module shared/personalization/cold-start
 * Cold start from the population's clusters. A new user starts from the population prior; after
 * {@link COLD_START_AFTER_INTERACTIONS} interactions their embedding, projected to cluster space,
 * picks the nearest released cluster, and that cluster's style prior becomes the prior of their
 * style posterior (`withClusterPrior`): their own ratings stay on top and soon dominate. From
 * {@link COLD_START_UNTIL_INTERACTIONS} on the user is no longer new and the population prior is
 * restored, so the cluster never holds back someone whose taste differs from their neighbours'.
 *
 * Users give back once they are known: after {@link CONTRIBUTE_AFTER_FEEDBACK} pieces of feedback,
 * each round of population clustering takes one contribution from them (their cluster-space point
 * and style posterior mean), charged to their ledger first (`population-clusters.ts`).
 * Pure functions; the edge's UserState object calls them.
 */
import { STYLES, type Style } from '../api/profile';
import { projectToClusterSpace } from './cluster-space';
import type { PersonalizationState } from './personalization-state';
import { clusterContribution, nearestCluster, withClusterPrior, type ClusterContribution, type ReleasedClusters } from './population-clusters';
import { dequantize, fromStoredEmbedding } from './user-embedding';

/** Interactions after which the nearest cluster's prior is used. */
export const COLD_START_AFTER_INTERACTIONS = 3;
/** Interactions after which the user is no longer new: the population prior comes back. */
export const COLD_START_UNTIL_INTERACTIONS = 20;
/** Feedback a user has given before they contribute to population clustering. */
export const CONTRIBUTE_AFTER_FEEDBACK = 10;

const UNIFORM = Object.fromEntries(STYLES.map((s) => [s, 1])) as Record<Style, number>;

/** The user's embedding in cluster space, or null before they have one. */
export function userClusterPoint(state: PersonalizationState): Float32Array | null {
  if (!state.userEmbedding) return null;
  const point = projectToClusterSpace(dequantize(fromStoredEmbedding(state.userEmbedding)));
  return point.some((x) => x !== 0) ? point : null;
}

/**
 * Applies, refreshes or removes the cluster prior for the user's stage: nothing before
 * {@link COLD_START_AFTER_INTERACTIONS}, the nearest released cluster's prior until
 * {@link COLD_START_UNTIL_INTERACTIONS} (re-matched when a new round is released), the population
 * prior after. Returns the state unchanged when nothing applies.
 */
export function applyColdStart(state: PersonalizationState, released: ReleasedClusters | null): PersonalizationState {
  const n = state.analytics.interactions;
  if (n >= COLD_START_UNTIL_INTERACTIONS) {
    if (!state.clusterPrior) return state;
    return { ...state, preferences: withClusterPrior(state.preferences, UNIFORM, 0), clusterPrior: null };
  }
  if (n < COLD_START_AFTER_INTERACTIONS || !released || state.clusterPrior?.round === released.round) return state;
  const point = userClusterPoint(state);
  const match = point ? nearestCluster(released, point) : null;
  if (!match) return state;
  return { ...state, preferences: withClusterPrior(state.preferences, match.style_prior), clusterPrior: { round: released.round, id: match.id } };
}

/** The user's contribution to `round`, or null when they gave too little feedback, have no embedding yet, or already contributed. */
export function contributionFor(state: PersonalizationState, round: string): ClusterContribution | null {
  if (state.analytics.feedback < CONTRIBUTE_AFTER_FEEDBACK || state.contributedRound === round || !state.userEmbedding) return null;
  const embedding = dequantize(fromStoredEmbedding(state.userEmbedding));
  if (!embedding.some((x) => x !== 0)) return null;
  return clusterContribution(embedding, state.preferences);
}
