/**
 * @module gpu-worker/training/pretrain/compiled-layout
 * Converts weights from the compiler's layout back to a Hugging Face Llama checkpoint: the
 * compiler fuses q|k|v and gate|up into one `[in, Σout]` matrix and stores every projection
 * transposed (`weight_t`, `[in, out]`); a checkpoint holds `nn.Linear` weights `[out, in]`.
 * Pretraining updates the compiled layout; saving uses this inverse.
 */
import { projectionShape, type LlamaConfig } from '../../compiler/llama-config';
import { transpose2d } from '../../compiler/weights';
import type { NamedTensor } from '../../model/random-weights';

/** Splits a fused `[in, Σout]` matrix into `[out_k, in]` weights (the inverse of `fuseProjections`). */
export function unfuseProjections(fused: Float32Array, outSizes: number[], inFeatures: number): Float32Array[] {
  const total = outSizes.reduce((a, b) => a + b, 0);
  if (fused.length !== total * inFeatures) throw new Error(`fused matrix holds ${fused.length} values, expected ${inFeatures}×${total}`);
  let column = 0;
  return outSizes.map((out) => {
    const w = new Float32Array(out * inFeatures);
    for (let o = 0; o < out; o++) {
      const row = o * inFeatures;
      for (let i = 0; i < inFeatures; i++) w[row + i] = fused[i * total + column + o];
    }
    column += out;
    return w;
  });
}

/**
 * The Hugging Face tensors of a model whose weights are held in the compiler's layout.
 * @throws Error naming a missing compiled weight
 */
export function hfTensorsFromCompiled(cfg: LlamaConfig, compiled: ReadonlyMap<string, Float32Array>): Map<string, NamedTensor> {
  const get = (name: string) => {
    const data = compiled.get(name);
    if (!data) throw new Error(`compiled weights lack ${name}`);
    return data;
  };
  const out = new Map<string, NamedTensor>();
  const put = (name: string, shape: number[], data: Float32Array) => out.set(name, { shape, data });
  const H = cfg.hiddenSize;
  const I = cfg.intermediateSize;
  const [, qOut] = projectionShape(cfg, 'q_proj');
  const [, kvOut] = projectionShape(cfg, 'k_proj');
  put('model.embed_tokens.weight', [cfg.vocabSize, H], get('model.embed_tokens.weight'));
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    put(`${p}.input_layernorm.weight`, [H], get(`${p}.input_layernorm.weight`));
    put(`${p}.post_attention_layernorm.weight`, [H], get(`${p}.post_attention_layernorm.weight`));
    const [q, k, v] = unfuseProjections(get(`${p}.self_attn.qkv_proj.weight_t`), [qOut, kvOut, kvOut], H);
    put(`${p}.self_attn.q_proj.weight`, [qOut, H], q);
    put(`${p}.self_attn.k_proj.weight`, [kvOut, H], k);
    put(`${p}.self_attn.v_proj.weight`, [kvOut, H], v);
    put(`${p}.self_attn.o_proj.weight`, [H, qOut], transpose2d(get(`${p}.self_attn.o_proj.weight_t`), qOut, H));
    if (cfg.attentionBias) {
      const bias = get(`${p}.self_attn.qkv_proj.bias`);
      put(`${p}.self_attn.q_proj.bias`, [qOut], bias.slice(0, qOut));
      put(`${p}.self_attn.k_proj.bias`, [kvOut], bias.slice(qOut, qOut + kvOut));
      put(`${p}.self_attn.v_proj.bias`, [kvOut], bias.slice(qOut + kvOut));
      put(`${p}.self_attn.o_proj.bias`, [H], get(`${p}.self_attn.o_proj.bias`));
    }
    const [gate, up] = unfuseProjections(get(`${p}.mlp.gate_up_proj.weight_t`), [I, I], H);
    put(`${p}.mlp.gate_proj.weight`, [I, H], gate);
    put(`${p}.mlp.up_proj.weight`, [I, H], up);
    put(`${p}.mlp.down_proj.weight`, [H, I], transpose2d(get(`${p}.mlp.down_proj.weight_t`), I, H));
    if (cfg.mlpBias) {
      const bias = get(`${p}.mlp.gate_up_proj.bias`);
      put(`${p}.mlp.gate_proj.bias`, [I], bias.slice(0, I));
      put(`${p}.mlp.up_proj.bias`, [I], bias.slice(I));
      put(`${p}.mlp.down_proj.bias`, [H], get(`${p}.mlp.down_proj.bias`));
    }
  }
  put('model.norm.weight', [H], get('model.norm.weight'));
  if (!cfg.tieWordEmbeddings) put('lm_head.weight', [cfg.vocabSize, H], get('lm_head.weight'));
  return out;
}
