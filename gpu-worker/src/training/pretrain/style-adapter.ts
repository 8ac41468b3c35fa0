/**
 * @module gpu-worker/training/pretrain/style-adapter
 * Trains one user's LoRA adapter by DPO on preference pairs, plainly or with DP-SGD (Poisson
 * sampling, per-pair clipping, Gaussian noise calibrated to a target ε by the RDP accountant).
 */
import { noiseMultiplierFor } from '../../../../shared/privacy/dp/noise-search';
import type { LoraAdapter } from '../../adapters/adapter';
import { freshAdapter } from '../../adapters/fresh-adapter';
import type { LlamaConfig, LoraTarget } from '../../compiler/llama-config';
import type { WeightSource } from '../../compiler/weights';
import { dpSgdAccountant, poissonSample, privatizeBatch } from '../dp-sgd';
import { LoraTrainer, type PreferencePair } from '../lora-trainer';

/** DP-SGD settings: the noise is found for `epsilon` at `delta` over the run's steps and sample rate. */
export interface DpSettings {
  epsilon: number;
  delta: number;
  /** Per-pair gradient clip norm C. */
  clipNorm: number;
}

/** Options of {@link trainStyleAdapter}. */
export interface StyleAdapterOptions {
  baseModelId: string;
  rank: number;
  alpha: number;
  targets: LoraTarget[];
  steps: number;
  /** Pairs per step (the expected batch under DP-SGD). */
  batchPairs: number;
  lr: number;
  dpoBeta: number;
  seed: number;
  dp?: DpSettings;
}

/** The trained adapter and what the run measured. */
export interface StyleAdapterResult {
  adapter: LoraAdapter;
  losses: number[];
  /** Under DP-SGD: σ used, sample rate, and the ε the accountant gives for the run. */
  privacy?: { noiseMultiplier: number; sampleRate: number; steps: number; epsilon: number; delta: number };
}

/** Trains a fresh rank-`rank` adapter on `pairs`. */
export async function trainStyleAdapter(cfg: LlamaConfig, weights: WeightSource, pairs: PreferencePair[], o: StyleAdapterOptions): Promise<StyleAdapterResult> {
  const adapter = freshAdapter(cfg, { baseModelId: o.baseModelId, targets: o.targets, rank: o.rank, alpha: o.alpha, seed: o.seed });
  const trainer = await LoraTrainer.create(cfg, weights, adapter, { objective: 'dpo', lr: o.lr, dpoBeta: o.dpoBeta });
  const losses: number[] = [];
  try {
    if (!o.dp) {
      for (let step = 0; step < o.steps; step++) {
        const batch = Array.from({ length: Math.min(o.batchPairs, pairs.length) }, (_, i) => pairs[(step * o.batchPairs + i) % pairs.length]);
        losses.push((await trainer.dpoStep(batch)).loss);
      }
      return { adapter, losses };
    }
    const sampleRate = Math.min(1, o.batchPairs / pairs.length);
    const { noiseMultiplier } = noiseMultiplierFor({ targetEpsilon: o.dp.epsilon, sampleRate, steps: o.steps, delta: o.dp.delta });
    const layout = trainer.gradientLayout();
    for (let step = 0; step < o.steps; step++) {
      const chosen = poissonSample(pairs.length, sampleRate).map((i) => pairs[i]);
      const { grads, losses: stepLosses } = await trainer.dpoPerPairGradients(chosen);
      if (stepLosses.length) losses.push(stepLosses.reduce((a, b) => a + b, 0) / stepLosses.length);
      trainer.applyGradients(privatizeBatch(grads, { clipNorm: o.dp.clipNorm, noiseMultiplier, expectedBatchSize: sampleRate * pairs.length, layout }));
    }
    const { epsilon } = dpSgdAccountant({ sampleRate, noiseMultiplier, steps: o.steps, delta: o.dp.delta });
    return { adapter, losses, privacy: { noiseMultiplier, sampleRate, steps: o.steps, epsilon, delta: o.dp.delta } };
  } finally {
    await trainer.close();
  }
}
