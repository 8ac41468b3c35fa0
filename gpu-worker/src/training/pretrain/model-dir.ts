/**
 * @module gpu-worker/training/pretrain/model-dir
 * Writes a trained model as a Hugging Face directory: config.json, model.safetensors (Hugging Face
 * names and layout, float32), tokenizer.json, tokenizer_config.json and generation_config.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeSafetensors } from '../../../../shared/safetensors/write';
import type { NamedTensor } from '../../model/random-weights';
import type { ChatMlTokenizerFiles } from '../../tokenizer/chatml-bpe-tokenizer';

/** Sampling defaults shipped with the model (the API's own defaults win when a request sets them). */
export const DEFAULT_GENERATION_CONFIG = { eos_token_id: 2, pad_token_id: 0, do_sample: true, temperature: 0.7, top_p: 0.9, max_new_tokens: 256 };

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** Writes the tokenizer files into `dir` (created when missing). */
export async function writeTokenizerFiles(dir: string, tokenizer: ChatMlTokenizerFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'tokenizer.json'), json(tokenizer.tokenizerJson));
  await writeFile(join(dir, 'tokenizer_config.json'), json(tokenizer.tokenizerConfigJson));
}

/** Writes config, weights and generation config into `dir`; returns the parameter count. */
export async function writeModelFiles(dir: string, config: Record<string, unknown>, weights: Map<string, NamedTensor>, metadata: Record<string, string>): Promise<number> {
  await mkdir(dir, { recursive: true });
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  let parameters = 0;
  for (const [name, t] of [...weights].sort(([a], [b]) => a.localeCompare(b))) {
    tensors[name] = { dtype: 'F32', shape: t.shape, data: t.data };
    parameters += t.data.length;
  }
  await writeFile(join(dir, 'config.json'), json(config));
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors, { format: 'pt', ...metadata }));
  await writeFile(join(dir, 'generation_config.json'), json(DEFAULT_GENERATION_CONFIG));
  return parameters;
}
