/**
 * @module gpu-worker/generation/preference-scorer tests: the posterior is a distribution, the
 * scorer labels unseen corpus responses (another seed, held-out topics) as well as the judge does,
 * scores follow the weights, and its training seed is nobody else's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, STYLES, type Style } from '../training/corpus/generate-corpus';
import { DEFAULT_JUDGE_SEED, JUDGE_EVAL_SEED } from '../training/judge/default-judge';
import { EVAL_SEED } from '../training/pretrain/evaluate-default';
import { DEFAULT_PERSONALIZATION } from '../training/pretrain/personalization-experiment';
import { DEFAULT_TRAIN_OPTIONS } from '../training/pretrain/train-default';
import { createPreferenceScorer, PREFERENCE_SCORER_SEED, PREFERENCE_SCORER_TRAINING_COUNT, type PreferenceScorer } from './preference-scorer';

/** Seed of the responses the scorer is measured on: neither its own nor any judge or model seed. */
const SCORER_EVAL_SEED = 20261212;

const FORMAL = 'The following considerations apply to a gift. It is important to think about what the person does each day.';
const CASUAL = 'Always buy a good power supply, okay? Easy peasy.';

const argmax = (p: Record<Style, number>): Style => STYLES.reduce((a, b) => (p[b] > p[a] ? b : a));

let scorer: PreferenceScorer;
let trainingMs: number;
beforeAll(() => {
  const started = performance.now();
  scorer = createPreferenceScorer();
  trainingMs = performance.now() - started;
});

describe('createPreferenceScorer', () => {
  // Measured 0.5–1.1 s for 2000 examples on a 2-core CI machine (corpus generation included).
  it('trains on 2000 corpus examples of its own seed within a few seconds', () => {
    expect(scorer.trainedOn).toEqual({ seed: PREFERENCE_SCORER_SEED, count: PREFERENCE_SCORER_TRAINING_COUNT });
    expect(PREFERENCE_SCORER_TRAINING_COUNT).toBe(2000);
    expect(trainingMs).toBeLessThan(5000);
    expect(scorer.model.labels).toEqual([...STYLES]);
  });

  it('uses a corpus seed that no judge, judge evaluation or model training uses', () => {
    const taken = [
      DEFAULT_JUDGE_SEED, JUDGE_EVAL_SEED, EVAL_SEED, DEFAULT_TRAIN_OPTIONS.seed,
      // train-default also draws validation / held-out formats from seed + 1 and seed + 2.
      DEFAULT_TRAIN_OPTIONS.seed + 1, DEFAULT_TRAIN_OPTIONS.seed + 2,
      // The personalization experiment: its seed, one adapter seed per style, style pairs at seed + 17.
      ...STYLES.map((_, k) => DEFAULT_PERSONALIZATION.seed + k), DEFAULT_PERSONALIZATION.seed + 17,
    ];
    expect(taken).not.toContain(PREFERENCE_SCORER_SEED);
    expect(taken).not.toContain(SCORER_EVAL_SEED);
    expect(SCORER_EVAL_SEED).not.toBe(PREFERENCE_SCORER_SEED);
  });

  it('is deterministic: the same seed gives the same classifier', () => {
    expect(createPreferenceScorer().model).toEqual(scorer.model);
    expect(createPreferenceScorer({ seed: SCORER_EVAL_SEED, count: 200 }).model).not.toEqual(scorer.model);
  });

  it('returns a probability for every style, summing to 1, for corpus text, free text and empty text', () => {
    const texts = [FORMAL, CASUAL, 'zzz qqq', '', ...generateCorpus({ seed: SCORER_EVAL_SEED, count: 20, split: 'held-out' }).map((e) => e.response)];
    for (const text of texts) {
      const p = scorer.styleProbabilities(text);
      expect(Object.keys(p).sort()).toEqual([...STYLES].sort());
      for (const v of Object.values(p)) expect(v).toBeGreaterThanOrEqual(0);
      expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    expect(argmax(scorer.styleProbabilities(FORMAL))).toBe('formal');
    expect(argmax(scorer.styleProbabilities(CASUAL))).toBe('casual');
  });

  // Measured 99.85% (1997 / 2000; casual 499, formal 498, technical and creative 500 of 500 each).
  it('labels ≥ 99% of 2000 held-out-topic responses of another seed with their style (measured 99.85%)', () => {
    const examples = generateCorpus({ seed: SCORER_EVAL_SEED, count: 2000, split: 'held-out' });
    const perStyle = Object.fromEntries(STYLES.map((s) => [s, { right: 0, total: 0 }])) as Record<Style, { right: number; total: number }>;
    for (const ex of examples) {
      perStyle[ex.style].total++;
      if (argmax(scorer.styleProbabilities(ex.response)) === ex.style) perStyle[ex.style].right++;
    }
    const right = STYLES.reduce((n, s) => n + perStyle[s].right, 0);
    expect(right / examples.length).toBeGreaterThanOrEqual(0.99);
    for (const s of STYLES) expect(perStyle[s].right / perStyle[s].total).toBeGreaterThanOrEqual(0.98);
  });
});

describe('PreferenceScorer.score', () => {
  it('is Σ w_v · P(v | text) with the weights normalized to sum 1', () => {
    const p = scorer.styleProbabilities(FORMAL);
    const weights = { casual: 0.1, formal: 0.6, technical: 0.2, creative: 0.1 };
    const expected = STYLES.reduce((sum, s) => sum + weights[s] * p[s], 0);
    expect(scorer.score(FORMAL, weights)).toBeCloseTo(expected, 9);
    expect(scorer.score(FORMAL, { formal: 0.3 })).toBeCloseTo(p.formal, 9);
    expect(scorer.score(FORMAL, { formal: 0.3, casual: 0.3 })).toBeCloseTo((p.formal + p.casual) / 2, 9);
  });

  it('prefers the text in the style the weights favour', () => {
    const formalFirst = { formal: 0.7, casual: 0.1, technical: 0.1, creative: 0.1 };
    const casualFirst = { casual: 0.7, formal: 0.1, technical: 0.1, creative: 0.1 };
    expect(scorer.score(FORMAL, formalFirst)).toBeGreaterThan(scorer.score(CASUAL, formalFirst));
    expect(scorer.score(CASUAL, casualFirst)).toBeGreaterThan(scorer.score(FORMAL, casualFirst));
    expect(scorer.score(FORMAL, formalFirst)).toBeGreaterThan(0.65);
    expect(scorer.score(CASUAL, formalFirst)).toBeLessThan(0.15);
  });

  it('scores every text exactly 1/4 when there is no preference (absent, empty, all zero or uniform weights)', () => {
    const uniform = { casual: 0.25, formal: 0.25, technical: 0.25, creative: 0.25 };
    for (const text of [FORMAL, CASUAL, 'zzz', '']) {
      expect(scorer.score(text)).toBe(0.25);
      expect(scorer.score(text, {})).toBe(0.25);
      expect(scorer.score(text, { casual: 0, formal: 0 })).toBe(0.25);
      expect(scorer.score(text, uniform)).toBe(0.25);
    }
  });

  it('rejects a negative, non-finite or unknown weight, naming it', () => {
    expect(() => scorer.score(FORMAL, { formal: -0.1 })).toThrow('style_weights.formal must be a finite number >= 0, got -0.1');
    expect(() => scorer.score(FORMAL, { casual: Number.NaN })).toThrow('style_weights.casual must be a finite number >= 0, got NaN');
    expect(() => scorer.score(FORMAL, { poetic: 1 } as never)).toThrow('style_weights: unknown style "poetic"');
  });
});
