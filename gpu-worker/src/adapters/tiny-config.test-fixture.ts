/**
 * @module adapters/tiny-config.test-fixture
 * The tiny model configuration the adapter tests share: hidden 8, 2 heads of 4 (q: 8 → 8),
 * 1 KV head (k/v: 8 → 4), MLP 8 → 12 → 8, 2 layers; and a fixed base-model id.
 */
import { parseLlamaConfig } from '../compiler/llama-config';

export const TINY_CFG = parseLlamaConfig({
  model_type: 'llama',
  hidden_size: 8,
  intermediate_size: 12,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  vocab_size: 16,
});

export const TINY_BASE_ID = 'sha256:ab12ab12';
