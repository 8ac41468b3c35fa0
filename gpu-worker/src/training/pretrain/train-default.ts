/**
 * @module gpu-worker/training/pretrain/train-default
 * `npm run train:default`: builds Attune's default model from nothing — the style corpus, a BPE
 * tokenizer trained on it, and full-weight pretraining of a small Llama with Attune's own
 * training graphs on ONNX Runtime — then writes the Hugging Face directory and a training report
 * (curve, validation and held-out perplexity) that the model card is rendered from.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseLlamaConfig } from '../../compiler/llama-config';
import { createTextTokenizer } from '../../tokenizer/load';
import { generateCorpus } from '../corpus/generate-corpus';
import type { CorpusExample } from '../corpus/types';
import { hfTensorsFromCompiled } from './compiled-layout';
import { defaultModelConfig, initialDefaultWeights, trainCorpusTokenizer } from './default-model-spec';
import { packBatches } from './length-batches';
import { writeModelFiles, writeTokenizerFiles } from './model-dir';
import { formatAt, promptMessages, tokenizeForTraining, type PromptFormat } from './pretrain-data';
import { Pretrainer, type CurvePoint } from './pretrainer';
import type { LabelledSequence } from '../training-batch';

/** Options of {@link trainDefaultModel}. */
export interface TrainDefaultOptions {
  outDir: string;
  seed: number;
  trainExamples: number;
  epochs: number;
  /** Padded tokens per batch. */
  tokenBudget: number;
  baseLr: number;
  warmupSteps: number;
  /** Longest training sequence in tokens (prompt + response). */
  maxTokens: number;
  /** Steps between log lines and curve points. */
  logEvery: number;
  /** Steps between validation measurements. */
  evalEvery: number;
  log: (line: string) => void;
}

/** What the run measured; written as `training-report.json` beside the model. */
export interface TrainingReport {
  seed: number;
  parameters: number;
  vocabSize: number;
  trainExamples: number;
  trainResponseTokens: number;
  epochs: number;
  steps: number;
  tokenBudget: number;
  baseLr: number;
  warmupSteps: number;
  formatShares: Record<PromptFormat, number>;
  curve: CurvePoint[];
  finalValidationLoss: number;
  validationPerplexity: number;
  heldOutLoss: number;
  heldOutPerplexity: number;
  wallSeconds: number;
  finishedAt: string;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainDefaultOptions, 'outDir' | 'log'> = {
  seed: 1,
  trainExamples: 72_000,
  epochs: 2,
  tokenBudget: 2400,
  baseLr: 2e-3,
  warmupSteps: 100,
  maxTokens: 320,
  logEvery: 50,
  evalEvery: 500,
};

function tokenizeSplit(examples: CorpusExample[], tokenize: (ex: CorpusExample, format: PromptFormat) => LabelledSequence, seed: number) {
  const formats: PromptFormat[] = examples.map((_, i) => formatAt(seed, i));
  return { sequences: examples.map((ex, i) => tokenize(ex, formats[i])), formats };
}

/** Runs the whole pipeline; resolves with the report once the directory is written. */
export async function trainDefaultModel(options: TrainDefaultOptions): Promise<TrainingReport> {
  const started = performance.now();
  const { log, seed } = options;
  const seconds = () => (performance.now() - started) / 1000;

  const tokenizerFiles = trainCorpusTokenizer(seed);
  const tokenizer = createTextTokenizer({ tokenizerJson: tokenizerFiles.tokenizerJson, tokenizerConfig: tokenizerFiles.tokenizerConfigJson });
  await writeTokenizerFiles(options.outDir, tokenizerFiles);
  log(`tokenizer: ${tokenizerFiles.vocabSize} tokens (${seconds().toFixed(1)} s)`);

  const tokenize = (ex: CorpusExample, format: PromptFormat) => tokenizeForTraining(tokenizer, promptMessages(ex, format), ex.response, options.maxTokens);
  const train = tokenizeSplit(generateCorpus({ seed, count: options.trainExamples }), tokenize, seed);
  const validation = tokenizeSplit(generateCorpus({ seed, count: 400, split: 'validation' }), tokenize, seed + 1);
  const heldOut = tokenizeSplit(generateCorpus({ seed, count: 400, split: 'held-out' }), tokenize, seed + 2);
  const responseTokens = train.sequences.reduce((n, s) => n + s.responseIds.length, 0);
  log(`corpus: ${train.sequences.length} training sequences, ${responseTokens} response tokens (${seconds().toFixed(1)} s)`);

  const configJson = defaultModelConfig(tokenizerFiles.vocabSize);
  const cfg = parseLlamaConfig(configJson);
  const epochBatches = Array.from({ length: options.epochs }, (_, e) => packBatches(train.sequences, { tokenBudget: options.tokenBudget, seed: seed * 1000 + e }));
  const totalSteps = epochBatches.reduce((n, b) => n + b.length, 0);
  const schedule = { baseLr: options.baseLr, warmupSteps: options.warmupSteps, totalSteps, minLrRatio: 0.1 };
  const trainer = await Pretrainer.create(cfg, initialDefaultWeights(cfg, seed), { schedule });
  const validationBatches = packBatches(validation.sequences, { tokenBudget: options.tokenBudget, seed });
  const heldOutBatches = packBatches(heldOut.sequences, { tokenBudget: options.tokenBudget, seed });
  log(`training: ${totalSteps} steps over ${options.epochs} epochs`);

  const curve: CurvePoint[] = [];
  let windowLoss = 0;
  let windowSteps = 0;
  let tokens = 0;
  for (const batches of epochBatches) {
    for (const rows of batches) {
      const { loss, tokens: stepTokens, lr } = await trainer.step(rows);
      windowLoss += loss;
      windowSteps += 1;
      tokens += stepTokens;
      const step = trainer.stepCount;
      const evalNow = step % options.evalEvery === 0 || step === totalSteps;
      if (step % options.logEvery === 0 || evalNow) {
        const point: CurvePoint = { step, trainLoss: windowLoss / windowSteps, lr, tokens, elapsedSeconds: Math.round(seconds()) };
        if (evalNow) point.validationLoss = (await trainer.evaluate(validationBatches)).loss;
        curve.push(point);
        log(`step ${step}/${totalSteps} loss ${point.trainLoss.toFixed(4)}${point.validationLoss !== undefined ? ` val ${point.validationLoss.toFixed(4)}` : ''} lr ${lr.toExponential(2)} ${point.elapsedSeconds} s`);
        windowLoss = 0;
        windowSteps = 0;
      }
    }
  }
  const finalValidationLoss = (await trainer.evaluate(validationBatches)).loss;
  const heldOutLoss = (await trainer.evaluate(heldOutBatches)).loss;
  const weights = hfTensorsFromCompiled(cfg, trainer.compiledWeights());
  await trainer.close();
  const parameters = await writeModelFiles(options.outDir, configJson, weights, { 'attune.training_seed': String(seed) });

  const shareOf = (f: PromptFormat) => Number((train.formats.filter((x) => x === f).length / train.formats.length).toFixed(3));
  const report: TrainingReport = {
    seed,
    parameters,
    vocabSize: tokenizerFiles.vocabSize,
    trainExamples: options.trainExamples,
    trainResponseTokens: responseTokens,
    epochs: options.epochs,
    steps: totalSteps,
    tokenBudget: options.tokenBudget,
    baseLr: options.baseLr,
    warmupSteps: options.warmupSteps,
    formatShares: { 'styled-user': shareOf('styled-user'), 'system-profile': shareOf('system-profile'), 'no-instruction': shareOf('no-instruction') },
    curve,
    finalValidationLoss,
    validationPerplexity: Math.exp(finalValidationLoss),
    heldOutLoss,
    heldOutPerplexity: Math.exp(heldOutLoss),
    wallSeconds: Math.round(seconds()),
    finishedAt: new Date().toISOString(),
  };
  await writeFile(join(options.outDir, 'training-report.json'), JSON.stringify(report, null, 2) + '\n');
  log(`done: validation perplexity ${report.validationPerplexity.toFixed(3)}, held-out perplexity ${report.heldOutPerplexity.toFixed(3)}, ${report.wallSeconds} s`);
  return report;
}
