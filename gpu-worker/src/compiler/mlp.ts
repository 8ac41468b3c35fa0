/**
 * @module gpu-worker/compiler/mlp
 * The SwiGLU feed-forward block (Shazeer 2020): `down(silu(gate x) · up x)`, with gate and up
 * computed by one fused MatMul.
 */
import { ElemType, type GraphBuilder, type Value } from '../../../shared/onnx/graph';
import { add, matMul, mul, sigmoid, split } from '../../../shared/onnx/ops';
import type { LlamaConfig } from './llama-config';
import { addLoraDelta, type LoraContext } from './lora';
import { concatVectors, fuseProjections, transpose2d, type WeightSource } from './weights';

/** One layer's MLP on the normalized hidden state `x [batch, seq, hidden]`. */
export function swiGluMlp(g: GraphBuilder, cfg: LlamaConfig, w: WeightSource, layer: number, x: Value, lora: LoraContext | null): Value {
  const H = cfg.hiddenSize;
  const I = cfg.intermediateSize;
  const prefix = `model.layers.${layer}.mlp`;
  const fused = fuseProjections([w.require(`${prefix}.gate_proj.weight`, [I, H]), w.require(`${prefix}.up_proj.weight`, [I, H])], [I, I], H);
  let gateUp = matMul(g, x, g.initializer(`${prefix}.gate_up_proj.weight_t`, ElemType.FLOAT, [H, 2 * I], fused));
  if (cfg.mlpBias) {
    const bias = concatVectors([w.require(`${prefix}.gate_proj.bias`, [I]), w.require(`${prefix}.up_proj.bias`, [I])]);
    gateUp = add(g, gateUp, g.initializer(`${prefix}.gate_up_proj.bias`, ElemType.FLOAT, [2 * I], bias));
  }
  let [gate, up] = split(g, gateUp, [I, I], -1);
  gate = addLoraDelta(g, cfg, lora, layer, 'gate_proj', x, gate);
  up = addLoraDelta(g, cfg, lora, layer, 'up_proj', x, up);
  const activated = mul(g, mul(g, gate, sigmoid(g, gate)), up);
  const downWeight = transpose2d(w.require(`${prefix}.down_proj.weight`, [H, I]), H, I);
  let out = matMul(g, activated, g.initializer(`${prefix}.down_proj.weight_t`, ElemType.FLOAT, [I, H], downWeight));
  if (cfg.mlpBias) out = add(g, out, g.initializer(`${prefix}.down_proj.bias`, ElemType.FLOAT, [H], w.require(`${prefix}.down_proj.bias`, [H])));
  return addLoraDelta(g, cfg, lora, layer, 'down_proj', activated, out);
}
