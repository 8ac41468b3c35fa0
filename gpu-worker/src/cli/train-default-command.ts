/**
 * @module gpu-worker/cli/train-default-command
 * `attune model train-default` (`npm run train:default`): trains Attune's default model from the
 * style corpus on this machine's CPU and writes it, with its training report and model card.
 */
import type { Command } from 'commander';
import { DEFAULT_TRAIN_OPTIONS, trainDefaultModel } from '../training/pretrain/train-default';
import { DEFAULT_MODEL_DIR } from '../worker/config';
import { intOption } from './cli-error';

/** Adds `model train-default` to the `model` command group. */
export function registerTrainDefaultCommand(model: Command): void {
  model
    .command('train-default')
    .description('train the default model from the style corpus (tokenizer, full-weight pretraining on CPU) and write it with its report')
    .option('--out <dir>', 'directory to write', DEFAULT_MODEL_DIR)
    .option('--seed <n>', 'seed of the corpus, tokenizer and initial weights', intOption('--seed', 0), DEFAULT_TRAIN_OPTIONS.seed)
    .option('--examples <n>', 'training examples drawn from the corpus', intOption('--examples', 100, 10_000_000), DEFAULT_TRAIN_OPTIONS.trainExamples)
    .option('--epochs <n>', 'passes over the examples', intOption('--epochs', 1, 100), DEFAULT_TRAIN_OPTIONS.epochs)
    .action(async (o) => {
      const started = Date.now();
      const log = (line: string) => process.stdout.write(`[${Math.round((Date.now() - started) / 1000)} s] ${line}\n`);
      await trainDefaultModel({ ...DEFAULT_TRAIN_OPTIONS, outDir: o.out, seed: o.seed, trainExamples: o.examples, epochs: o.epochs, log });
      process.stdout.write(`wrote ${o.out}\n`);
    });
}
