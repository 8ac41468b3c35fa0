/**
 * @module edge/jobs/feedback-signal
 * What the preference model learns from a `POST /v1/feedback` body: its one signal (rating,
 * thumbs, choice, edit), and for an edit the length classes it moved between, read from word
 * counts on the default corpus's scale. The style of the user's own text is not judged at the edge.
 */
import type { FeedbackRequest } from '../../../shared/api/generate';
import type { ResponseLength } from '../../../shared/api/profile';
import type { FeedbackSignal } from '../state/personalization-store';

/** An edit must change the word count by more than this factor (either way) to say something about length. */
export const EDIT_LENGTH_FACTOR = 1.5;

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Length of a text by its word count, on the default corpus's scale (concise ≤ 40 words, detailed > 100). */
export function lengthOfText(wordCount: number): ResponseLength {
  return wordCount <= 40 ? 'concise' : wordCount <= 100 ? 'balanced' : 'detailed';
}

/** The lengths an edit moved between, when it clearly changed the length class; else null. */
export function editLengths(answer: string, edited: string): { original: ResponseLength; edited: ResponseLength } | null {
  const [before, after] = [words(answer), words(edited)];
  if (before === 0 || after === 0) return null;
  if (!(after * EDIT_LENGTH_FACTOR < before || after > before * EDIT_LENGTH_FACTOR)) return null;
  const lengths = { original: lengthOfText(before), edited: lengthOfText(after) };
  return lengths.original === lengths.edited ? null : lengths;
}

/** What the preference model learns from the request (`personalization-store.ts`). */
export function feedbackSignal(body: FeedbackRequest, answer: string | undefined): FeedbackSignal {
  if (body.rating !== undefined) return { kind: 'rating', jobId: body.job_id, rating: body.rating };
  if (body.thumbs !== undefined) return { kind: 'thumbs', jobId: body.job_id, up: body.thumbs === 'up' };
  if (body.chosen_over !== undefined) return { kind: 'choice', jobId: body.job_id, rejectedJobId: body.chosen_over };
  return { kind: 'edit', jobId: body.job_id, lengths: editLengths(answer ?? '', body.edited_response ?? '') };
}
