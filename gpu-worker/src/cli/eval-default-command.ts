/**
 * @module gpu-worker/cli/eval-default-command
 * `attune model eval-default` (`npm run eval:default`): measures the default model's style
 * following and personalization by adapter, and rewrites its evaluation.json and MODEL_CARD.md.
 */
import type { Command } from 'commander';
import { evaluateDefaultModel } from '../training/pretrain/evaluate-default';
import { DEFAULT_MODEL_DIR } from '../worker/config';

/** Adds `model eval-default` to the `model` command group. */
export function registerEvalDefaultCommand(model: Command): void {
  model
    .command('eval-default')
    .description("measure the default model (style following, length, personalization by DPO adapters with and without DP-SGD) and render its model card")
    .option('--model <dir>', 'model directory', DEFAULT_MODEL_DIR)
    .option('--skip-personalization', 'only the style-following measurements')
    .action(async (o) => {
      const started = Date.now();
      const log = (line: string) => process.stdout.write(`[${Math.round((Date.now() - started) / 1000)} s] ${line}\n`);
      await evaluateDefaultModel(o.model, log, { skipPersonalization: !!o.skipPersonalization });
      process.stdout.write(`wrote ${o.model}/evaluation.json and MODEL_CARD.md\n`);
    });
}
