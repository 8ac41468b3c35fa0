/**
 * @module gpu-worker/training/judge/evaluate-judge
 * Accuracy of a judge on labelled texts, optionally after damaging each text by dropping words at
 * random (a stand-in for the imperfect text a small model writes).
 */
import { createSeededRng, type SeededRng } from '../../../../shared/random/seeded-rng';
import { STYLES, type CorpusExample, type Style } from '../corpus/types';
import { judge, type JudgeModel } from './style-judge';

/** Options of {@link evaluateJudge}. */
export interface EvaluationOptions {
  /** Share of words dropped from each text before judging. @default 0 */
  readonly dropRate?: number;
  /** Seed of the word dropping. @default 0 */
  readonly seed?: number;
}

/** Accuracies, overall and per true style. */
export interface JudgeEvaluation {
  readonly count: number;
  readonly styleAccuracy: number;
  readonly lengthAccuracy: number;
  /** Style accuracy per true style. */
  readonly styleAccuracyByStyle: Record<Style, number>;
  /** confusion[true][predicted] counts. */
  readonly confusion: Record<Style, Record<Style, number>>;
  /** Mean reported style confidence. */
  readonly meanStyleConfidence: number;
}

/**
 * Drops each whitespace-separated word with probability `rate` (sentence punctuation attached to
 * a dropped word goes with it), keeping at least one word.
 */
export function dropWords(text: string, rate: number, rng: SeededRng): string {
  const words = text.trim().split(/\s+/);
  const kept = words.filter(() => rng.next() >= rate);
  return (kept.length > 0 ? kept : [words[Math.floor(rng.next() * words.length)]]).join(' ');
}

/** Judges every example's response and compares with its labels. */
export function evaluateJudge(
  model: JudgeModel,
  examples: ReadonlyArray<Pick<CorpusExample, 'response' | 'style' | 'length'>>,
  options: EvaluationOptions = {},
): JudgeEvaluation {
  const { dropRate = 0, seed = 0 } = options;
  if (examples.length === 0) throw new RangeError('evaluateJudge needs at least one example');
  const rng = createSeededRng(seed);
  const confusion = Object.fromEntries(STYLES.map((t) => [t, Object.fromEntries(STYLES.map((p) => [p, 0]))])) as Record<Style, Record<Style, number>>;
  let styleRight = 0;
  let lengthRight = 0;
  let confidence = 0;
  for (const example of examples) {
    const text = dropRate > 0 ? dropWords(example.response, dropRate, rng) : example.response;
    const verdict = judge(model, text);
    confusion[example.style][verdict.style]++;
    if (verdict.style === example.style) styleRight++;
    if (verdict.length === example.length) lengthRight++;
    confidence += verdict.styleConfidence;
  }
  const styleAccuracyByStyle = Object.fromEntries(
    STYLES.map((s) => {
      const row = confusion[s];
      const total = STYLES.reduce((a, p) => a + row[p], 0);
      return [s, total === 0 ? NaN : row[s] / total];
    }),
  ) as Record<Style, number>;
  return {
    count: examples.length,
    styleAccuracy: styleRight / examples.length,
    lengthAccuracy: lengthRight / examples.length,
    styleAccuracyByStyle,
    confusion,
    meanStyleConfidence: confidence / examples.length,
  };
}
