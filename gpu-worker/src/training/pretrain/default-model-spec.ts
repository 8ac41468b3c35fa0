/**
 * @module gpu-worker/training/pretrain/default-model-spec
 * What Attune's default model is: a small Llama (hidden 256, 4 layers, GQA 8/4 heads, SwiGLU 704,
 * tied embeddings, ChatML) over a byte-level BPE trained on the style corpus, and how its weights
 * start (GPT-2's scheme: N(0, 0.02), output projections scaled by 1/√(2·layers), norm gains 1).
 */
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import type { LlamaConfig } from '../../compiler/llama-config';
import type { NamedTensor } from '../../model/random-weights';
import { buildChatMlTokenizerFiles, type ChatMlTokenizerFiles } from '../../tokenizer/chatml-bpe-tokenizer';
import { generateCorpus } from '../corpus/generate-corpus';
import { STYLES } from '../corpus/types';
import { instructionFor } from './pretrain-data';

/** Name recorded in config.json and the model card. */
export const DEFAULT_MODEL_NAME = 'attune/attune-style-3m';

/** Vocabulary of the corpus tokenizer: 3 ChatML specials + 256 bytes + merges. */
export const DEFAULT_VOCAB_SIZE = 2048;

/** The config.json object of the default model. */
export function defaultModelConfig(vocabSize: number): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 256,
    intermediate_size: 704,
    num_hidden_layers: 4,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    vocab_size: vocabSize,
    max_position_embeddings: 512,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    hidden_act: 'silu',
    tie_word_embeddings: true,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: null,
    eos_token_id: 2,
    pad_token_id: 0,
    torch_dtype: 'float32',
    _name_or_path: DEFAULT_MODEL_NAME,
  };
}

/**
 * Trains the corpus tokenizer on `exampleCount` training examples (prompts in every format the
 * model is trained on, and responses), so frequent words of the corpus are single tokens.
 */
export function trainCorpusTokenizer(seed: number, exampleCount = 6000): ChatMlTokenizerFiles {
  const texts: string[] = [];
  for (const ex of generateCorpus({ seed, count: exampleCount })) {
    texts.push(ex.prompt, ex.styledPrompt, ex.response);
  }
  for (const style of STYLES) for (const length of ['concise', 'detailed'] as const) texts.push(instructionFor('writing', style, length));
  return buildChatMlTokenizerFiles({ texts, vocabSize: DEFAULT_VOCAB_SIZE, minFrequency: 2, modelMaxLength: 512 });
}

/** Starting weights (Hugging Face names and layout), drawn from `seed`. */
export function initialDefaultWeights(cfg: LlamaConfig, seed: number): Map<string, NamedTensor> {
  const rng = createSeededRng(seed);
  const out = new Map<string, NamedTensor>();
  const normal = (name: string, shape: number[], std: number) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    out.set(name, { shape, data });
  };
  const ones = (name: string, size: number) => out.set(name, { shape: [size], data: new Float32Array(size).fill(1) });
  const H = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  const I = cfg.intermediateSize;
  const residualStd = 0.02 / Math.sqrt(2 * cfg.numLayers);
  normal('model.embed_tokens.weight', [cfg.vocabSize, H], 0.02);
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    ones(`${p}.input_layernorm.weight`, H);
    normal(`${p}.self_attn.q_proj.weight`, [q, H], 0.02);
    normal(`${p}.self_attn.k_proj.weight`, [kv, H], 0.02);
    normal(`${p}.self_attn.v_proj.weight`, [kv, H], 0.02);
    normal(`${p}.self_attn.o_proj.weight`, [H, q], residualStd);
    ones(`${p}.post_attention_layernorm.weight`, H);
    normal(`${p}.mlp.gate_proj.weight`, [I, H], 0.02);
    normal(`${p}.mlp.up_proj.weight`, [I, H], 0.02);
    normal(`${p}.mlp.down_proj.weight`, [H, I], residualStd);
  }
  ones('model.norm.weight', H);
  if (!cfg.tieWordEmbeddings) normal('lm_head.weight', [cfg.vocabSize, H], 0.02);
  return out;
}
