/**
 * @module gpu-worker/training/judge/measure-judge
 * The figures reported for a judge: accuracy on a third seed's validation and held-out prompts,
 * on the subset whose topics the judge never saw, and after dropping 20% of words; plus the
 * word-count boundary of the length rule per sentence count.
 */
import { generateCorpus, splitTopics } from '../corpus/generate-corpus';
import { evaluateJudge, type JudgeEvaluation } from './evaluate-judge';
import { boundaryWords } from './length-classifier';
import type { JudgeModel } from './style-judge';

/** Options of {@link measureJudge}. */
export interface MeasureOptions {
  /** Seed of the evaluation corpus; must differ from the judge's and the model's. */
  readonly evalSeed: number;
  /** Seed the judge was trained on (to find topics it never saw). */
  readonly judgeSeed: number;
  /** Examples per split (validation and held-out each). @default 2000 */
  readonly countPerSplit?: number;
  /** Share of words dropped in the robustness run. @default 0.2 */
  readonly dropRate?: number;
}

/** Measured figures (accuracies in [0, 1]). */
export interface JudgeMeasurement {
  readonly evalSeed: number;
  readonly count: number;
  readonly clean: JudgeEvaluation;
  readonly unseenTopics: JudgeEvaluation;
  readonly dropped: JudgeEvaluation & { readonly dropRate: number };
  /** Word count where the length rule turns to "detailed", by sentence count. */
  readonly lengthBoundaryWords: Record<string, number | null>;
}

/** Measures `model` on a corpus generated from `evalSeed`. */
export function measureJudge(model: JudgeModel, options: MeasureOptions): JudgeMeasurement {
  const { evalSeed, judgeSeed, countPerSplit = 2000, dropRate = 0.2 } = options;
  const examples = [
    ...generateCorpus({ seed: evalSeed, count: countPerSplit, split: 'validation' }),
    ...generateCorpus({ seed: evalSeed, count: countPerSplit, split: 'held-out' }),
  ];
  const judgeHeldOut = splitTopics(judgeSeed).heldOut;
  const unseen = examples.filter((e) => judgeHeldOut[e.domain].includes(e.topic));
  const lengthBoundaryWords = Object.fromEntries([1, 2, 3, 4, 6, 8].map((s) => [String(s), boundaryWords(model.length, s)]));
  return {
    evalSeed,
    count: examples.length,
    clean: evaluateJudge(model, examples),
    unseenTopics: evaluateJudge(model, unseen),
    dropped: { ...evaluateJudge(model, examples, { dropRate, seed: evalSeed }), dropRate },
    lengthBoundaryWords,
  };
}
