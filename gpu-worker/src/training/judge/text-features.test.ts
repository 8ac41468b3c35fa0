/**
 * @module gpu-worker/training/judge/text-features tests: tokens, n-grams and shape features.
 */
import { describe, expect, it } from 'vitest';
import { lengthFeatures, sentenceCount, styleFeatures, tokenize, wordCount } from './text-features';

describe('text features', () => {
  it('lower-cases words, keeps contractions and maps every number to <num>', () => {
    expect(tokenize("Hey! It's 2.5 kg, 'cause 1,000 (Note: x).")).toEqual([
      'hey', '!', "it's", '<num>', 'kg', ',', "'cause", '<num>', '(', 'note', ':', 'x', ')', '.',
    ]);
  });

  it('counts unigrams, bigrams with text boundaries, and shape bins', () => {
    const bag = styleFeatures('Just do it. Just do it.');
    expect(bag.get('just')).toBe(2);
    expect(bag.get('just do')).toBe(2);
    expect(bag.get('<s> just')).toBe(1);
    expect(bag.get('. </s>')).toBe(1);
    expect(bag.get('#sentences=1')).toBe(1);
    expect(bag.get('#words-per-sentence=0')).toBe(1);
  });

  it('measures words and sentences as the corpus does', () => {
    expect(wordCount('a b  c\nd')).toBe(4);
    expect(sentenceCount('One. Two! Three? Four')).toBe(4);
    const [logWords, sentences, logMean] = lengthFeatures('One two. Three four.');
    expect(logWords).toBeCloseTo(Math.log(5), 12);
    expect(sentences).toBe(2);
    expect(logMean).toBeCloseTo(Math.log(2.5), 12);
  });
});
