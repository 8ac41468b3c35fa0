/**
 * @module gpu-worker/training/corpus/generate-corpus tests: determinism, balance, length bounds,
 * marker diversity, split disjointness and the shape of prompts and responses.
 */
import { describe, expect, it } from 'vitest';
import { generateCorpus, HELD_OUT_TOPICS_PER_DOMAIN, splitTopics } from './generate-corpus';
import { digitShareByStyle, styleMarkers } from './marker-stats';
import { countSentences, countWords } from './phrasing';
import { TOPICS_BY_DOMAIN } from './topic-bank';
import { DOMAINS, LENGTHS, LENGTH_BOUNDS, STYLES, type CorpusExample } from './types';

const train = generateCorpus({ seed: 11, count: 4000 });
const validation = generateCorpus({ seed: 11, count: 1000, split: 'validation' });
const heldOut = generateCorpus({ seed: 11, count: 1000, split: 'held-out' });
const all = [...train, ...validation, ...heldOut];

describe('generateCorpus', () => {
  it('gives the same examples for the same seed and different ones for another seed', () => {
    expect(generateCorpus({ seed: 11, count: 200 })).toEqual(train.slice(0, 200));
    const other = generateCorpus({ seed: 12, count: 200 });
    expect(other.filter((e, i) => e.response === train[i].response).length).toBeLessThan(5);
  });

  it('extends a smaller count when asked for a larger one', () => {
    const small = generateCorpus({ seed: 5, count: 57, split: 'held-out' });
    const large = generateCorpus({ seed: 5, count: 130, split: 'held-out' });
    expect(large.slice(0, 57)).toEqual(small);
  });

  it('fills every domain × style × length cell with count / 40 examples, within 5%', () => {
    for (const [examples, perCell] of [[train, 100], [validation, 25], [heldOut, 25]] as const) {
      const cells = new Map<string, number>();
      for (const e of examples) cells.set(`${e.domain}/${e.style}/${e.length}`, (cells.get(`${e.domain}/${e.style}/${e.length}`) ?? 0) + 1);
      expect(cells.size).toBe(DOMAINS.length * STYLES.length * LENGTHS.length);
      for (const n of cells.values()) expect(Math.abs(n - perCell)).toBeLessThanOrEqual(perCell * 0.05);
    }
  });

  it('keeps concise responses to 1-2 sentences and 40 words, detailed ones to 4-8 sentences and 60-160 words', () => {
    for (const e of all) {
      const b = LENGTH_BOUNDS[e.length];
      const words = countWords(e.response);
      const sentences = countSentences(e.response);
      expect(words, e.response).toBeGreaterThanOrEqual(b.minWords);
      expect(words, e.response).toBeLessThanOrEqual(b.maxWords);
      expect(sentences, e.response).toBeGreaterThanOrEqual(b.minSentences);
      expect(sentences, e.response).toBeLessThanOrEqual(b.maxSentences);
    }
    const mean = (len: string) => {
      const words = train.filter((e) => e.length === len).map((e) => countWords(e.response));
      return words.reduce((a, b) => a + b, 0) / words.length;
    };
    expect(mean('concise')).toBeGreaterThan(12);
    expect(mean('detailed')).toBeGreaterThan(65);
  });

  it('never lets one marker word cover more than 30% of its style', () => {
    const markers = styleMarkers(train);
    for (const style of STYLES) {
      expect(markers[style].length, style).toBeGreaterThan(5);
      expect(markers[style][0].coverage, `${style}: ${markers[style][0].word}`).toBeLessThanOrEqual(0.3);
    }
  });

  it('shows each style through many markers: at least ten words exclusive to the style each cover 5% of it', () => {
    const markers = styleMarkers(train, { top: 50 });
    for (const style of STYLES) expect(markers[style].filter((m) => m.coverage >= 0.05).length, style).toBeGreaterThanOrEqual(10);
  });

  it('puts numbers in technical responses and almost nowhere else', () => {
    const share = digitShareByStyle(train);
    expect(share.technical).toBeGreaterThan(0.9);
    for (const style of ['casual', 'formal', 'creative'] as const) expect(share[style]).toBeLessThan(0.05);
  });

  it('contracts in casual responses and never in formal ones', () => {
    const contracted = (e: CorpusExample) => /\b[A-Za-z]+'(s|t|ll|re|d|m)\b/.test(e.response);
    const share = (style: string) => train.filter((e) => e.style === style && contracted(e)).length / train.filter((e) => e.style === style).length;
    expect(share('casual')).toBeGreaterThan(0.5);
    expect(share('formal')).toBe(0);
  });

  it('holds out topics that never appear in train or validation', () => {
    const { train: trainIds, heldOut: heldOutIds } = splitTopics(11);
    for (const domain of DOMAINS) {
      expect(heldOutIds[domain]).toHaveLength(HELD_OUT_TOPICS_PER_DOMAIN);
      expect(trainIds[domain].length + heldOutIds[domain].length).toBe(TOPICS_BY_DOMAIN[domain].length);
    }
    const topicsOf = (examples: CorpusExample[]) => new Set(examples.map((e) => `${e.domain}/${e.topic}`));
    const seenInTrain = topicsOf(train);
    const unseen = topicsOf(heldOut);
    expect([...unseen].filter((t) => seenInTrain.has(t))).toEqual([]);
    expect([...topicsOf(validation)].every((t) => seenInTrain.has(t))).toBe(true);
    expect(unseen.size).toBe(DOMAINS.length * HELD_OUT_TOPICS_PER_DOMAIN);
    expect(splitTopics(12).heldOut).not.toEqual(heldOutIds);
  });

  it('writes prompts without style instructions and styled prompts that contain them', () => {
    for (const e of all) {
      expect(e.styledPrompt).toContain(e.prompt);
      expect(e.prompt).not.toMatch(/casual|formal|technical|creative|brief|concise|detail/i);
    }
  });

  it('writes one-line plain ASCII responses with every template slot filled', () => {
    for (const e of all) {
      expect(e.response).toMatch(/^[\x20-\x7e]+$/);
      expect(e.styledPrompt).toMatch(/^[\x20-\x7e]+$/);
      expect(e.response).not.toMatch(/\{(tip|Tip|inf|why|spec|subject|image|scene|label|lowerLabel|n|k|m|p|r)\}/);
      expect(e.id).toMatch(/^(train|validation|held-out)-11-\d+$/);
    }
  });

  it('keeps the vocabulary modest: under 3,000 distinct words in 6,000 examples', () => {
    const vocabulary = new Set(all.flatMap((e) => `${e.styledPrompt} ${e.response}`.toLowerCase().match(/[a-z']+/g) ?? []));
    expect(vocabulary.size).toBeLessThan(3000);
  });

  it('covers two dozen topics per domain with at least four atoms each', () => {
    for (const domain of DOMAINS) {
      const topics = TOPICS_BY_DOMAIN[domain];
      expect(topics.length).toBeGreaterThanOrEqual(24);
      expect(new Set(topics.map((t) => t.id)).size).toBe(topics.length);
      for (const t of topics) {
        expect(t.atoms.length).toBeGreaterThanOrEqual(4);
        for (const [tip, why, spec] of t.atoms) {
          expect(tip).toMatch(/^[a-z]/);
          expect(why).toMatch(/^[a-zA-Z]/);
          expect(spec).not.toMatch(/[:;]/);
        }
      }
    }
    const specs = DOMAINS.flatMap((d) => TOPICS_BY_DOMAIN[d].flatMap((t) => t.atoms.map((a) => a[2])));
    expect(specs.filter((s) => /[0-9]/.test(s)).length / specs.length).toBeGreaterThan(0.8);
  });

  it('rejects a bad count, seed or split with a message naming it', () => {
    expect(() => generateCorpus({ seed: 1, count: 0 })).toThrow('count must be a positive integer, got 0');
    expect(() => generateCorpus({ seed: 1.5, count: 1 })).toThrow('seed must be a safe integer, got 1.5');
    expect(() => generateCorpus({ seed: 1, count: 1, split: 'test' as never })).toThrow('split must be one of train, validation, held-out, got "test"');
  });
});
