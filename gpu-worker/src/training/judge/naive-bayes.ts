/**
 * @module gpu-worker/training/judge/naive-bayes
 * Multinomial naive Bayes over sparse feature counts with Laplace (add-alpha) smoothing
 * (Manning, Raghavan & Schütze, "Introduction to Information Retrieval", 2008, §13.2), the
 * vocabulary cut to the most frequent features, and a softmax temperature fitted on held-back
 * examples so that the reported probabilities are not the overconfident raw NB posteriors
 * (temperature scaling, Guo et al., "On Calibration of Modern Neural Networks", 2017).
 */

/** A trained classifier; plain data, JSON-serializable. */
export interface NaiveBayesModel {
  readonly labels: string[];
  /** Feature names; index i matches column i of `logLikelihoods`. */
  readonly features: string[];
  /** ln P(label). */
  readonly logPriors: number[];
  /** ln P(feature | label), one row per label. */
  readonly logLikelihoods: number[][];
  /** Softmax temperature applied to the joint log-scores (1 = raw posterior). */
  readonly temperature: number;
}

/** Training settings. */
export interface NaiveBayesOptions {
  /** Add-alpha smoothing. @default 1 (Laplace) */
  readonly alpha?: number;
  /** Features seen fewer times in total are dropped. @default 2 */
  readonly minCount?: number;
  /** Most features kept (the most frequent). @default 12000 */
  readonly maxFeatures?: number;
  /** Decimals kept in stored log-probabilities (model size). @default 3 */
  readonly decimals?: number;
}

/** One training example: its feature bag and label. */
export interface LabelledBag {
  readonly bag: ReadonlyMap<string, number>;
  readonly label: string;
}

const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;

/** Fits a model (temperature 1; see {@link fitTemperature}). */
export function trainNaiveBayes(labels: readonly string[], data: readonly LabelledBag[], options: NaiveBayesOptions = {}): NaiveBayesModel {
  const { alpha = 1, minCount = 2, maxFeatures = 12_000, decimals = 3 } = options;
  if (data.length === 0) throw new RangeError('naive Bayes needs at least one example');
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const totals = new Map<string, number>();
  for (const { bag } of data) for (const [f, c] of bag) totals.set(f, (totals.get(f) ?? 0) + c);
  const features = [...totals.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxFeatures)
    .map(([f]) => f)
    .sort();
  const column = new Map(features.map((f, i) => [f, i]));
  const counts = labels.map(() => new Float64Array(features.length));
  const docs = labels.map(() => 0);
  for (const { bag, label } of data) {
    const row = labelIndex.get(label);
    if (row === undefined) throw new RangeError(`unknown label "${label}"`);
    docs[row]++;
    for (const [f, c] of bag) {
      const j = column.get(f);
      if (j !== undefined) counts[row][j] += c;
    }
  }
  const logLikelihoods = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    const denominator = Math.log(total + alpha * features.length);
    return Array.from(row, (c) => round(Math.log(c + alpha) - denominator, decimals));
  });
  // Add-one on the priors too, so a label absent from the data keeps a finite score.
  const logPriors = docs.map((d) => round(Math.log((d + 1) / (data.length + labels.length)), decimals));
  return { labels: [...labels], features, logPriors, logLikelihoods, temperature: 1 };
}

/** A feature-name → column lookup, built once per model. */
export type FeatureIndex = ReadonlyMap<string, number>;

/** The lookup for `model`. */
export function featureIndex(model: NaiveBayesModel): FeatureIndex {
  return new Map(model.features.map((f, i) => [f, i]));
}

/** Joint log-scores ln P(label) + Σ count · ln P(feature | label); unknown features are skipped. */
export function logScores(model: NaiveBayesModel, index: FeatureIndex, bag: ReadonlyMap<string, number>): number[] {
  const scores = [...model.logPriors];
  for (const [f, c] of bag) {
    const j = index.get(f);
    if (j === undefined) continue;
    for (let k = 0; k < scores.length; k++) scores[k] += c * model.logLikelihoods[k][j];
  }
  return scores;
}

/** Softmax of `scores / temperature`. */
export function softmax(scores: readonly number[], temperature = 1): number[] {
  const scaled = scores.map((s) => s / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * The temperature that minimizes the negative log-likelihood of `data` under `model`,
 * by golden-section search over ln T in [ln 0.5, ln 1000].
 */
export function fitTemperature(model: NaiveBayesModel, data: readonly LabelledBag[]): number {
  const index = featureIndex(model);
  const scored = data.map(({ bag, label }) => ({ scores: logScores(model, index, bag), target: model.labels.indexOf(label) }));
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let total = 0;
    for (const { scores, target } of scored) total -= Math.log(Math.max(softmax(scores, t)[target], 1e-12));
    return total / scored.length;
  };
  let lo = Math.log(0.5);
  let hi = Math.log(1000);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(a) <= nll(b)) hi = b;
    else lo = a;
  }
  return round(Math.exp((lo + hi) / 2), 4);
}
