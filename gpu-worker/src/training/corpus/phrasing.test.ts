/**
 * @module gpu-worker/training/corpus/phrasing tests: templates, capitalization, contractions and
 * the word and sentence counts that define lengths.
 */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import { article, capitalizeSentences, contract, countSentences, countWords, fill, infinitive, pickOrdered, shuffled } from './phrasing';

describe('phrasing', () => {
  it('fills slots once, so braces inside a value stay as they are', () => {
    expect(fill('Use {spec} now.', { spec: '[0-9]{3}' })).toBe('Use [0-9]{3} now.');
  });

  it('throws on a slot the template names but the values lack', () => {
    expect(() => fill('Just {tip}.', {})).toThrow('template slot {tip} has no value in "Just {tip}."');
  });

  it('capitalizes the start of the text and of every sentence', () => {
    expect(capitalizeSentences('oh. read it! why? because.')).toBe('Oh. Read it! Why? Because.');
  });

  it('contracts the common pairs and keeps the case of the first letter', () => {
    expect(contract('It is fine. You will see that it is not hard, so do not worry; I would go. He is not.')).toBe("It's fine. You'll see that it's not hard, so don't worry; I'd go. He isn't.");
  });

  it('turns a leading "do not" into "not" after "to"', () => {
    expect(infinitive('do not skip it')).toBe('not skip it');
    expect(infinitive('never skip it')).toBe('never skip it');
  });

  it('counts words by whitespace and sentences by final punctuation', () => {
    expect(countWords('  Step 1: do it (now).  ')).toBe(5);
    expect(countSentences('One. Two! Three? 2.5 stays inside. Last')).toBe(5);
    expect(countSentences('')).toBe(0);
  });

  it('picks "an" before a vowel', () => {
    expect([article('informal'), article('brief')]).toEqual(['an', 'a']);
  });

  it('shuffles and picks in order deterministically per seed', () => {
    const items = [1, 2, 3, 4, 5, 6];
    expect(shuffled(createSeededRng(3), items)).toEqual(shuffled(createSeededRng(3), items));
    expect([...shuffled(createSeededRng(3), items)].sort()).toEqual(items);
    const chosen = pickOrdered(createSeededRng(4), items, 3);
    expect(chosen).toHaveLength(3);
    expect([...chosen].sort((a, b) => a - b)).toEqual(chosen);
  });
});
