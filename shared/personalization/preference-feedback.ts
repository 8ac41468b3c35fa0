/**
 * @module shared/personalization/preference-feedback
 * Maps the kinds of feedback Attune collects to evidence for the preference model:
 * - rating 1–5            → reward (rating − 3) / 2, weight 3, for the rated response's attributes
 * - thumbs up / down      → reward +1 / −1
 * - choice between two    → chosen response's attributes +1, rejected response's −1
 * - edit of a response    → edited text's attributes +1, original's −0.5
 * For a choice or an edit, an attribute on which both sides agree carries no contrast (the user did
 * not choose or change it), so it is left out of both sides.
 */
import { observeEvidence, type PreferenceAttribute, type PreferenceAttributes, type PreferenceEvidence, type PreferenceState } from './preference-model';

export type PreferenceFeedback =
  | { kind: 'rating'; attributes: PreferenceAttributes; rating: number }
  | { kind: 'thumbs'; attributes: PreferenceAttributes; up: boolean }
  | { kind: 'choice'; chosen: PreferenceAttributes; rejected: PreferenceAttributes }
  | { kind: 'edit'; original: PreferenceAttributes; edited: PreferenceAttributes };

/** Reward for the original side of an edit: the user kept part of it, so it was only partly wrong. */
const EDIT_ORIGINAL_REWARD = -0.5;

/**
 * Pseudo-counts one rating adds (times its reward): a rating is strong evidence about the response
 * the user saw. Chosen with DEFAULT_FORGETTING, NEGATIVE_DISCOUNT and NEGATIVE_SPREAD by simulating
 * rating-only users (docs/personalization.md); `npm run sim` measures the result on the real stack.
 */
export const RATING_EVIDENCE_WEIGHT = 3;

/**
 * Reward in [−1, 1] for a 1–5 rating: (rating − 3) / 2.
 *
 * @example
 * ratingReward(5); // 1
 * ratingReward(2); // -0.5
 */
export function ratingReward(rating: number): number {
  if (!(Number.isFinite(rating) && rating >= 1 && rating <= 5)) throw new RangeError(`rating must be a number in [1, 5], got ${rating}`);
  return (rating - 3) / 2;
}

/** Splits two attribute sets into the parts where they differ (shared values carry no contrast). */
function contrast(a: PreferenceAttributes, b: PreferenceAttributes): [PreferenceAttributes, PreferenceAttributes] {
  const onlyA: Record<string, unknown> = {};
  const onlyB: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<PreferenceAttribute>;
  for (const key of keys) {
    if (a[key] === b[key]) continue;
    if (a[key] !== undefined) onlyA[key] = a[key];
    if (b[key] !== undefined) onlyB[key] = b[key];
  }
  return [onlyA as PreferenceAttributes, onlyB as PreferenceAttributes];
}

/**
 * The evidence one feedback event gives.
 *
 * @example
 * feedbackEvidence({ kind: 'choice', chosen: { style: 'casual', tone: 'friendly' }, rejected: { style: 'formal', tone: 'friendly' } });
 * // [{ attributes: { style: 'casual' }, reward: 1 }, { attributes: { style: 'formal' }, reward: -1 }]
 */
export function feedbackEvidence(feedback: PreferenceFeedback): PreferenceEvidence[] {
  switch (feedback.kind) {
    case 'rating':
      return [{ attributes: feedback.attributes, reward: ratingReward(feedback.rating), weight: RATING_EVIDENCE_WEIGHT }];
    case 'thumbs':
      return [{ attributes: feedback.attributes, reward: feedback.up ? 1 : -1 }];
    case 'choice': {
      const [chosen, rejected] = contrast(feedback.chosen, feedback.rejected);
      return [
        { attributes: chosen, reward: 1 },
        { attributes: rejected, reward: -1 },
      ];
    }
    case 'edit': {
      const [edited, original] = contrast(feedback.edited, feedback.original);
      return [
        { attributes: edited, reward: 1 },
        { attributes: original, reward: EDIT_ORIGINAL_REWARD },
      ];
    }
    default:
      throw new RangeError(`unknown feedback kind "${String((feedback as { kind: unknown }).kind)}"`);
  }
}

/**
 * Updates the preference state with one feedback event (one forgetting step, however many sides).
 *
 * @example
 * state = observeFeedback(state, { kind: 'rating', attributes: { style: 'formal' }, rating: 4 });
 */
export function observeFeedback(state: PreferenceState, feedback: PreferenceFeedback): PreferenceState {
  return observeEvidence(state, feedbackEvidence(feedback));
}
