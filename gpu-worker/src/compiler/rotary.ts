/**
 * @module gpu-worker/compiler/rotary
 * Rotary position embeddings (Su et al. 2021) in Hugging Face's `rotate_half` convention.
 *
 * cos/sin are computed in the graph from `position_ids` (float32, as transformers does), so
 * no `[max_positions, head_dim]` table is stored. `rotate_half(x)·sin` is rewritten as
 * `concat(x2, x1) · concat(−sin, sin)`, which saves a Neg per application.
 */
import { ElemType, type GraphBuilder, type Value } from '../../../shared/onnx/graph';
import { add, cast, concat, cos, mul, neg, sin, split, unsqueeze } from '../../../shared/onnx/ops';
import type { LlamaConfig } from './llama-config';

/** Per-token rotation factors shaped `[batch, seq, 1, head_dim]` (broadcast over heads). */
export interface RotaryFactors {
  readonly cos: Value;
  readonly sinSigned: Value;
}

/**
 * Inverse frequencies `1/θ^(2j/d)`, with Llama 3 or linear scaling applied
 * (transformers `_compute_llama3_parameters`, `_compute_linear_scaling_rope_parameters`).
 */
export function inverseFrequencies(cfg: LlamaConfig): Float32Array {
  const half = cfg.headDim / 2;
  const inv = new Float64Array(half);
  for (let j = 0; j < half; j++) inv[j] = 1 / Math.pow(cfg.ropeTheta, (2 * j) / cfg.headDim);
  const rs = cfg.ropeScaling;
  if (rs?.type === 'linear') for (let j = 0; j < half; j++) inv[j] /= rs.factor;
  if (rs?.type === 'llama3') {
    const lowWavelen = rs.originalMaxPositions / rs.lowFreqFactor;
    const highWavelen = rs.originalMaxPositions / rs.highFreqFactor;
    for (let j = 0; j < half; j++) {
      const wavelen = (2 * Math.PI) / inv[j];
      if (wavelen > lowWavelen) inv[j] /= rs.factor;
      else if (wavelen >= highWavelen) {
        const smooth = (rs.originalMaxPositions / wavelen - rs.lowFreqFactor) / (rs.highFreqFactor - rs.lowFreqFactor);
        inv[j] = (1 - smooth) * (inv[j] / rs.factor) + smooth * inv[j];
      }
    }
  }
  return Float32Array.from(inv);
}

/** Computes cos and signed sin for every token from `position_ids [batch, seq]` (int64). */
export function rotaryFactors(g: GraphBuilder, cfg: LlamaConfig, positionIds: Value): RotaryFactors {
  return g.scoped('rotary', () => {
    const invFreq = g.initializer('rotary.inv_freq', ElemType.FLOAT, [cfg.headDim / 2], inverseFrequencies(cfg));
    const positions = unsqueeze(g, cast(g, positionIds, ElemType.FLOAT), [2]); // [B, S, 1]
    const freqs = mul(g, positions, invFreq); // [B, S, D/2]
    const c = cos(g, freqs);
    const s = sin(g, freqs);
    return {
      cos: unsqueeze(g, concat(g, [c, c], -1), [2]),
      sinSigned: unsqueeze(g, concat(g, [neg(g, s), s], -1), [2]),
    };
  });
}

/** Rotates `x [batch, seq, heads, head_dim]` by the factors. */
export function applyRotary(g: GraphBuilder, x: Value, f: RotaryFactors, headDim: number): Value {
  return g.scoped('rope', () => {
    const [x1, x2] = split(g, x, [headDim / 2, headDim / 2], -1);
    return add(g, mul(g, x, f.cos), mul(g, concat(g, [x2, x1], -1), f.sinSigned));
  });
}
