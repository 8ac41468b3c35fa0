/**
 * @module gpu-worker/model/random-weights
 * Deterministic random weights for a Llama-family config, under Hugging Face tensor names.
 * Used by `attune model init-random` and by tests, so nothing has to be downloaded.
 *
 * Linear weights are drawn from N(0, 1/fan_in) (not transformers' 0.02 default) so that a
 * random model's logits are spread out enough for greedy decoding to be stable.
 */
import { createSeededRng } from '../../../shared/random/seeded-rng';
import type { LlamaConfig } from '../compiler/llama-config';
import type { WeightSource } from '../compiler/weights';

/** A named tensor with its shape. */
export interface NamedTensor {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** Draws every tensor of the model described by `cfg` from a seeded generator. */
export function randomLlamaWeights(cfg: LlamaConfig, seed: number): Map<string, NamedTensor> {
  const rng = createSeededRng(seed);
  const out = new Map<string, NamedTensor>();
  const normal = (name: string, shape: number[], std: number) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    out.set(name, { shape, data });
  };
  const norm = (name: string, size: number) => {
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = 1 + 0.1 * rng.normal();
    out.set(name, { shape: [size], data });
  };
  const H = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  const I = cfg.intermediateSize;
  normal('model.embed_tokens.weight', [cfg.vocabSize, H], 1);
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    norm(`${p}.input_layernorm.weight`, H);
    normal(`${p}.self_attn.q_proj.weight`, [q, H], 1 / Math.sqrt(H));
    normal(`${p}.self_attn.k_proj.weight`, [kv, H], 1 / Math.sqrt(H));
    normal(`${p}.self_attn.v_proj.weight`, [kv, H], 1 / Math.sqrt(H));
    normal(`${p}.self_attn.o_proj.weight`, [H, q], 1 / Math.sqrt(q));
    if (cfg.attentionBias) {
      for (const [t, n] of [['q', q], ['k', kv], ['v', kv], ['o', H]] as const) normal(`${p}.self_attn.${t}_proj.bias`, [n], 0.1);
    }
    norm(`${p}.post_attention_layernorm.weight`, H);
    normal(`${p}.mlp.gate_proj.weight`, [I, H], 1 / Math.sqrt(H));
    normal(`${p}.mlp.up_proj.weight`, [I, H], 1 / Math.sqrt(H));
    normal(`${p}.mlp.down_proj.weight`, [H, I], 1 / Math.sqrt(I));
    if (cfg.mlpBias) {
      for (const [t, n] of [['gate', I], ['up', I], ['down', H]] as const) normal(`${p}.mlp.${t}_proj.bias`, [n], 0.1);
    }
  }
  norm('model.norm.weight', H);
  if (!cfg.tieWordEmbeddings) normal('lm_head.weight', [cfg.vocabSize, H], 1 / Math.sqrt(H));
  return out;
}

/** Serves a tensor map as a {@link WeightSource} with shape checks. */
export function mapWeightSource(tensors: Map<string, NamedTensor>): WeightSource {
  return {
    has: (name) => tensors.has(name),
    require(name, shape) {
      const t = tensors.get(name);
      if (!t) throw new Error(`missing tensor ${name}`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new Error(`tensor ${name} has shape [${t.shape}], expected [${shape}]`);
      }
      return t.data;
    },
  };
}
