/**
 * @module gpu-worker/training/judge/length-classifier tests: the logistic regression separates
 * short from long texts and its boundary can be read back as a word count.
 */
import { describe, expect, it } from 'vitest';
import { boundaryWords, positiveProbability, trainLengthClassifier } from './length-classifier';

const sentence = (words: number) => `${Array.from({ length: words - 1 }, () => 'word').join(' ')} end.`;
const text = (sentences: number, wordsEach: number) => Array.from({ length: sentences }, () => sentence(wordsEach)).join(' ');

const data = [
  ...[1, 2].flatMap((s) => [6, 10, 14, 18].map((w) => ({ text: text(s, w), label: 'short' }))),
  ...[4, 6, 8].flatMap((s) => [12, 16, 20].map((w) => ({ text: text(s, w), label: 'long' }))),
];

describe('length classifier', () => {
  const model = trainLengthClassifier(['short', 'long'], data);

  it('separates the training texts', () => {
    for (const d of data) expect(positiveProbability(model, d.text) >= 0.5, d.text.length.toString()).toBe(d.label === 'long');
  });

  it('reports a word boundary that falls as the sentence count rises', () => {
    const one = boundaryWords(model, 1);
    const four = boundaryWords(model, 4);
    expect(one).not.toBeNull();
    expect(four).not.toBeNull();
    expect(four!).toBeLessThan(one!);
    expect(positiveProbability(model, text(4, Math.ceil(four! / 4) + 2))).toBeGreaterThan(0.5);
  });

  it('is deterministic and plain data', () => {
    const again = trainLengthClassifier(['short', 'long'], data);
    expect(JSON.parse(JSON.stringify(again))).toEqual(model);
  });
});
