/**
 * @module gpu-worker/model/init-random
 * `attune model init-random`: writes a small random-weight Llama model in the Hugging Face
 * layout (config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
 * generation_config.json). The same seed gives byte-identical files, so tests and local runs
 * need no download.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeSafetensors } from '../../../shared/safetensors/write';
import { parseLlamaConfig } from '../compiler/llama-config';
import { buildTestModelTokenizerFiles } from '../tokenizer/random-model-tokenizer';
import { randomLlamaWeights } from './random-weights';

/** Size knobs of the random model; the defaults make a ~0.3M-parameter, 2-layer GQA model. */
export interface RandomModelOptions {
  seed?: number;
  hiddenSize?: number;
  intermediateSize?: number;
  numLayers?: number;
  numHeads?: number;
  numKvHeads?: number;
  tieWordEmbeddings?: boolean;
  maxPositions?: number;
}

/** The config.json object of a random test model. */
export function randomModelConfig(vocabSize: number, o: RandomModelOptions = {}): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: o.hiddenSize ?? 64,
    intermediate_size: o.intermediateSize ?? 176,
    num_hidden_layers: o.numLayers ?? 2,
    num_attention_heads: o.numHeads ?? 4,
    num_key_value_heads: o.numKvHeads ?? 2,
    vocab_size: vocabSize,
    max_position_embeddings: o.maxPositions ?? 2048,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    hidden_act: 'silu',
    tie_word_embeddings: o.tieWordEmbeddings ?? false,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: null,
    eos_token_id: 2,
    pad_token_id: 0,
    torch_dtype: 'float32',
    _name_or_path: `attune/random-llama-seed-${o.seed ?? 0}`,
  };
}

/**
 * Writes the model directory.
 *
 * @example
 * await initRandomModel('/tmp/tiny', { seed: 7 });
 */
export async function initRandomModel(outDir: string, options: RandomModelOptions = {}): Promise<{ dir: string; parameters: number }> {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${options.seed}`);
  const tok = buildTestModelTokenizerFiles();
  const config = randomModelConfig(tok.vocabSize, { ...options, seed });
  const weights = randomLlamaWeights(parseLlamaConfig(config), seed);
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  let parameters = 0;
  for (const [name, t] of weights) {
    tensors[name] = { dtype: 'F32', shape: t.shape, data: t.data };
    parameters += t.data.length;
  }
  await mkdir(outDir, { recursive: true });
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  await writeFile(join(outDir, 'config.json'), json(config));
  await writeFile(join(outDir, 'model.safetensors'), serializeSafetensors(tensors, { format: 'pt' }));
  await writeFile(join(outDir, 'tokenizer.json'), json(tok.tokenizerJson));
  await writeFile(join(outDir, 'tokenizer_config.json'), json(tok.tokenizerConfigJson));
  await writeFile(join(outDir, 'generation_config.json'), json({ eos_token_id: 2, pad_token_id: 0, do_sample: false }));
  return { dir: outDir, parameters };
}
