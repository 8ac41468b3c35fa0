/** @module shared/privacy/pii/context-enhancer.test Presidio-style context boosting. */
import { describe, expect, it } from 'vitest';
import { contextWords, enhanceWithContext, hasContext, wordsBefore } from './context-enhancer';
import type { PiiCandidate } from './types';

const phone = (text: string, value: string, score = 0.4): PiiCandidate => {
  const start = text.indexOf(value);
  return { type: 'PHONE_NUMBER', start, end: start + value.length, score, recognizer: 'test' };
};

describe('enhanceWithContext', () => {
  const context = contextWords('phone call mobile');

  it('adds 0.35 when a context word is among the five words before the match', () => {
    const text = 'you can call me on 4155552671';
    expect(enhanceWithContext(text, [phone(text, '4155552671')], context)[0].score).toBe(0.75);
  });

  it('caps the score at 1 and leaves matches without context as they are', () => {
    const text = 'Phone 4155552671. Ref 4155552672';
    const [a, b] = enhanceWithContext(text, [phone(text, '4155552671', 0.9), phone(text, '4155552672')], context);
    expect(a.score).toBe(1);
    expect(b.score).toBe(0.4);
  });

  it('matches plural and possessive forms by a light stem', () => {
    const text = 'both phones: 4155552671';
    expect(hasContext(text, text.indexOf('4'), text.length, context)).toBe(true);
  });

  it('does not look further than five words back', () => {
    const text = 'call one two three four five 4155552671';
    expect(hasContext(text, text.indexOf('4'), text.length, context)).toBe(false);
  });

  it('does not reach across a sentence end, but does across a line break', () => {
    const sentence = 'Please call. Then 4155552671';
    expect(hasContext(sentence, sentence.indexOf('4'), sentence.length, context)).toBe(false);
    const form = 'Mobile:\n4155552671';
    expect(hasContext(form, form.indexOf('4'), form.length, context)).toBe(true);
  });

  it('looks at suffix words only when asked', () => {
    const text = '4155552671 (mobile)';
    expect(hasContext(text, 0, 10, context)).toBe(false);
    expect(hasContext(text, 0, 10, context, { suffixWords: 1 })).toBe(true);
  });
});

describe('wordsBefore', () => {
  it('returns the last words in lower case', () => {
    expect(wordsBefore('A B C D E F G target', 14, 3)).toEqual(['e', 'f', 'g']);
  });
});
