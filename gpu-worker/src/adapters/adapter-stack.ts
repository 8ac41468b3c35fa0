/**
 * @module gpu-worker/adapters/adapter-stack
 * Stacks a batch's adapters into the graph's LoRA inputs (see `compiler/lora.ts`):
 * `lora_A [slots, in, R]`, `lora_B [slots, R, out]` per layer and target, and `lora_scale [slots]`.
 * Slot 0 is the zero adapter; slot k + 1 holds `adapters[k]`. R is the largest rank in the batch,
 * and lower-rank adapters are zero-padded, which is exact: the padded columns of A and rows of B
 * are zero, so they add nothing to `x A B`.
 */
import { projectionShape, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { loraInputNames } from '../compiler/lora';
import { AdapterError, adapterWeightKey, checkAdapterShapes, type LoraAdapter } from './adapter';

/** One graph input's data and dimensions, ready for an `onnxruntime` float32 tensor. */
export interface StackedInput {
  data: Float32Array;
  dims: number[];
}

/** The LoRA feeds of one batch. */
export interface StackedAdapters {
  /** Graph inputs by name: every layer/target's `lora_A` and `lora_B`, and `lora_scale`. */
  feeds: Record<string, StackedInput>;
  /** R, the rank of the stacked inputs (at least 1). */
  rank: number;
}

/**
 * Builds the LoRA graph inputs for a batch whose rows use `adapters` (row b uses slot
 * `adapter_index[b]`; 0 means no adapter). Targets an adapter lacks are zeros in its slot.
 *
 * @param targets - the targets the graph was compiled with
 * @throws AdapterError `TARGET_NOT_COMPILED` when an adapter has a target the graph lacks;
 *   `BAD_SHAPE` or `MISSING_TENSOR` when an adapter does not fit `cfg`
 * @example
 * const { feeds } = stackAdapters(cfg, ['q_proj', 'v_proj'], [alice, bob]);
 * // feeds['lora_scale'].data → [0, alice.scale, bob.scale]
 */
export function stackAdapters(cfg: LlamaConfig, targets: LoraTarget[], adapters: LoraAdapter[]): StackedAdapters {
  for (const [k, adapter] of adapters.entries()) {
    checkAdapterShapes(cfg, adapter);
    const stray = adapter.targets.find((t) => !targets.includes(t));
    if (stray) {
      throw new AdapterError(
        'TARGET_NOT_COMPILED',
        `adapter ${k} (base model ${adapter.baseModelId}) targets ${stray}, but the graph has LoRA inputs for ${targets.join(', ') || 'no targets'}`,
        stray,
      );
    }
  }
  const slots = adapters.length + 1;
  const rank = Math.max(1, ...adapters.map((a) => a.rank));
  const feeds: Record<string, StackedInput> = {};

  const scale = new Float32Array(slots);
  adapters.forEach((adapter, k) => (scale[k + 1] = adapter.scale));
  feeds.lora_scale = { data: scale, dims: [slots] };

  for (const target of targets) {
    const [inFeatures, outFeatures] = projectionShape(cfg, target);
    const holders = adapters.map((adapter, k) => ({ adapter, slot: k + 1 })).filter(({ adapter }) => adapter.targets.includes(target));
    for (let layer = 0; layer < cfg.numLayers; layer++) {
      const a = new Float32Array(slots * inFeatures * rank);
      const b = new Float32Array(slots * rank * outFeatures);
      for (const { adapter, slot } of holders) {
        const w = adapter.weights.get(adapterWeightKey(layer, target))!;
        const r = adapter.rank;
        const aBase = slot * inFeatures * rank;
        if (r === rank) {
          a.set(w.a, aBase);
        } else {
          // Row i of the adapter's [in, r] A fills the first r of the R columns of row i.
          for (let i = 0; i < inFeatures; i++) a.set(w.a.subarray(i * r, (i + 1) * r), aBase + i * rank);
        }
        // B's [r, out] rows are the first r of the slot's R rows, contiguous in row-major order.
        b.set(w.b, slot * rank * outFeatures);
      }
      const names = loraInputNames(layer, target);
      feeds[names.a] = { data: a, dims: [slots, inFeatures, rank] };
      feeds[names.b] = { data: b, dims: [slots, rank, outFeatures] };
    }
  }
  return { feeds, rank };
}
