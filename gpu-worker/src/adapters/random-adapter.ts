/**
 * @module gpu-worker/adapters/random-adapter
 * Deterministic random LoRA adapters for tests and benchmarks, so adapter paths can be exercised
 * without training anything. Unlike a freshly initialised PEFT adapter (B = 0), both A and B are
 * non-zero, so the adapter visibly changes the model's output.
 */
import { createSeededRng, type SeededRng } from '../../../shared/random/seeded-rng';
import { LORA_TARGETS, projectionShape, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { adapterWeightKey, loraScale, type LoraAdapter, type LoraWeights } from './adapter';

/** Options of {@link randomAdapter}. */
export interface RandomAdapterOptions {
  /** Fingerprint recorded as the adapter's base model. */
  baseModelId: string;
  /** Projections to adapt, in every layer. */
  targets: LoraTarget[];
  /** LoRA rank r. */
  rank: number;
  /** LoRA alpha; the scale is alpha / r (alpha / √r with `rsLora`). */
  alpha: number;
  /** Seed; the same seed, config and options give bit-identical weights. */
  seed: number;
  /**
   * Standard deviation of B's entries (A's are N(0, 1/in)). The delta's RMS is then about
   * `scale · √r · std` times the input's RMS, while the base projection's (weights N(0, 1/in))
   * is about 1 times it.
   * @default 0.3 / (scale · √r), a delta about 30% of the base output: clearly visible, not dominant
   */
  std?: number;
  /** Use rank-stabilized scaling. @default false */
  rsLora?: boolean;
  /** Adapter revision. @default 1 */
  version?: number;
}

/**
 * Draws an adapter for `cfg`. Each layer/target pair draws from its own forked stream, so adding
 * a target leaves the other targets' weights unchanged.
 *
 * @example
 * const adapter = randomAdapter(cfg, { baseModelId: 'sha256:ab12', targets: ['q_proj', 'v_proj'], rank: 8, alpha: 16, seed: 1 });
 */
export function randomAdapter(cfg: LlamaConfig, options: RandomAdapterOptions): LoraAdapter {
  const { rank, alpha, targets } = options;
  if (!Number.isSafeInteger(rank) || rank < 1) throw new RangeError(`rank must be a positive integer, got ${rank}`);
  const scale = loraScale(alpha, rank, options.rsLora ?? false);
  const std = options.std ?? 0.3 / (Math.abs(scale) * Math.sqrt(rank) || 1);
  const root = createSeededRng(options.seed);
  const weights = new Map<string, LoraWeights>();
  for (const target of targets) {
    const [inFeatures, outFeatures] = projectionShape(cfg, target);
    for (let layer = 0; layer < cfg.numLayers; layer++) {
      const rng = root.fork(layer * LORA_TARGETS.length + LORA_TARGETS.indexOf(target));
      weights.set(adapterWeightKey(layer, target), {
        a: normals(rng, inFeatures * rank, 1 / Math.sqrt(inFeatures)),
        b: normals(rng, rank * outFeatures, std),
      });
    }
  }
  return {
    baseModelId: options.baseModelId,
    targets: [...targets],
    rank,
    alpha,
    scale,
    version: options.version ?? 1,
    numLayers: cfg.numLayers,
    weights,
  };
}

function normals(rng: SeededRng, length: number, std: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal() * std;
  return out;
}
