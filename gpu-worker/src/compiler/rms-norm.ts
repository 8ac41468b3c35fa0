/**
 * @module gpu-worker/compiler/rms-norm
 * RMSNorm (Zhang & Sennrich 2019) as Llama uses it: `x / sqrt(mean(x²) + eps) · w`.
 * Written as Pow → ReduceMean → Add → Sqrt → Div → Mul, the pattern ONNX Runtime fuses into
 * one SimplifiedLayerNormalization kernel.
 */
import type { GraphBuilder, Value } from '../../../shared/onnx/graph';
import { add, constFloat, div, mul, pow, reduceMean, sqrt } from '../../../shared/onnx/ops';

/** Normalizes the last axis of `x` and scales it by `weight`. */
export function rmsNorm(g: GraphBuilder, x: Value, weight: Value, eps: number): Value {
  return g.scoped('rms_norm', () => {
    const meanSquare = reduceMean(g, pow(g, x, constFloat(g, [2])), [-1]);
    const rms = sqrt(g, add(g, meanSquare, constFloat(g, [eps])));
    return mul(g, div(g, x, rms), weight);
  });
}
