/** @module edge/jobs/feedback-signal.test What an edit says about length, and which signal a feedback body carries. */
import { describe, expect, it } from 'vitest';
import { editLengths, feedbackSignal, lengthOfText } from './feedback-signal';

const text = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

describe('editLengths', () => {
  it('reads a clear change of length class from the word counts (concise ≤ 40 words, balanced ≤ 100)', () => {
    expect(lengthOfText(40)).toBe('concise');
    expect(lengthOfText(41)).toBe('balanced');
    expect(lengthOfText(101)).toBe('detailed');
    expect(editLengths(text(120), text(20))).toEqual({ original: 'detailed', edited: 'concise' });
    expect(editLengths(text(30), text(80))).toEqual({ original: 'concise', edited: 'balanced' });
  });

  it('says nothing for small edits, edits within one class, or empty texts', () => {
    expect(editLengths(text(60), text(50))).toBeNull(); // under the 1.5× factor
    expect(editLengths(text(30), text(10))).toBeNull(); // both concise
    expect(editLengths('', text(10))).toBeNull();
  });
});

describe('feedbackSignal', () => {
  it('maps each body to its one signal', () => {
    expect(feedbackSignal({ job_id: 'job_12345678', rating: 4 }, 'x')).toEqual({ kind: 'rating', jobId: 'job_12345678', rating: 4 });
    expect(feedbackSignal({ job_id: 'job_12345678', thumbs: 'down' }, 'x')).toEqual({ kind: 'thumbs', jobId: 'job_12345678', up: false });
    expect(feedbackSignal({ job_id: 'job_12345678', chosen_over: 'job_87654321' }, 'x')).toEqual({ kind: 'choice', jobId: 'job_12345678', rejectedJobId: 'job_87654321' });
    expect(feedbackSignal({ job_id: 'job_12345678', edited_response: text(10) }, text(90))).toEqual({ kind: 'edit', jobId: 'job_12345678', lengths: { original: 'balanced', edited: 'concise' } });
  });
});
