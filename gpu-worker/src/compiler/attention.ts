/**
 * @module gpu-worker/compiler/attention
 * Grouped-query self-attention with a KV cache (Ainslie et al. 2023), in standard ONNX ops.
 *
 * q, k and v come from one fused MatMul. Instead of repeating k/v heads, queries are viewed
 * as `[batch, kv_heads, group, seq, head_dim]` and k/v as `[batch, kv_heads, 1, total, head_dim]`,
 * so MatMul broadcasting shares each k/v head with its group of query heads (the same
 * assignment as transformers' `repeat_kv`). The cache is `[batch, kv_heads, total, head_dim]`,
 * keys stored after RoPE, as Hugging Face Optimum exports it.
 */
import { ElemType, type GraphBuilder, type Value } from '../../../shared/onnx/graph';
import { add, concat, constFloat, matMul, mul, reshape, softmax, split, transpose, unsqueeze } from '../../../shared/onnx/ops';
import type { LlamaConfig } from './llama-config';
import { addLoraDelta, type LoraContext } from './lora';
import { applyRotary, type RotaryFactors } from './rotary';
import { concatVectors, fuseProjections, transpose2d, type WeightSource } from './weights';

/** What every layer's attention shares. */
export interface AttentionContext {
  readonly rotary: RotaryFactors;
  /** Additive mask `[batch, 1, 1, seq, total]`: 0 where allowed, a large negative number elsewhere. */
  readonly maskBias: Value;
  readonly lora: LoraContext | null;
}

/** One layer's attention on the normalized hidden state `x [batch, seq, hidden]`. */
export function selfAttention(
  g: GraphBuilder,
  cfg: LlamaConfig,
  w: WeightSource,
  layer: number,
  x: Value,
  past: { key: Value; value: Value },
  ctx: AttentionContext,
): { out: Value; presentKey: Value; presentValue: Value } {
  const H = cfg.hiddenSize;
  const D = cfg.headDim;
  const qOut = cfg.numHeads * D;
  const kvOut = cfg.numKvHeads * D;
  const group = cfg.numHeads / cfg.numKvHeads;
  const prefix = `model.layers.${layer}.self_attn`;

  const fused = fuseProjections(
    [w.require(`${prefix}.q_proj.weight`, [qOut, H]), w.require(`${prefix}.k_proj.weight`, [kvOut, H]), w.require(`${prefix}.v_proj.weight`, [kvOut, H])],
    [qOut, kvOut, kvOut],
    H,
  );
  let qkv = matMul(g, x, g.initializer(`${prefix}.qkv_proj.weight_t`, ElemType.FLOAT, [H, qOut + 2 * kvOut], fused));
  if (cfg.attentionBias) {
    const bias = concatVectors([
      w.require(`${prefix}.q_proj.bias`, [qOut]),
      w.require(`${prefix}.k_proj.bias`, [kvOut]),
      w.require(`${prefix}.v_proj.bias`, [kvOut]),
    ]);
    qkv = add(g, qkv, g.initializer(`${prefix}.qkv_proj.bias`, ElemType.FLOAT, [qOut + 2 * kvOut], bias));
  }
  let [q, k, v] = split(g, qkv, [qOut, kvOut, kvOut], -1);
  q = addLoraDelta(g, cfg, ctx.lora, layer, 'q_proj', x, q);
  k = addLoraDelta(g, cfg, ctx.lora, layer, 'k_proj', x, k);
  v = addLoraDelta(g, cfg, ctx.lora, layer, 'v_proj', x, v);

  // Queries: [B,S,h·D] → [B,S,kv,group,D] → RoPE → [B,kv,group,S,D], pre-scaled by 1/√D.
  const qHeads = applyRotary(g, reshape(g, q, [0, 0, cfg.numHeads, D]), ctx.rotary, D);
  const qGrouped = transpose(g, reshape(g, qHeads, [0, 0, cfg.numKvHeads, group, D]), [0, 2, 3, 1, 4]);
  const qScaled = mul(g, qGrouped, constFloat(g, [1 / Math.sqrt(D)]));

  // Keys and values: [B,S,kv·D] → [B,kv,S,D], appended to the cache.
  const kHeads = transpose(g, applyRotary(g, reshape(g, k, [0, 0, cfg.numKvHeads, D]), ctx.rotary, D), [0, 2, 1, 3]);
  const vHeads = transpose(g, reshape(g, v, [0, 0, cfg.numKvHeads, D]), [0, 2, 1, 3]);
  const presentKey = concat(g, [past.key, kHeads], 2);
  const presentValue = concat(g, [past.value, vHeads], 2);

  const keysT = unsqueeze(g, transpose(g, presentKey, [0, 1, 3, 2]), [2]); // [B,kv,1,D,T]
  const scores = add(g, matMul(g, qScaled, keysT), ctx.maskBias); // [B,kv,group,S,T]
  const context = matMul(g, softmax(g, scores, -1), unsqueeze(g, presentValue, [2])); // [B,kv,group,S,D]
  const merged = reshape(g, transpose(g, context, [0, 3, 1, 2, 4]), [0, 0, qOut]); // [B,S,h·D]

  const oWeight = transpose2d(w.require(`${prefix}.o_proj.weight`, [H, qOut]), H, qOut);
  let out = matMul(g, merged, g.initializer(`${prefix}.o_proj.weight_t`, ElemType.FLOAT, [qOut, H], oWeight));
  if (cfg.attentionBias) out = add(g, out, g.initializer(`${prefix}.o_proj.bias`, ElemType.FLOAT, [H], w.require(`${prefix}.o_proj.bias`, [H])));
  out = addLoraDelta(g, cfg, ctx.lora, layer, 'o_proj', merged, out);
  return { out, presentKey, presentValue };
}
