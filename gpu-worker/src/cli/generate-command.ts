/**
 * @module gpu-worker/cli/generate-command
 * `attune generate`: runs one prompt through a model (compiled on first use and cached),
 * optionally with a user's LoRA adapter, streaming text to stdout.
 */
import type { Command } from 'commander';
import { readAdapterFile } from '../adapters/adapter-file';
import { TextGenerator } from '../generation/text-generator';
import { parseSamplingParams } from '../generation/sampling-params';
import { parseExecutionProviders } from '../runtime/execution-provider';
import { silentLogger, stderrLogger } from '../runtime/logger';
import { CliUsageError, intOption, numberOption } from './cli-error';

/** Adds `generate`. */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('generate text for one prompt (the prompt goes through the chat template unless --raw)')
    .option('--model <dir>', 'model directory (Hugging Face layout or compiled); default $ATTUNE_MODEL_DIR')
    .requiredOption('--prompt <text>', 'the user prompt')
    .option('--max-new-tokens <n>', 'most tokens to generate', intOption('--max-new-tokens', 1, 4096), 64)
    .option('--seed <n>', 'sampling seed (same seed, same text)', intOption('--seed', 0))
    .option('--temperature <t>', 'softmax temperature; 0 = greedy', numberOption('--temperature', 0, 100), 0.8)
    .option('--top-k <k>', 'keep the k most likely tokens (0 = off)', intOption('--top-k', 0, 1_000_000), 0)
    .option('--top-p <p>', 'nucleus probability mass', numberOption('--top-p', 1e-6, 1), 1)
    .option('--repetition-penalty <x>', 'penalty on repeated tokens (1 = off)', numberOption('--repetition-penalty', 0.01, 100), 1)
    .option('--stop <text...>', 'stop strings')
    .option('--adapter <file>', 'Attune LoRA adapter file (.safetensors)')
    .option('--system <text>', 'system message for the chat template')
    .option('--raw', 'feed the prompt as raw text, without the chat template')
    .option('--json', 'print one JSON object with the text, tokens and timings instead of streaming')
    .option('--providers <list>', 'execution providers to try in order', process.env.ATTUNE_EXECUTION_PROVIDERS ?? 'cuda,cpu')
    .option('--verbose', 'log runtime events (execution provider, compilation) to stderr')
    .action(async (o) => {
      const modelDir: string | undefined = o.model ?? process.env.ATTUNE_MODEL_DIR;
      if (!modelDir) throw new CliUsageError('--model is required (or set ATTUNE_MODEL_DIR)');
      const params = parseSamplingParams({
        temperature: o.temperature, topK: o.topK, topP: o.topP, repetitionPenalty: o.repetitionPenalty,
        maxNewTokens: o.maxNewTokens, stop: o.stop ?? [], ...(o.seed !== undefined ? { seed: o.seed } : {}),
      });
      const generator = await TextGenerator.open(modelDir, {
        providers: parseExecutionProviders(o.providers), logger: o.verbose ? stderrLogger : silentLogger,
      });
      try {
        const m = generator.model;
        const adapter = o.adapter
          ? await readAdapterFile(o.adapter, { cfg: m.config, baseModelId: m.manifest.baseModelId, compiledTargets: m.manifest.loraTargets, maxRank: m.manifest.maxRank })
          : null;
        const messages = [...(o.system ? [{ role: 'system' as const, content: o.system }] : []), { role: 'user' as const, content: o.prompt as string }];
        const input = o.raw ? { text: o.prompt as string } : { messages };
        if (o.json) {
          const done = await generator.complete(input, params, adapter);
          const { type: _type, ...result } = done;
          process.stdout.write(JSON.stringify({ ...result, provider: generator.session.provider }) + '\n');
          return;
        }
        for await (const event of generator.stream(input, params, adapter)) {
          if (event.type === 'token' || event.type === 'text') process.stdout.write(event.text);
        }
        process.stdout.write('\n');
      } finally {
        await generator.close();
      }
    });
}
