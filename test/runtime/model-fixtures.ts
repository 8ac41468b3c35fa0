/**
 * Random Llama-family model directories for the runtime tests: three configurations that
 * between them cover multi-head and grouped-query attention, tied and untied heads, biases,
 * an explicit head_dim and the llama3 and linear RoPE scalings.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeSafetensors } from '../../shared/safetensors/write';
import { parseLlamaConfig, type LlamaConfig } from '../../gpu-worker/src/compiler/llama-config';
import { randomLlamaWeights, type NamedTensor } from '../../gpu-worker/src/model/random-weights';

export const PARITY_CONFIGS: Record<string, Record<string, unknown>> = {
  'multi-head, tied head': {
    model_type: 'llama', hidden_size: 48, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 4,
    num_key_value_heads: 4, vocab_size: 97, rms_norm_eps: 1e-6, rope_theta: 10000, max_position_embeddings: 256,
    tie_word_embeddings: true,
  },
  'grouped-query (8 heads, 2 kv), untied head, attention bias, llama3 RoPE': {
    model_type: 'llama', hidden_size: 64, intermediate_size: 160, num_hidden_layers: 2, num_attention_heads: 8,
    num_key_value_heads: 2, vocab_size: 131, rms_norm_eps: 1e-5, rope_theta: 500000, max_position_embeddings: 512,
    tie_word_embeddings: false, attention_bias: true,
    rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 },
  },
  'multi-query (1 kv head), head_dim 16 ≠ hidden/heads, mlp bias, linear RoPE, 3 layers': {
    model_type: 'mistral', hidden_size: 48, intermediate_size: 80, num_hidden_layers: 3, num_attention_heads: 4,
    num_key_value_heads: 1, head_dim: 16, vocab_size: 64, rms_norm_eps: 1e-5, rope_theta: 10000,
    max_position_embeddings: 128, tie_word_embeddings: false, mlp_bias: true, sliding_window: null,
    rope_scaling: { type: 'linear', factor: 2 },
  },
};

/** A model directory on disk plus its parsed config and weights. */
export interface ModelFixture {
  dir: string;
  raw: Record<string, unknown>;
  cfg: LlamaConfig;
  weights: Map<string, NamedTensor>;
  cleanup(): Promise<void>;
}

/** Writes config.json and model.safetensors for `raw` with seeded random weights. */
export async function writeModelFixture(raw: Record<string, unknown>, seed: number): Promise<ModelFixture> {
  const root = await mkdtemp(join(tmpdir(), 'attune-fixture-'));
  const dir = join(root, 'model');
  await mkdir(dir);
  const cfg = parseLlamaConfig(raw);
  const weights = randomLlamaWeights(cfg, seed);
  const tensors = Object.fromEntries([...weights].map(([name, t]) => [name, { dtype: 'F32' as const, shape: t.shape, data: t.data }]));
  await writeFile(join(dir, 'config.json'), JSON.stringify(raw));
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  return { dir, raw, cfg, weights, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Deterministic token ids in [0, vocab). */
export function tokenIds(count: number, vocab: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => (seed * 31 + i * 17 + ((i * i) % 13)) % vocab);
}
