/**
 * @module gpu-worker/compiler/llama-graph
 * Assembles a Llama-family decoder as an ONNX graph with Hugging Face Optimum's I/O names:
 * `input_ids`, `attention_mask`, `position_ids`, `past_key_values.{i}.key|value` →
 * `logits`, `present.{i}.key|value`, optionally `last_hidden_state`, plus the per-row LoRA
 * inputs of `lora.ts`.
 */
import { ElemType, GraphBuilder, type Value } from '../../../shared/onnx/graph';
import {
  and, cast, concat, constFloat, constInt64, gather, gemm, lessOrEqual, range, reshape, shapeOf, slice, squeeze, sub, unsqueeze, where, add,
} from '../../../shared/onnx/ops';
import { selfAttention } from './attention';
import type { LlamaConfig, LoraTarget } from './llama-config';
import { declareLoraInputs } from './lora';
import { swiGluMlp } from './mlp';
import { rmsNorm } from './rms-norm';
import { rotaryFactors } from './rotary';
import type { WeightSource } from './weights';

/** Options for {@link buildLlamaDecoder}. */
export interface DecoderGraphOptions {
  /** Projections that take per-row LoRA adapters. @default [] */
  loraTargets?: LoraTarget[];
  /** `all`: logits for every position (Optimum's shape); `last`: only the final position. @default 'all' */
  logits?: 'all' | 'last';
  /** Also output the final normalized hidden state `[batch, seq, hidden]`. @default false */
  lastHiddenState?: boolean;
}

/** Additive attention mask: causal within the cache, and padding (attention_mask = 0) hidden. */
function attentionMaskBias(g: GraphBuilder, inputIds: Value, attentionMask: Value): Value {
  return g.scoped('mask', () => {
    const total = squeeze(g, shapeOf(g, attentionMask, 1, 2), [0]);
    const seq = squeeze(g, shapeOf(g, inputIds, 1, 2), [0]);
    const zero = constInt64(g, [0], []);
    const step = constInt64(g, [1], []);
    const keyPositions = range(g, zero, total, step); // [T]
    const queryPositions = unsqueeze(g, range(g, sub(g, total, seq), total, step), [1]); // [S, 1]
    const causal = lessOrEqual(g, keyPositions, queryPositions); // [S, T]
    const notPadding = unsqueeze(g, cast(g, attentionMask, ElemType.BOOL), [1, 2, 3]); // [B,1,1,1,T]
    // −1e9 rather than −∞: a padding query row then stays finite (uniform), so no NaN enters the cache.
    return where(g, and(g, causal, notPadding), constFloat(g, [0]), constFloat(g, [-1e9]));
  });
}

/**
 * Builds the decoder graph from checked configuration and weights.
 *
 * @example
 * const graph = buildLlamaDecoder(cfg, checkpoint, { loraTargets: ['q_proj', 'v_proj'] });
 * const { model } = serializeModel(graph);
 */
export function buildLlamaDecoder(cfg: LlamaConfig, w: WeightSource, options: DecoderGraphOptions = {}): GraphBuilder {
  const g = new GraphBuilder(`attune_${cfg.modelType}_decoder`);
  const kvShape = (dim: string) => ['batch_size', cfg.numKvHeads, dim, cfg.headDim];
  const inputIds = g.input('input_ids', ElemType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', ElemType.INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', ElemType.INT64, ['batch_size', 'sequence_length']);
  const past = Array.from({ length: cfg.numLayers }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, ElemType.FLOAT, kvShape('past_sequence_length')),
    value: g.input(`past_key_values.${i}.value`, ElemType.FLOAT, kvShape('past_sequence_length')),
  }));
  const lora = declareLoraInputs(g, options.loraTargets ?? []);

  const H = cfg.hiddenSize;
  const embed = g.initializer('model.embed_tokens.weight', ElemType.FLOAT, [cfg.vocabSize, H], w.require('model.embed_tokens.weight', [cfg.vocabSize, H]));
  let hidden = gather(g, embed, inputIds); // [B, S, H]
  const ctx = { rotary: rotaryFactors(g, cfg, positionIds), maskBias: attentionMaskBias(g, inputIds, attentionMask), lora };

  for (let i = 0; i < cfg.numLayers; i++) {
    g.scoped(`layers.${i}`, () => {
      const prefix = `model.layers.${i}`;
      const norm1 = g.initializer(`${prefix}.input_layernorm.weight`, ElemType.FLOAT, [H], w.require(`${prefix}.input_layernorm.weight`, [H]));
      const attn = g.scoped('attn', () => selfAttention(g, cfg, w, i, rmsNorm(g, hidden, norm1, cfg.rmsNormEps), past[i], ctx));
      g.output(attn.presentKey, `present.${i}.key`, ElemType.FLOAT, kvShape('total_sequence_length'));
      g.output(attn.presentValue, `present.${i}.value`, ElemType.FLOAT, kvShape('total_sequence_length'));
      hidden = add(g, hidden, attn.out);
      const norm2 = g.initializer(`${prefix}.post_attention_layernorm.weight`, ElemType.FLOAT, [H], w.require(`${prefix}.post_attention_layernorm.weight`, [H]));
      hidden = add(g, hidden, g.scoped('mlp', () => swiGluMlp(g, cfg, w, i, rmsNorm(g, hidden, norm2, cfg.rmsNormEps), lora)));
    });
  }

  const finalNorm = g.initializer('model.norm.weight', ElemType.FLOAT, [H], w.require('model.norm.weight', [H]));
  const normed = rmsNorm(g, hidden, finalNorm, cfg.rmsNormEps);
  if (options.lastHiddenState) g.output(normed, 'last_hidden_state', ElemType.FLOAT, ['batch_size', 'sequence_length', H]);

  // An untied model must ship lm_head.weight: require() names it when it is missing.
  const tied = cfg.tieWordEmbeddings;
  const head = tied ? embed : g.initializer('lm_head.weight', ElemType.FLOAT, [cfg.vocabSize, H], w.require('lm_head.weight', [cfg.vocabSize, H]));
  const last = options.logits === 'last';
  const headInput = last ? slice(g, normed, [-1], [Number.MAX_SAFE_INTEGER], [1]) : normed;
  const logitsShape = concat(g, [shapeOf(g, headInput, 0, 2), constInt64(g, [cfg.vocabSize])], 0);
  // Gemm with transB reads the [vocab, hidden] matrix as stored, so a tied head shares the embedding.
  const flat = gemm(g, reshape(g, headInput, [-1, H]), head, null, { transB: true });
  g.output(reshape(g, flat, logitsShape), 'logits', ElemType.FLOAT, ['batch_size', last ? 1 : 'sequence_length', cfg.vocabSize]);
  return g;
}
