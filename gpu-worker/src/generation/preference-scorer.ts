/**
 * @module gpu-worker/generation/preference-scorer
 * Scores how well a response matches a user's style preference, for best-of-N reranking:
 * `score = Σ_v w_v · P(v | text)`, the probability that the text is in a style drawn from the
 * user's preference `w` (the edge's posterior mean, `selection.style_weights`).
 *
 * `P(v | text)` is the style judge's classifier (multinomial naive Bayes with a fitted softmax
 * temperature, judge/style-judge.ts) trained on a corpus seed of its own,
 * {@link PREFERENCE_SCORER_SEED}: the evaluation judge is trained on `DEFAULT_JUDGE_SEED` and
 * measured on `JUDGE_EVAL_SEED`, and models learn from seeds 1 (train-default), 7 and 24
 * (personalization experiment, style pairs), so the reranker never learns from what grades it.
 * Trained once at worker start, in about half a second for 2000 examples on one core.
 */
import { STYLES, type Style } from '../training/corpus/types';
import { generateCorpus } from '../training/corpus/generate-corpus';
import { featureIndex, logScores, softmax, type NaiveBayesModel } from '../training/judge/naive-bayes';
import { trainJudge } from '../training/judge/style-judge';
import { styleFeatures } from '../training/judge/text-features';

/** Corpus seed reserved for the preference scorer; collides with no judge or model-training seed. */
export const PREFERENCE_SCORER_SEED = 20261211;
/** Examples the scorer is trained on (50 per domain × style × length cell). */
export const PREFERENCE_SCORER_TRAINING_COUNT = 2000;

/** A user's style preference: weight per style; missing styles weigh 0. */
export type StyleWeights = Partial<Record<Style, number>>;

/** A trained scorer. */
export interface PreferenceScorer {
  /** The style classifier (plain data, JSON-serializable). */
  readonly model: NaiveBayesModel;
  /** What it was trained on. */
  readonly trainedOn: { seed: number; count: number };
  /** Calibrated posterior P(style | text) over every style; sums to 1. */
  styleProbabilities(text: string): Record<Style, number>;
  /**
   * Σ_v w_v · P(v | text) with `weights` normalized to sum 1, so a score lies in [0, 1].
   * Absent, empty or all-zero weights are uniform, and every text then scores exactly
   * 1 / {@link STYLES}.length (no preference ranks no candidate above another).
   *
   * @throws RangeError when a weight is negative or not finite.
   */
  score(text: string, weights?: StyleWeights): number;
}

/** Options of {@link createPreferenceScorer}. */
export interface PreferenceScorerOptions {
  /** @default PREFERENCE_SCORER_SEED */
  readonly seed?: number;
  /** @default PREFERENCE_SCORER_TRAINING_COUNT */
  readonly count?: number;
}

// Scores are rounded so that float noise in Σ w·P never decides between candidates the weights rank equal.
const SCORE_DECIMALS = 9;
const roundScore = (x: number) => Math.round(x * 10 ** SCORE_DECIMALS) / 10 ** SCORE_DECIMALS;

/** Validated weights in {@link STYLES} order, normalized to sum 1; null when there is no preference. */
function normalizedWeights(weights: StyleWeights | undefined): number[] | null {
  if (!weights) return null;
  for (const [style, w] of Object.entries(weights)) {
    if (!(STYLES as readonly string[]).includes(style)) throw new RangeError(`style_weights: unknown style "${style}"`);
    if (w !== undefined && (!Number.isFinite(w) || w < 0)) throw new RangeError(`style_weights.${style} must be a finite number >= 0, got ${w}`);
  }
  const raw = STYLES.map((s) => weights[s] ?? 0);
  const total = raw.reduce((a, b) => a + b, 0);
  return total > 0 ? raw.map((w) => w / total) : null;
}

/**
 * Trains a scorer on the corpus of `seed` (deterministic).
 *
 * @example
 * const scorer = createPreferenceScorer();
 * scorer.score('Hey! Just read it out loud, trust me.', { casual: 0.7, formal: 0.1 }); // close to 1
 */
export function createPreferenceScorer(options: PreferenceScorerOptions = {}): PreferenceScorer {
  const trainedOn = { seed: options.seed ?? PREFERENCE_SCORER_SEED, count: options.count ?? PREFERENCE_SCORER_TRAINING_COUNT };
  const examples = generateCorpus({ seed: trainedOn.seed, count: trainedOn.count, split: 'train' });
  // The judge's trainer fits the temperature on held-back examples; only its style part is used.
  const model = trainJudge(examples, { trainedOn }).style;
  if (model.labels.some((label, k) => label !== STYLES[k])) throw new Error('style classifier labels are not in STYLES order');
  const index = featureIndex(model);

  const probabilities = (text: string) => softmax(logScores(model, index, styleFeatures(text)), model.temperature);
  return {
    model,
    trainedOn,
    styleProbabilities(text) {
      const p = probabilities(text);
      return Object.fromEntries(STYLES.map((s, k) => [s, p[k]])) as Record<Style, number>;
    },
    score(text, weights) {
      const w = normalizedWeights(weights);
      if (!w) return roundScore(1 / STYLES.length);
      const p = probabilities(text);
      return roundScore(w.reduce((sum, wk, k) => sum + wk * p[k], 0));
    },
  };
}
