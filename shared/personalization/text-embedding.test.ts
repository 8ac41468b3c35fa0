/** @module shared/personalization/text-embedding.test Similarity, determinism and edge cases of the hashed n-gram encoder. */
import { describe, expect, it } from 'vitest';
import { cosineSimilarity, embedText, fnv1a32, hashFeature, textFeatures, tokenizeWords } from './text-embedding';

const PARAPHRASES: Array<[string, string]> = [
  ['How do I reset my password?', 'I forgot my password, how can I reset it?'], // measured 0.613 at dim 512
  ['The quick brown fox jumps over the lazy dog.', 'A quick brown fox jumped over a lazy dog.'], // 0.595
  ['Recommend a vegetarian recipe for dinner tonight', 'Suggest vegetarian dinner recipes'], // 0.423
];
const UNRELATED: Array<[string, string]> = [
  ['How do I reset my password?', 'The weather in Paris is sunny today.'], // measured -0.027 at dim 512
  ['I love programming in TypeScript and writing tests.', 'My grandmother bakes bread every Sunday morning.'], // 0.014
  ['Recommend a vegetarian recipe for dinner tonight', 'How do I configure a Kubernetes ingress controller?'], // 0.050
];

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives buckets inside the dimension and both signs', () => {
    const signs = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const { index, sign } = hashFeature(`w:word${i}`, 300);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(300);
      signs.add(sign);
    }
    expect([...signs].sort()).toEqual([-1, 1]);
  });
});

describe('textFeatures', () => {
  it('lower-cases words and emits unigrams, bigrams and edge-marked trigrams', () => {
    expect(tokenizeWords("Don't STOP now!")).toEqual(["don't", 'stop', 'now']);
    const keys = [...textFeatures('Hi there').keys()];
    expect(keys).toEqual(['w:hi', 'c:#hi', 'c:hi#', 'w:there', 'b:hi there', 'c:#th', 'c:the', 'c:her', 'c:ere', 'c:re#']);
  });

  it('counts repeated features', () => {
    expect(textFeatures('go go go').get('w:go')?.count).toBe(3);
  });
});

describe('embedText', () => {
  it('rates paraphrases above 0.35 and unrelated texts below 0.15 at every allowed size', () => {
    for (const dim of [256, 512, 1024]) {
      for (const [a, b] of PARAPHRASES) expect(cosineSimilarity(embedText(a, { dim }), embedText(b, { dim }))).toBeGreaterThan(0.35);
      for (const [a, b] of UNRELATED) expect(Math.abs(cosineSimilarity(embedText(a, { dim }), embedText(b, { dim })))).toBeLessThan(0.15);
    }
  });

  it('ranks each paraphrase above every unrelated pair', () => {
    const low = Math.min(...PARAPHRASES.map(([a, b]) => cosineSimilarity(embedText(a), embedText(b))));
    const high = Math.max(...UNRELATED.map(([a, b]) => cosineSimilarity(embedText(a), embedText(b))));
    expect(low).toBeGreaterThan(high + 0.25);
  });

  it('returns unit vectors of the requested length, 512 by default', () => {
    const v = embedText('Personalized answers for every user');
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(512);
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(embedText('x', { dim: 256 }).length).toBe(256);
  });

  it('is deterministic and ignores case', () => {
    expect(Array.from(embedText('Hello World'))).toEqual(Array.from(embedText('Hello World')));
    expect(Array.from(embedText('HELLO world'))).toEqual(Array.from(embedText('hello World')));
  });

  it('gives the zero vector for text without words, and cosine 0 (not NaN) against it', () => {
    for (const text of ['', '   ', '?!…']) {
      const v = embedText(text);
      expect(v.every((x) => x === 0)).toBe(true);
      expect(cosineSimilarity(v, embedText('anything'))).toBe(0);
      expect(cosineSimilarity(v, v)).toBe(0);
    }
  });

  it('dampens repeated words sublinearly', () => {
    const once = cosineSimilarity(embedText('apple banana'), embedText('apple'));
    const many = cosineSimilarity(embedText('apple apple apple apple banana'), embedText('apple'));
    expect(many).toBeGreaterThan(once);
    expect(many).toBeLessThan(0.95);
  });

  it('rejects a dimension outside 256..1024 with a message naming dim', () => {
    for (const dim of [0, 255, 1025, 512.5, Number.NaN]) expect(() => embedText('x', { dim })).toThrow(RangeError);
    expect(() => embedText('x', { dim: 128 })).toThrow(/^dim must be an integer from 256 to 1024, got 128$/);
  });
});

describe('cosineSimilarity', () => {
  it('rejects vectors of different lengths', () => {
    expect(() => cosineSimilarity([1, 0], [1, 0, 0])).toThrow(RangeError);
  });
});
