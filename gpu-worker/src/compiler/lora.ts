/**
 * @module gpu-worker/compiler/lora
 * Per-row LoRA as graph inputs (Punica's BGMV, written with standard ONNX ops).
 *
 * onnxruntime-node cannot activate ONNX Runtime `LoraAdapter` objects, so adapter weights are
 * inputs stacked over slots: `lora_A [slots, in, r]`, `lora_B [slots, r, out]`, one
 * `lora_scale [slots]`, and `adapter_index [batch]` picks each batch row's slot. Slot 0 is
 * the zero adapter. For a row b: `y_b = W x_b + scale[s_b] · (x_b A[s_b]) B[s_b]`, computed as
 * Gather (slot rows) then batched MatMul. The rank is a symbolic dimension, so adapters of any
 * rank up to the compiled maximum run through one graph (lower ranks are zero-padded).
 */
import { ElemType, type GraphBuilder, type Value } from '../../../shared/onnx/graph';
import { add, gather, matMul, mul, reshape } from '../../../shared/onnx/ops';
import { projectionShape, targetModule, type LlamaConfig, type LoraTarget } from './llama-config';

/** Symbolic dimension names of the LoRA inputs. */
export const LORA_DIMS = { slots: 'lora_slots', rank: 'lora_rank' } as const;

/** Graph input names of one target's adapter weights, on Olive's naming stem. */
export function loraInputNames(layer: number, target: LoraTarget): { a: string; b: string } {
  const stem = `model.layers.${layer}.${targetModule(target)}.${target}`;
  return { a: `${stem}.lora_A.weight`, b: `${stem}.lora_B.weight` };
}

/** The LoRA inputs shared by every target of a graph. */
export interface LoraContext {
  readonly targets: ReadonlySet<LoraTarget>;
  /** `adapter_index [batch]`, int64. */
  readonly adapterIndex: Value;
  /** Each row's scale, shaped `[batch, 1, 1]` to broadcast over `[batch, seq, r]`. */
  readonly rowScale: Value;
}

/** Declares `adapter_index` and `lora_scale` and gathers each row's scale once. */
export function declareLoraInputs(g: GraphBuilder, targets: LoraTarget[]): LoraContext | null {
  if (targets.length === 0) return null;
  const adapterIndex = g.input('adapter_index', ElemType.INT64, ['batch_size']);
  const scale = g.input('lora_scale', ElemType.FLOAT, [LORA_DIMS.slots]);
  const rowScale = g.scoped('lora', () => reshape(g, gather(g, scale, adapterIndex), [-1, 1, 1]));
  return { targets: new Set(targets), adapterIndex, rowScale };
}

/**
 * Adds the LoRA delta of `target` in `layer` to `base` (the frozen projection's output of `x`).
 * Returns `base` unchanged when the target carries no adapter.
 */
export function addLoraDelta(
  g: GraphBuilder,
  cfg: LlamaConfig,
  lora: LoraContext | null,
  layer: number,
  target: LoraTarget,
  x: Value,
  base: Value,
): Value {
  if (!lora || !lora.targets.has(target)) return base;
  const [inFeatures, outFeatures] = projectionShape(cfg, target);
  const names = loraInputNames(layer, target);
  const a = g.input(names.a, ElemType.FLOAT, [LORA_DIMS.slots, inFeatures, LORA_DIMS.rank]);
  const b = g.input(names.b, ElemType.FLOAT, [LORA_DIMS.slots, LORA_DIMS.rank, outFeatures]);
  return g.scoped(`${target}_lora`, () => {
    const rowA = gather(g, a, lora.adapterIndex); // [batch, in, r]
    const rowB = gather(g, b, lora.adapterIndex); // [batch, r, out]
    const down = mul(g, matMul(g, x, rowA), lora.rowScale); // [batch, seq, r], scaled where it is smallest
    return add(g, base, matMul(g, down, rowB));
  });
}
