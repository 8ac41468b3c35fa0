/**
 * @module gpu-worker/training/judge/style-judge
 * The style judge: labels a text's style (multinomial naive Bayes over word uni- and bigrams and
 * a few shape features) and its length (logistic regression on word and sentence counts). It is
 * trained on corpus responses generated from a different seed than a model's training data, and
 * it shares no code or word lists with the generator, so its verdicts are independent evidence
 * that a model writes in a style.
 *
 * The model is plain data: `JSON.stringify` it, or use {@link saveJudge} / {@link loadJudge},
 * which validate the file.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { LENGTHS, STYLES, type CorpusExample, type Length, type Style } from '../corpus/types';
import { positiveProbability, trainLengthClassifier, type LengthModel, type LengthTrainingOptions } from './length-classifier';
import {
  featureIndex, fitTemperature, logScores, softmax, trainNaiveBayes,
  type FeatureIndex, type LabelledBag, type NaiveBayesModel, type NaiveBayesOptions,
} from './naive-bayes';
import { styleFeatures } from './text-features';

/** File format tag and version of a saved judge. */
export const JUDGE_FORMAT = 'attune-style-judge';
export const JUDGE_VERSION = 1;

/** A trained judge. */
export interface JudgeModel {
  readonly format: typeof JUDGE_FORMAT;
  readonly version: typeof JUDGE_VERSION;
  readonly style: NaiveBayesModel;
  readonly length: LengthModel;
  /** What it was trained on (free-form, e.g. `{ seed, count }`). */
  readonly trainedOn?: Record<string, unknown>;
  /** Measured accuracies, written by the build script. */
  readonly metrics?: Record<string, unknown>;
}

/** A verdict on one text. */
export interface JudgeVerdict {
  readonly style: Style;
  readonly length: Length;
  /** P(style and length both right) = styleConfidence × lengthConfidence. */
  readonly confidence: number;
  /** Calibrated probability of the chosen style. */
  readonly styleConfidence: number;
  /** Probability of the chosen length. */
  readonly lengthConfidence: number;
}

/** Training settings of {@link trainJudge}. */
export interface JudgeTrainingOptions {
  readonly style?: NaiveBayesOptions;
  readonly length?: LengthTrainingOptions;
  /** Every n-th example is held back to fit the style temperature. @default 5 */
  readonly calibrationEvery?: number;
  readonly trainedOn?: Record<string, unknown>;
}

/**
 * Trains a judge on corpus examples (only `response`, `style` and `length` are read).
 *
 * @example
 * const model = trainJudge(generateCorpus({ seed: 20261204, count: 4000 }));
 * judge(model, 'Hey! Just read it out loud, trust me.'); // { style: 'casual', length: 'concise', … }
 */
export function trainJudge(
  examples: ReadonlyArray<Pick<CorpusExample, 'response' | 'style' | 'length'>>,
  options: JudgeTrainingOptions = {},
): JudgeModel {
  if (examples.length < 10) throw new RangeError(`trainJudge needs at least 10 examples, got ${examples.length}`);
  const every = options.calibrationEvery ?? 5;
  const bags: LabelledBag[] = examples.map((e) => ({ bag: styleFeatures(e.response), label: e.style }));
  // Temperature from a model that did not see the calibration examples, then refit on everything.
  const fitPart = bags.filter((_, i) => i % every !== 0);
  const calibration = bags.filter((_, i) => i % every === 0);
  const temperature = fitTemperature(trainNaiveBayes(STYLES, fitPart, options.style), calibration);
  const style = { ...trainNaiveBayes(STYLES, bags, options.style), temperature };
  const length = trainLengthClassifier([LENGTHS[0], LENGTHS[1]], examples.map((e) => ({ text: e.response, label: e.length })), options.length);
  return { format: JUDGE_FORMAT, version: JUDGE_VERSION, style, length, ...(options.trainedOn ? { trainedOn: options.trainedOn } : {}) };
}

const indexCache = new WeakMap<NaiveBayesModel, FeatureIndex>();

/** Labels the style and length of `text`. */
export function judge(model: JudgeModel, text: string): JudgeVerdict {
  let index = indexCache.get(model.style);
  if (!index) indexCache.set(model.style, (index = featureIndex(model.style)));
  const probabilities = softmax(logScores(model.style, index, styleFeatures(text)), model.style.temperature);
  let best = 0;
  for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
  const pDetailed = positiveProbability(model.length, text);
  const length = (pDetailed >= 0.5 ? model.length.labels[1] : model.length.labels[0]) as Length;
  const styleConfidence = probabilities[best];
  const lengthConfidence = Math.max(pDetailed, 1 - pDetailed);
  return {
    style: model.style.labels[best] as Style,
    length,
    confidence: styleConfidence * lengthConfidence,
    styleConfidence,
    lengthConfidence,
  };
}

const finite = z.number().finite();
const judgeSchema = z.object({
  format: z.literal(JUDGE_FORMAT),
  version: z.literal(JUDGE_VERSION),
  style: z.object({
    labels: z.array(z.enum(STYLES)).length(STYLES.length),
    features: z.array(z.string()),
    logPriors: z.array(finite).length(STYLES.length),
    logLikelihoods: z.array(z.array(finite)).length(STYLES.length),
    temperature: finite.positive(),
  }).refine((s) => s.logLikelihoods.every((row) => row.length === s.features.length), 'style.logLikelihoods rows must have one entry per feature'),
  length: z.object({
    labels: z.tuple([z.enum(LENGTHS), z.enum(LENGTHS)]),
    mean: z.array(finite).length(3),
    std: z.array(finite.positive()).length(3),
    weights: z.array(finite).length(3),
    bias: finite,
  }),
  trainedOn: z.record(z.string(), z.unknown()).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Checks that `value` is a judge model (e.g. parsed JSON).
 *
 * @throws Error naming the first bad field.
 */
export function parseJudge(value: unknown): JudgeModel {
  const result = judgeSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`not a style judge model: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data as JudgeModel;
}

/** Writes `model` as JSON (creating the folder). */
export async function saveJudge(model: JudgeModel, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(model)}\n`);
}

/**
 * Reads and validates a judge written by {@link saveJudge}.
 *
 * @throws Error when the file is missing, not JSON, or not a judge model.
 */
export async function loadJudge(path: string): Promise<JudgeModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read style judge ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  try {
    return parseJudge(value);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
