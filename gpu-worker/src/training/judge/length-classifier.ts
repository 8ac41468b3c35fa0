/**
 * @module gpu-worker/training/judge/length-classifier
 * Concise vs detailed as a logistic regression on three numbers per text (see
 * {@link lengthFeatures}): ln(words + 1), sentence count, ln(mean words per sentence).
 * Features are standardized; full-batch gradient descent with a small L2 penalty (needed because
 * the classes are separable, which would otherwise drive the weights to infinity) and a fixed
 * number of steps, so training is deterministic.
 *
 * The learned boundary is a rule on word and sentence counts; {@link boundaryWords} solves it
 * for the word count at a given number of sentences, which is how docs/style-corpus.md states it.
 */
import { lengthFeatures } from './text-features';

/** A trained length classifier; plain data. */
export interface LengthModel {
  /** `[negative, positive]` labels: P(positive) = sigmoid(w · z + b). */
  readonly labels: [string, string];
  readonly mean: number[];
  readonly std: number[];
  readonly weights: number[];
  readonly bias: number;
}

/** Training settings. */
export interface LengthTrainingOptions {
  /** Gradient steps. @default 3000 */
  readonly steps?: number;
  /** Step size. @default 0.5 */
  readonly learningRate?: number;
  /** L2 penalty on the weights. @default 0.001 */
  readonly l2?: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Fits the classifier on texts labelled `labels[0]` or `labels[1]`. */
export function trainLengthClassifier(
  labels: [string, string],
  data: ReadonlyArray<{ text: string; label: string }>,
  options: LengthTrainingOptions = {},
): LengthModel {
  const { steps = 3000, learningRate = 0.5, l2 = 0.001 } = options;
  if (data.length === 0) throw new RangeError('the length classifier needs at least one example');
  const xs = data.map((d) => lengthFeatures(d.text));
  const ys = data.map((d) => {
    const y = labels.indexOf(d.label);
    if (y < 0) throw new RangeError(`unknown label "${d.label}"`);
    return y;
  });
  const dims = xs[0].length;
  const mean = Array.from({ length: dims }, (_, j) => xs.reduce((a, x) => a + x[j], 0) / xs.length);
  const std = Array.from({ length: dims }, (_, j) => Math.sqrt(xs.reduce((a, x) => a + (x[j] - mean[j]) ** 2, 0) / xs.length) || 1);
  const zs = xs.map((x) => x.map((v, j) => (v - mean[j]) / std[j]));
  const weights = new Array<number>(dims).fill(0);
  let bias = 0;
  for (let step = 0; step < steps; step++) {
    const gradW = new Array<number>(dims).fill(0);
    let gradB = 0;
    for (let i = 0; i < zs.length; i++) {
      const error = sigmoid(zs[i].reduce((a, z, j) => a + z * weights[j], bias)) - ys[i];
      for (let j = 0; j < dims; j++) gradW[j] += error * zs[i][j];
      gradB += error;
    }
    for (let j = 0; j < dims; j++) weights[j] -= learningRate * (gradW[j] / zs.length + l2 * weights[j]);
    bias -= (learningRate * gradB) / zs.length;
  }
  return { labels: [labels[0], labels[1]], mean: mean.map(round), std: std.map(round), weights: weights.map(round), bias: round(bias) };
}

/** P(labels[1]) for `text`. */
export function positiveProbability(model: LengthModel, text: string): number {
  const x = lengthFeatures(text);
  return sigmoid(x.reduce((a, v, j) => a + ((v - model.mean[j]) / model.std[j]) * model.weights[j], model.bias));
}

/**
 * The word count at which the model switches to `labels[1]` for a text of `sentences`
 * sentences (bisection on the monotone score), or null when it does not switch below 10,000 words.
 */
export function boundaryWords(model: LengthModel, sentences: number): number | null {
  const score = (words: number) => {
    const x = [Math.log(words + 1), sentences, Math.log((words + 1) / sentences)];
    return x.reduce((a, v, j) => a + ((v - model.mean[j]) / model.std[j]) * model.weights[j], model.bias);
  };
  const low = score(0) > 0;
  if (low === (score(10_000) > 0)) return low ? 0 : null;
  let lo = 0;
  let hi = 10_000;
  while (hi - lo > 0.01) {
    const mid = (lo + hi) / 2;
    if ((score(mid) > 0) === low) lo = mid;
    else hi = mid;
  }
  return Math.round(((lo + hi) / 2) * 10) / 10;
}
