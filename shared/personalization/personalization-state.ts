/**
 * @module shared/personalization/personalization-state
 * Everything the engine learns about one user, as one JSON value (sealed in the user's UserState
 * object): the preference posteriors, the Page-Hinkley detector on the satisfaction stream, the
 * behavioural analytics, the running mean of the user's prompt embeddings and the user embedding
 * built from it, the last drift events, and the bookkeeping for the adaptation-time metric.
 *
 * - A request (`noteInteraction`) counts in the analytics and folds the embedding of the sanitized
 *   prompt into the interaction mean; the user embedding is rebuilt from profile, posterior means
 *   and that mean (`buildUserEmbedding`), stored as int8.
 * - Feedback (`learnFromFeedback`: a rating, thumbs, a choice between two responses, an edit)
 *   updates the posteriors with the attributes recorded for the jobs it names
 *   (`preference-feedback.ts`), and ratings and thumbs feed the satisfaction value to
 *   Page-Hinkley; on an alarm the posteriors enter drift mode (`markDrift`), a drift event is kept
 *   and an adapter refresh is requested (the edge then queues training on the recent feedback).
 * Pure functions; nothing here reads the clock.
 */
import type { Profile } from '../api/profile';
import { createAnalytics, recordFeedback, recordInteraction, type InteractionAnalytics, type InteractionEvent } from './interaction-analytics';
import { createPageHinkleyState, SATISFACTION_DRIFT_OPTIONS, updatePageHinkley, type DriftDirection, type PageHinkleyState } from './page-hinkley';
import { observeFeedback, ratingReward, type PreferenceFeedback } from './preference-feedback';
import {
  compactState, confidence, createPreferenceState, isDrifting, markDrift, mostLikely, posteriorMean, PREFERENCE_ATTRIBUTES,
  type PreferenceAttribute, type PreferenceAttributes, type PreferenceState,
} from './preference-model';
import { buildUserEmbedding, dequantize, fromStoredEmbedding, toStoredEmbedding, updateInteractionMean, type PreferenceMeans, type StoredEmbedding } from './user-embedding';

/** Drift events kept (newest last). */
export const MAX_DRIFT_EVENTS = 20;
/** Feedback times kept while waiting for a request to use them (adaptation-time metric). */
export const MAX_PENDING_FEEDBACK = 20;

export interface DriftEvent {
  /** ms since the epoch. */
  at: number;
  direction: DriftDirection;
}

export interface PersonalizationState {
  version: 1;
  preferences: PreferenceState;
  /** Page-Hinkley on the satisfaction stream (rating − 3)/2, with `SATISFACTION_DRIFT_OPTIONS`. */
  satisfaction: PageHinkleyState;
  analytics: InteractionAnalytics;
  /** Running mean of the embeddings of the user's sanitized prompts, int8. */
  interactionMean: (StoredEmbedding & { count: number }) | null;
  /** Profile + posterior means + interaction mean, unit length, int8. */
  userEmbedding: StoredEmbedding | null;
  driftEvents: DriftEvent[];
  /** Set by a drift alarm: the user's adapter should be retrained on recent feedback. */
  adapterRefreshRequested: boolean;
  /** Times (ms) of feedback that changed the posteriors and that no request has used yet. */
  pendingFeedback: number[];
  /** The released cluster whose style prior the user's posteriors start from (cold start), or null. */
  clusterPrior: { round: string; id: string } | null;
  /** The last population-clustering round the user contributed to (at most once per round). */
  contributedRound: string | null;
}

/** The state of a user the engine knows nothing about. */
export function createPersonalizationState(): PersonalizationState {
  return {
    version: 1, preferences: createPreferenceState(), satisfaction: createPageHinkleyState(), analytics: createAnalytics(),
    interactionMean: null, userEmbedding: null, driftEvents: [], adapterRefreshRequested: false, pendingFeedback: [],
    clusterPrior: null, contributedRound: null,
  };
}

/** A stored value read back: a state of this version, or a fresh one for anything else. */
export function restorePersonalizationState(stored: unknown): PersonalizationState {
  const s = stored as Partial<PersonalizationState> | null;
  if (!s || s.version !== 1 || !s.preferences || !s.satisfaction || !s.analytics) return createPersonalizationState();
  return { ...createPersonalizationState(), ...s } as PersonalizationState;
}

/** Posterior means of every attribute, for the user embedding. */
export function preferenceMeans(preferences: PreferenceState): PreferenceMeans {
  return Object.fromEntries(PREFERENCE_ATTRIBUTES.map((a) => [a, posteriorMean(preferences, a)]));
}

/** Rebuilds the user embedding from the profile, the posterior means and the interaction mean. */
export function refreshUserEmbedding(state: PersonalizationState, profile: Profile | null): PersonalizationState {
  const interactions = state.interactionMean ? { mean: dequantize(fromStoredEmbedding(state.interactionMean)), count: state.interactionMean.count } : null;
  const embedding = buildUserEmbedding({ profile, preferences: preferenceMeans(state.preferences), interactions });
  return { ...state, userEmbedding: toStoredEmbedding(embedding) };
}

/**
 * Records one request: analytics, and the prompt's embedding folded into the interaction mean
 * (a prompt without words, i.e. the zero vector, leaves the mean alone).
 */
export function noteInteraction(state: PersonalizationState, event: InteractionEvent & { embedding: Float32Array; profile: Profile | null }): PersonalizationState {
  const analytics = recordInteraction(state.analytics, event);
  let interactionMean = state.interactionMean;
  if (event.embedding.some((x) => x !== 0)) {
    const current = interactionMean ? { mean: dequantize(fromStoredEmbedding(interactionMean)), count: interactionMean.count } : null;
    const next = updateInteractionMean(current, event.embedding);
    interactionMean = { ...toStoredEmbedding(next.mean), count: next.count };
  }
  return refreshUserEmbedding({ ...state, analytics, interactionMean }, event.profile);
}

/** What one piece of feedback did. */
export interface FeedbackOutcome {
  state: PersonalizationState;
  /** The direction of a satisfaction change Page-Hinkley flagged, or null. */
  drift: DriftDirection | null;
  /** Whether the posteriors changed (evidence, or drift mode). */
  posteriorChanged: boolean;
}
/**
 * Learns from one piece of feedback: `feedback` is the preference evidence (null when the job was
 * not personalized, so no attributes are known), `satisfaction` the value in [−1, 1] fed to the
 * satisfaction stream's Page-Hinkley detector (null for feedback that says which response is
 * better but not how satisfied the user is: a choice or an edit). On a drift alarm the posteriors
 * enter drift mode, a drift event is kept and an adapter refresh is requested.
 *
 * @example
 * const { state, drift } = learnFromFeedback(s, { feedback: { kind: 'thumbs', attributes: { style: 'casual' }, up: true }, satisfaction: 1, now: Date.now(), profile: null });
 */
export function learnFromFeedback(
  state: PersonalizationState,
  input: { feedback: PreferenceFeedback | null; satisfaction: number | null; now: number; profile: Profile | null },
): FeedbackOutcome {
  let preferences = state.preferences;
  let posteriorChanged = false;
  if (input.feedback && hasEvidence(input.feedback)) {
    preferences = observeFeedback(preferences, input.feedback);
    posteriorChanged = true;
  }
  let satisfaction = state.satisfaction;
  let drift: DriftDirection | null = null;
  let { driftEvents, adapterRefreshRequested } = state;
  if (input.satisfaction !== null) {
    const ph = updatePageHinkley(state.satisfaction, input.satisfaction, SATISFACTION_DRIFT_OPTIONS);
    satisfaction = ph.state;
    drift = ph.drift;
  }
  if (drift) {
    preferences = markDrift(preferences);
    posteriorChanged = true;
    driftEvents = [...driftEvents, { at: input.now, direction: drift }].slice(-MAX_DRIFT_EVENTS);
    adapterRefreshRequested = true;
  }
  const pendingFeedback = posteriorChanged ? [...state.pendingFeedback, input.now].slice(-MAX_PENDING_FEEDBACK) : state.pendingFeedback;
  const next: PersonalizationState = {
    ...state, preferences: compactState(preferences), satisfaction, analytics: recordFeedback(state.analytics),
    driftEvents, adapterRefreshRequested, pendingFeedback,
  };
  return { state: posteriorChanged ? refreshUserEmbedding(next, input.profile) : next, drift, posteriorChanged };
}

/** Whether the feedback names any attribute (a job that was not personalized has none). */
function hasEvidence(feedback: PreferenceFeedback): boolean {
  const sides = feedback.kind === 'choice' ? [feedback.chosen, feedback.rejected] : feedback.kind === 'edit' ? [feedback.original, feedback.edited] : [feedback.attributes];
  return sides.some((a) => Object.keys(a).length > 0);
}

/**
 * Learns from a 1–5 rating of a response generated with `attributes` (null when the job was not
 * personalized: then only the satisfaction stream and the counts change).
 *
 * @example
 * const { state, drift } = learnFromRating(s, { attributes: { style: 'formal' }, rating: 5, now: Date.now(), profile: null });
 */
export function learnFromRating(
  state: PersonalizationState,
  input: { attributes: PreferenceAttributes | null; rating: number; now: number; profile: Profile | null },
): FeedbackOutcome {
  const satisfaction = ratingReward(input.rating);
  const feedback: PreferenceFeedback | null = input.attributes ? { kind: 'rating', attributes: input.attributes, rating: input.rating } : null;
  return learnFromFeedback(state, { feedback, satisfaction, now: input.now, profile: input.profile });
}

/** The user's adapter refresh was queued: clears the request a drift alarm set. */
export function clearAdapterRefresh(state: PersonalizationState): PersonalizationState {
  return state.adapterRefreshRequested ? { ...state, adapterRefreshRequested: false } : state;
}

/**
 * Called when a request used the posteriors: returns how long each waiting feedback took to reach
 * a request (the adaptation time, ms) and clears them.
 */
export function takeAdaptationTimes(state: PersonalizationState, now: number): { state: PersonalizationState; adaptationMs: number[] } {
  if (!state.pendingFeedback.length) return { state, adaptationMs: [] };
  return { state: { ...state, pendingFeedback: [] }, adaptationMs: state.pendingFeedback.map((t) => Math.max(0, now - t)) };
}

/** A learned preference: the most likely value and how settled it is (`confidence` in preference-model). */
export interface LearnedPreference {
  value: string;
  confidence: number;
}

/** Learned preferences of every attribute with confidence above 0. */
export function learnedPreferences(state: PersonalizationState): Partial<Record<PreferenceAttribute, LearnedPreference>> {
  const out: Partial<Record<PreferenceAttribute, LearnedPreference>> = {};
  for (const attribute of PREFERENCE_ATTRIBUTES) {
    const c = confidence(state.preferences, attribute);
    if (c > 0) out[attribute] = { value: mostLikely(state.preferences, attribute), confidence: c };
  }
  return out;
}

/** Whether a recent drift alarm still has the engine exploring. */
export function inDriftMode(state: PersonalizationState): boolean {
  return isDrifting(state.preferences);
}
