/**
 * @module gpu-worker/adapters/fresh-adapter
 * The adapters a training run starts from: a new one initialised as PEFT does, or a private
 * copy of a stored one (training updates weights in place, and the stored, possibly cached and
 * serving, adapter must not change until the new version is saved).
 */
import { createSeededRng } from '../../../shared/random/seeded-rng';
import { LORA_TARGETS, projectionShape, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { adapterWeightKey, loraScale, type LoraAdapter, type LoraWeights } from './adapter';

/** Options of {@link freshAdapter}. */
export interface FreshAdapterOptions {
  /** Fingerprint of the base model the adapter is trained for. */
  baseModelId: string;
  targets: LoraTarget[];
  /** LoRA rank r. */
  rank: number;
  /** LoRA alpha; the scale is alpha / r. */
  alpha: number;
  /** Seed of A's draw; the same seed gives the same adapter. */
  seed: number;
  /** Adapter revision recorded in the header. @default 1 */
  version?: number;
}

/**
 * A new adapter as PEFT initialises one (`init_lora_weights=True`): A from
 * `kaiming_uniform_(a=√5)`, i.e. U(−1/√in, 1/√in), and B = 0, so the adapter starts as the
 * identity and the first step's gradient flows into B only (Hu et al. 2021, §4.1).
 *
 * @example
 * const adapter = freshAdapter(cfg, { baseModelId, targets: ['q_proj', 'v_proj'], rank: 8, alpha: 16, seed: 1 });
 */
export function freshAdapter(cfg: LlamaConfig, options: FreshAdapterOptions): LoraAdapter {
  const { rank, alpha, targets } = options;
  if (!Number.isSafeInteger(rank) || rank < 1) throw new RangeError(`rank must be a positive integer, got ${rank}`);
  const root = createSeededRng(options.seed);
  const weights = new Map<string, LoraWeights>();
  for (const target of targets) {
    const [inFeatures, outFeatures] = projectionShape(cfg, target);
    // kaiming_uniform_ with a = √5: gain √(2 / (1 + 5)), bound gain · √(3 / fan_in) = 1 / √fan_in.
    const bound = 1 / Math.sqrt(inFeatures);
    for (let layer = 0; layer < cfg.numLayers; layer++) {
      const rng = root.fork(layer * LORA_TARGETS.length + LORA_TARGETS.indexOf(target));
      const a = new Float32Array(inFeatures * rank);
      for (let i = 0; i < a.length; i++) a[i] = (2 * rng.next() - 1) * bound;
      weights.set(adapterWeightKey(layer, target), { a, b: new Float32Array(rank * outFeatures) });
    }
  }
  return {
    baseModelId: options.baseModelId,
    targets: [...targets],
    rank,
    alpha,
    scale: loraScale(alpha, rank),
    version: options.version ?? 1,
    numLayers: cfg.numLayers,
    weights,
  };
}

/** A deep copy: its weights are new arrays, so training the copy leaves `adapter` unchanged. */
export function cloneAdapter(adapter: LoraAdapter): LoraAdapter {
  const weights = new Map<string, LoraWeights>();
  for (const [key, w] of adapter.weights) weights.set(key, { a: w.a.slice(), b: w.b.slice() });
  return { ...adapter, targets: [...adapter.targets], weights };
}
