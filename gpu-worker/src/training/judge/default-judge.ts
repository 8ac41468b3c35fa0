/**
 * @module gpu-worker/training/judge/default-judge
 * The judge used when none is named: the committed `gpu-worker/models/style-judge.json` if it is
 * there, otherwise one trained on the spot (about a second) from the corpus seed reserved for the
 * judge. Model training data must come from other seeds, so the judge never grades text it learned from.
 */
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from '../corpus/generate-corpus';
import { loadJudge, trainJudge, type JudgeModel } from './style-judge';

/** Corpus seed reserved for training the judge. */
export const DEFAULT_JUDGE_SEED = 20261204;
/** Seed of the corpus the judge is measured on: neither the judge's nor a model-training seed. */
export const JUDGE_EVAL_SEED = 20261206;
/** Examples the default judge is trained on (100 per domain × style × length cell). */
export const DEFAULT_JUDGE_TRAINING_COUNT = 4000;
/** Where the built judge lives: `gpu-worker/models/style-judge.json`. */
export const DEFAULT_JUDGE_PATH = fileURLToPath(new URL('../../../models/style-judge.json', import.meta.url));

/** Trains the default judge from {@link DEFAULT_JUDGE_SEED}. Deterministic. */
export function trainDefaultJudge(): JudgeModel {
  const examples = generateCorpus({ seed: DEFAULT_JUDGE_SEED, count: DEFAULT_JUDGE_TRAINING_COUNT, split: 'train' });
  return trainJudge(examples, { trainedOn: { seed: DEFAULT_JUDGE_SEED, count: DEFAULT_JUDGE_TRAINING_COUNT, split: 'train' } });
}

/** The built judge file if present, else a freshly trained default judge. */
export async function loadDefaultJudge(path = DEFAULT_JUDGE_PATH): Promise<{ model: JudgeModel; source: 'file' | 'trained' }> {
  const exists = await access(path).then(() => true, () => false);
  return exists ? { model: await loadJudge(path), source: 'file' } : { model: trainDefaultJudge(), source: 'trained' };
}
