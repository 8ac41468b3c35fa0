/**
 * @module gpu-worker/training/pretrain/style-eval
 * Measures whether a model writes in the style and length it is asked for: generations for
 * held-out prompts (topics never trained on), each labelled by the independent style judge.
 * Also measures the style mix of generations with no instruction (the baseline that
 * personalization by adapter is compared with).
 */
import type { LoraAdapter } from '../../adapters/adapter';
import { parseSamplingParams } from '../../generation/sampling-params';
import type { TextGenerator } from '../../generation/text-generator';
import { generateCorpus } from '../corpus/generate-corpus';
import { STYLES, type CorpusExample, type Length, type Style } from '../corpus/types';
import { judge, type JudgeModel } from '../judge/style-judge';
import { promptMessages, type PromptFormat } from './pretrain-data';

/** One judged generation. */
export interface JudgedGeneration {
  id: string;
  requestedStyle: Style;
  requestedLength: Length;
  judgedStyle: Style;
  judgedLength: Length;
  text: string;
}

/** Rates over a set of generations. */
export interface StyleEvalSummary {
  format: PromptFormat;
  count: number;
  /** Share judged as the requested style, overall and per requested style. */
  styleMatch: number;
  styleMatchByStyle: Record<Style, number>;
  /** Share judged as the requested length. */
  lengthMatch: number;
  /** Share of each judged style (for `no-instruction`, the base model's own mix). */
  judgedStyleShares: Record<Style, number>;
  meanWords: number;
}

/** Sampling used for every evaluation generation (seeded per prompt). */
export const EVAL_SAMPLING = { temperature: 0.7, topP: 0.9, maxNewTokens: 256 };

/** Held-out prompts: `count` examples of the held-out split (balanced over domain × style × length). */
export function heldOutPrompts(seed: number, count: number): CorpusExample[] {
  return generateCorpus({ seed, count, split: 'held-out' });
}

/**
 * Generates one response per example in `format` (all in flight at once; the engine batches them)
 * and judges each.
 */
export async function generateAndJudge(
  generator: TextGenerator,
  judgeModel: JudgeModel,
  examples: CorpusExample[],
  format: PromptFormat,
  adapter: LoraAdapter | null = null,
): Promise<JudgedGeneration[]> {
  return Promise.all(
    examples.map(async (ex, i) => {
      const params = parseSamplingParams({ ...EVAL_SAMPLING, seed: 1000 + i });
      const done = await generator.complete({ messages: promptMessages(ex, format) }, params, adapter);
      const verdict = judge(judgeModel, done.text);
      return { id: ex.id, requestedStyle: ex.style, requestedLength: ex.length, judgedStyle: verdict.style, judgedLength: verdict.length, text: done.text };
    }),
  );
}

const share = (n: number, total: number) => (total === 0 ? 0 : n / total);

/** Aggregates judged generations. */
export function summarize(format: PromptFormat, results: JudgedGeneration[]): StyleEvalSummary {
  const byStyle = {} as Record<Style, number>;
  const shares = {} as Record<Style, number>;
  for (const style of STYLES) {
    const asked = results.filter((r) => r.requestedStyle === style);
    byStyle[style] = share(asked.filter((r) => r.judgedStyle === style).length, asked.length);
    shares[style] = share(results.filter((r) => r.judgedStyle === style).length, results.length);
  }
  const words = results.reduce((n, r) => n + r.text.split(/\s+/).filter(Boolean).length, 0);
  return {
    format,
    count: results.length,
    styleMatch: share(results.filter((r) => r.judgedStyle === r.requestedStyle).length, results.length),
    styleMatchByStyle: byStyle,
    lengthMatch: share(results.filter((r) => r.judgedLength === r.requestedLength).length, results.length),
    judgedStyleShares: shares,
    meanWords: share(words, results.length),
  };
}
