/** @module shared/personalization/preference-feedback.test Feedback kinds mapped to preference evidence and applied as one update. */
import { describe, expect, it } from 'vitest';
import { feedbackEvidence, observeFeedback, ratingReward } from './preference-feedback';
import { createPreferenceState } from './preference-model';

describe('ratingReward', () => {
  it('maps 1–5 to (rating − 3) / 2', () => {
    expect([1, 2, 3, 4, 5].map(ratingReward)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('rejects ratings outside 1–5 with a RangeError naming the rating', () => {
    expect(() => ratingReward(6)).toThrow(new RangeError('rating must be a number in [1, 5], got 6'));
    expect(() => ratingReward(0)).toThrow(RangeError);
  });
});

describe('feedbackEvidence', () => {
  it('turns a rating (weight 3) and thumbs into one piece of evidence', () => {
    expect(feedbackEvidence({ kind: 'rating', attributes: { style: 'formal' }, rating: 4 })).toEqual([{ attributes: { style: 'formal' }, reward: 0.5, weight: 3 }]);
    expect(feedbackEvidence({ kind: 'thumbs', attributes: { tone: 'friendly' }, up: false })).toEqual([{ attributes: { tone: 'friendly' }, reward: -1 }]);
  });

  it('contrasts a choice, leaving out attributes both responses share', () => {
    expect(
      feedbackEvidence({ kind: 'choice', chosen: { style: 'casual', tone: 'friendly', length: 'concise' }, rejected: { style: 'formal', tone: 'friendly' } }),
    ).toEqual([
      { attributes: { style: 'casual', length: 'concise' }, reward: 1 },
      { attributes: { style: 'formal' }, reward: -1 },
    ]);
  });

  it('rewards the edited text +1 and the original −0.5', () => {
    expect(feedbackEvidence({ kind: 'edit', original: { length: 'detailed', style: 'casual' }, edited: { length: 'concise', style: 'casual' } })).toEqual([
      { attributes: { length: 'concise' }, reward: 1 },
      { attributes: { length: 'detailed' }, reward: -0.5 },
    ]);
  });
});

describe('observeFeedback', () => {
  it('applies a choice as one update (hand-computed)', () => {
    const s = observeFeedback(createPreferenceState(), { kind: 'choice', chosen: { style: 'casual' }, rejected: { style: 'formal' } });
    // casual +1; formal −1 gives 0.3·1/3 = 0.1 to each of casual, technical, creative.
    expect(s.alpha.style.casual).toBeCloseTo(1 + 1 + 0.1, 12);
    expect(s.alpha.style.formal).toBe(1);
    expect(s.alpha.style.technical).toBeCloseTo(1.1, 12);
    expect(s.alpha.style.creative).toBeCloseTo(1.1, 12);
    expect(s.updates).toBe(1);
  });

  it('applies an edit: concise +1, detailed −0.5 split (times 0.3) over the two other lengths', () => {
    const s = observeFeedback(createPreferenceState(), { kind: 'edit', original: { length: 'detailed' }, edited: { length: 'concise' } });
    // 0.3·0.5/2 = 0.075 to concise and balanced.
    expect(s.alpha.length).toEqual({ concise: 2.075, balanced: 1.075, detailed: 1 });
  });

  it('applies ratings with weight 3: a 5 adds 3, a 1 spreads 0.3·3/3 and keeps 0.3 of what was learned (hand-computed)', () => {
    let s = observeFeedback(createPreferenceState(), { kind: 'rating', attributes: { style: 'formal' }, rating: 5 });
    expect(s.alpha.style).toEqual({ casual: 1, formal: 4, technical: 1, creative: 1 });
    s = observeFeedback(s, { kind: 'rating', attributes: { style: 'formal' }, rating: 1 });
    // Forget formal to 1 + 0.9·3 = 3.7; 0.3 to each other value; formal keeps 1 − 0.7 = 0.3 of its 2.7.
    expect(s.alpha.style.formal).toBeCloseTo(1 + 0.3 * 2.7, 12); // 1.81
    expect(s.alpha.style.casual).toBeCloseTo(1.3, 12);
    expect(s.alpha.style.technical).toBeCloseTo(1.3, 12);
    expect(s.alpha.style.creative).toBeCloseTo(1.3, 12);
    expect(s.updates).toBe(2);
  });

  it('leaves the state alone when a choice contrasts nothing', () => {
    const start = createPreferenceState();
    expect(observeFeedback(start, { kind: 'choice', chosen: { style: 'casual' }, rejected: { style: 'casual' } })).toBe(start);
  });
});
