/**
 * @module gpu-worker/cli/model-commands
 * `attune model init-random`, `attune model compile`, `attune model train-default` and `attune model eval-default`.
 */
import type { Command } from 'commander';
import { compileModel } from '../compiler/compile';
import { parseLoraTargets } from '../compiler/llama-config';
import { initRandomModel } from '../model/init-random';
import { intOption } from './cli-error';
import { registerEvalDefaultCommand } from './eval-default-command';
import { registerTrainDefaultCommand } from './train-default-command';

/** Adds the `model` command group. */
export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('create, train and compile models');
  registerTrainDefaultCommand(model);
  registerEvalDefaultCommand(model);

  model
    .command('init-random')
    .description('write a small random-weight Llama model in the Hugging Face layout (deterministic per seed)')
    .requiredOption('--out <dir>', 'directory to write')
    .option('--seed <n>', 'random seed', intOption('--seed', 0), 0)
    .option('--hidden-size <n>', 'hidden size', intOption('--hidden-size', 8, 8192))
    .option('--layers <n>', 'number of layers', intOption('--layers', 1, 128))
    .option('--heads <n>', 'attention heads', intOption('--heads', 1, 256))
    .option('--kv-heads <n>', 'key/value heads', intOption('--kv-heads', 1, 256))
    .option('--intermediate-size <n>', 'MLP size', intOption('--intermediate-size', 8, 65536))
    .option('--tie-word-embeddings', 'share the embedding matrix with the output head')
    .action(async (o) => {
      const { parameters } = await initRandomModel(o.out, {
        seed: o.seed, hiddenSize: o.hiddenSize, numLayers: o.layers, numHeads: o.heads, numKvHeads: o.kvHeads,
        intermediateSize: o.intermediateSize, tieWordEmbeddings: !!o.tieWordEmbeddings,
      });
      process.stdout.write(`wrote random model to ${o.out} (${parameters} parameters, seed ${o.seed})\n`);
    });

  model
    .command('compile')
    .description('compile a Hugging Face Llama-family model directory to ONNX with per-row LoRA inputs')
    .argument('<hf-dir>', 'directory with config.json and model.safetensors (or a sharded index)')
    .requiredOption('--out <dir>', 'directory to write the compiled model to')
    .option('--lora-targets <list>', 'projections that take adapters: any of q,k,v,o,gate,up,down', 'q_proj,k_proj,v_proj,o_proj')
    .option('--max-rank <r>', 'largest adapter rank accepted', intOption('--max-rank', 1, 1024), 64)
    .option('--logits <which>', 'all positions (Optimum layout) or last', 'all')
    .action(async (hfDir: string, o) => {
      if (o.logits !== 'all' && o.logits !== 'last') throw new Error(`--logits must be "all" or "last", got "${o.logits}"`);
      const started = performance.now();
      const loraTargets = o.loraTargets === '' || o.loraTargets === 'none' ? [] : parseLoraTargets(o.loraTargets);
      const compiled = await compileModel(hfDir, o.out, { loraTargets, maxRank: o.maxRank, logits: o.logits });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `compiled ${hfDir} → ${compiled.dir} in ${seconds} s (base model ${compiled.manifest.baseModelId}; LoRA targets ${loraTargets.join(',') || 'none'}, max rank ${o.maxRank})\n`,
      );
    });
}
