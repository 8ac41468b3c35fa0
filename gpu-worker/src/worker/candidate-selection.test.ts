/**
 * @module gpu-worker/worker/candidate-selection tests: the content filter runs before scoring,
 * the best-scoring kept candidate wins (ties → lowest index), masked text is what is scored and
 * returned, PII placeholders pass untouched, and a job with every candidate dropped gets nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPreferenceScorer, type PreferenceScorer } from '../generation/preference-scorer';
import { selectCandidate } from './candidate-selection';

const FORMAL = 'The following considerations apply to a gift. It is important to think about what the person does each day.';
const CASUAL = 'Always buy a good power supply, okay? Easy peasy.';
const CREATIVE = 'Come, walk with me for a moment. Think of it like a treasure chest with a simple lock. The road is yours now.';
const TECHNICAL = 'Set the budget to 50 USD, then compare 3 models by watts per dollar and a 5 year warranty.';

let scorer: PreferenceScorer;
beforeAll(() => {
  scorer = createPreferenceScorer();
});

describe('selectCandidate', () => {
  it('scores every candidate by the style weights and returns the best one', () => {
    const texts = [CASUAL, FORMAL, CREATIVE];
    const weights = { formal: 0.8, casual: 0.2 };
    const choice = selectCandidate(texts, { candidates: 3, style_weights: weights }, scorer);
    expect(choice.scores).toEqual(texts.map((t) => scorer.score(t, weights)));
    expect(choice).toMatchObject({ chosen: 1, text: FORMAL, removed: 0 });
    expect(choice.scores[1]).toBeGreaterThan(0.75);
    // The same candidates under another preference: the casual one wins.
    expect(selectCandidate(texts, { candidates: 3, style_weights: { casual: 1 } }, scorer)).toMatchObject({ chosen: 0, text: CASUAL });
  });

  it('drops candidates that mention an excluded topic before choosing, even the best-scoring one', () => {
    const texts = [CASUAL, 'The following considerations apply to a puppy. It is important to be patient.', FORMAL];
    const choice = selectCandidate(texts, { candidates: 3, style_weights: { formal: 1 }, content: { excluded_topics: ['puppy'] } }, scorer);
    expect(choice.removed).toBe(1);
    expect(choice.scores[1]).toBeNull();
    expect(choice.scores[0]).toBeTypeOf('number');
    expect(choice).toMatchObject({ chosen: 2, text: FORMAL });
  });

  it('scores and returns the masked text when profanity is masked, and drops it when blocked', () => {
    const profane = 'Always buy a good damn power supply, okay? Easy peasy.';
    const masked = 'Always buy a good d*** power supply, okay? Easy peasy.';
    const mask = selectCandidate([FORMAL, profane], { candidates: 2, style_weights: { casual: 1 }, content: { profanity: 'mask' } }, scorer);
    expect(mask).toMatchObject({ chosen: 1, text: masked, removed: 0 });
    expect(mask.scores[1]).toBe(scorer.score(masked, { casual: 1 }));
    const block = selectCandidate([FORMAL, profane], { candidates: 2, style_weights: { casual: 1 }, content: { profanity: 'block' } }, scorer);
    expect(block).toMatchObject({ chosen: 0, text: FORMAL, removed: 1 });
    expect(block.scores[1]).toBeNull();
  });

  it('returns chosen null, empty text and no scores when every candidate is dropped', () => {
    const texts = ['A puppy needs walks.', 'Two puppies need more walks.', 'Shit, buy a good power supply.'];
    const choice = selectCandidate(texts, { candidates: 3, content: { excluded_topics: ['puppy'], profanity: 'block' } }, scorer);
    expect(choice).toEqual({ chosen: null, text: '', scores: [null, null, null], removed: 3 });
  });

  it('gives ties to the lowest index: equal texts, or no preference at all', () => {
    expect(selectCandidate([CASUAL, FORMAL, FORMAL], { candidates: 3, style_weights: { formal: 1 } }, scorer).chosen).toBe(1);
    const none = selectCandidate([CASUAL, FORMAL, TECHNICAL], { candidates: 3 }, scorer);
    expect(none.scores).toEqual([0.25, 0.25, 0.25]);
    expect(none.chosen).toBe(0);
  });

  it('scores every kept candidate 0 without a scorer, so the first kept one wins', () => {
    const choice = selectCandidate(['A puppy needs walks.', CASUAL, FORMAL], { candidates: 3, style_weights: { formal: 1 }, content: { excluded_topics: ['puppy'] } });
    expect(choice).toEqual({ chosen: 1, text: CASUAL, scores: [null, 0, 0], removed: 1 });
  });

  it('leaves PII placeholders alone: returned verbatim and not matched as words by excluded topics', () => {
    const withPlaceholder = 'The following considerations apply. Please write to <EMAIL_1> or call <PHONE_2> each day.';
    const choice = selectCandidate([CASUAL, withPlaceholder], { candidates: 2, style_weights: { formal: 1 }, content: { excluded_topics: ['email', 'phone'], profanity: 'mask' } }, scorer);
    expect(choice).toMatchObject({ chosen: 1, text: withPlaceholder, removed: 0 });
  });
});
