/**
 * @module gpu-worker/worker/candidate-selection
 * Best-of-N choice for one job: the user's content preferences drop (or mask) candidates first
 * (shared/personalization/content-filter.ts), then the kept ones are scored by the user's style
 * preference and the best is returned (ties → lowest index). Runs on the model's output as is:
 * PII placeholders such as `<EMAIL_1>` are left alone; the edge restores them.
 */
import type { GenerateJob } from '../../../shared/jobs/generate-job';
import { filterCandidates, pickBest } from '../../../shared/personalization/content-filter';
import type { PreferenceScorer } from '../generation/preference-scorer';

/** What a job's `selection` asks for. */
export type SelectionRequest = NonNullable<GenerateJob['selection']>;

/** The choice among a job's candidates. */
export interface CandidateChoice {
  /** Index of the returned candidate, or null when the content preferences dropped every one. */
  chosen: number | null;
  /** The chosen candidate (profanity masked when asked), or '' when none is left. */
  text: string;
  /** Score of each candidate, by input index; null for a dropped one. */
  scores: (number | null)[];
  /** Candidates the content preferences dropped. */
  removed: number;
}

/**
 * Filters, scores and picks. Without a scorer every kept candidate scores 0, so the first kept one wins.
 *
 * @example
 * selectCandidate(['Try the chicken soup.', 'Try the lentil soup.'], { candidates: 2, content: { excluded_topics: ['chicken'] } }, scorer);
 * // { chosen: 1, text: 'Try the lentil soup.', scores: [null, 0.25], removed: 1 }
 */
export function selectCandidate(texts: readonly string[], selection: SelectionRequest, scorer?: PreferenceScorer): CandidateChoice {
  const filtered = filterCandidates(texts, selection.content);
  const scores: (number | null)[] = texts.map(() => null);
  // Scored on the masked text: that is what the user would read.
  for (const { index, text } of filtered.kept) scores[index] = scorer ? scorer.score(text, selection.style_weights) : 0;
  const chosen = pickBest(filtered, scores.map((s) => s ?? Number.NaN));
  return {
    chosen,
    text: chosen === null ? '' : filtered.kept.find((k) => k.index === chosen)!.text,
    scores,
    removed: filtered.removed.length,
  };
}
