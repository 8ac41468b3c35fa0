/**
 * @module gpu-worker/worker/adapter-training-run
 * One training run of a `train-adapter` job on ONNX Runtime: SFT steps on the supervised
 * examples, then DPO steps on the preference pairs, each over round-robin minibatches that
 * cycle through the examples; the adapter's weights are updated in place. The run reports
 * whether the result must be discarded: a non-finite loss or gradient (the trainer refuses the
 * step), or divergence — the mean of a phase's last 5 losses above twice its first loss.
 */
import type { LoraAdapter } from '../adapters/adapter';
import type { LlamaConfig } from '../compiler/llama-config';
import type { WeightSource } from '../compiler/weights';
import { privatePhases, splitSteps, TRAIN_BATCH_SIZE, type TrainingPhase } from '../../../shared/jobs/train-adapter-plan';
import { poissonSample, privatizeBatch } from '../training/dp-sgd';
import { LoraTrainer, type PreferencePair } from '../training/lora-trainer';
import type { LabelledSequence } from '../training/training-batch';

/** Token sequences to train on. */
export interface TrainingExamples {
  sft: LabelledSequence[];
  preferences: PreferencePair[];
}

/** Options of {@link runAdapterTraining}. */
export interface TrainingRunOptions {
  /** Optimizer steps in all, split between SFT and DPO by their numbers of examples. */
  steps: number;
  /** AdamW learning rate. */
  lr: number;
  /** Most examples (or pairs) in one step. @default 8 */
  batchSize?: number;
  /** DPO's β. @default 0.1 */
  dpoBeta?: number;
  /** Stops the run between steps; the run then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Private mode (DP-SGD): each phase samples examples with probability q = batch / examples
   * (`privatePhases`), clips each example's gradient to `clipNorm` and adds N(0, σ²C²) noise.
   * The run's ε was charged before the job was queued; this runs exactly that plan.
   */
  dp?: { noiseMultiplier: number; clipNorm: number };
  /** Called after every step (for progress logs: numbers only). */
  onStep?: (phase: TrainingPhase, step: number, loss: number) => void;
}

export type { TrainingPhase };
export { splitSteps };

/** Outcome of a run. */
export interface TrainingRunResult {
  /** Steps with a loss (fewer than asked when a step failed, or when a private step sampled nothing). */
  steps: number;
  /** Loss of every step, in order. */
  losses: { phase: TrainingPhase; loss: number }[];
  /** Why the adapter must be discarded, or null when it may be saved. */
  discard: string | null;
}

/** The `step`-th round-robin minibatch: up to `size` consecutive examples, wrapping around. */
export function minibatch<T>(examples: T[], step: number, size: number): T[] {
  const count = Math.min(size, examples.length);
  return Array.from({ length: count }, (_, i) => examples[(step * count + i) % examples.length]);
}

/** True when the mean of the last 5 losses exceeds twice the first (fewer than 5: all of them). */
export function diverged(losses: number[]): boolean {
  if (losses.length === 0) return false;
  const tail = losses.slice(-5);
  return tail.reduce((a, b) => a + b, 0) / tail.length > 2 * losses[0];
}

const NON_FINITE = /non-finite/;

/**
 * Trains `adapter` in place on `examples`.
 *
 * @throws the signal's reason when aborted; errors of ONNX Runtime other than a refused
 *   non-finite step (those are reported as `discard`)
 * @example
 * const run = await runAdapterTraining(cfg, weights, adapter, { sft, preferences: [] }, { steps: 30, lr: 5e-3 });
 * if (!run.discard) await store.save(owner, adapter);
 */
export async function runAdapterTraining(
  cfg: LlamaConfig,
  weights: WeightSource,
  adapter: LoraAdapter,
  examples: TrainingExamples,
  options: TrainingRunOptions,
): Promise<TrainingRunResult> {
  const batchSize = options.batchSize ?? TRAIN_BATCH_SIZE;
  const plan = splitSteps(options.steps, examples.sft.length, examples.preferences.length);
  const dp = options.dp;
  const phaseRates = new Map(dp ? privatePhases(options.steps, examples.sft.length, examples.preferences.length, batchSize).map((p) => [p.phase, p.sampleRate]) : []);
  const losses: TrainingRunResult['losses'] = [];
  for (const phase of ['sft', 'dpo'] as const) {
    const count = plan[phase];
    if (count === 0) continue;
    const trainer = await LoraTrainer.create(cfg, weights, adapter, { objective: phase, lr: options.lr, dpoBeta: options.dpoBeta });
    const phaseLosses: number[] = [];
    try {
      for (let step = 0; step < count; step++) {
        options.signal?.throwIfAborted();
        let loss: number;
        try {
          if (dp) {
            loss = await privateStep(trainer, phase, examples, phaseRates.get(phase)!, dp);
          } else {
            loss = phase === 'sft'
              ? (await trainer.sftStep(minibatch(examples.sft, step, batchSize))).loss
              : (await trainer.dpoStep(minibatch(examples.preferences, step, batchSize))).loss;
          }
        } catch (error) {
          if (error instanceof Error && NON_FINITE.test(error.message)) {
            return { steps: losses.length, losses, discard: `${phase} step ${step + 1}: ${error.message}` };
          }
          throw error;
        }
        if (Number.isNaN(loss)) continue; // a private step whose Poisson sample was empty: noise only, no loss
        phaseLosses.push(loss);
        losses.push({ phase, loss });
        options.onStep?.(phase, step, loss);
      }
    } finally {
      await trainer.close();
    }
    if (diverged(phaseLosses)) {
      const tail = phaseLosses.slice(-5);
      const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
      return { steps: losses.length, losses, discard: `${phase} diverged: mean of the last ${tail.length} losses ${mean.toPrecision(4)} > 2 × first loss ${phaseLosses[0].toPrecision(4)}` };
    }
  }
  return { steps: losses.length, losses, discard: null };
}

/**
 * One DP-SGD step: a Poisson sample of the phase's examples, their per-example gradients clipped
 * and noised (an empty sample still releases noise). Returns the sample's mean loss (NaN when empty:
 * such a step has no loss to report).
 */
async function privateStep(
  trainer: LoraTrainer,
  phase: TrainingPhase,
  examples: TrainingExamples,
  sampleRate: number,
  dp: { noiseMultiplier: number; clipNorm: number },
): Promise<number> {
  const pool = phase === 'sft' ? examples.sft.length : examples.preferences.length;
  const picked = poissonSample(pool, sampleRate);
  const { grads, losses } = phase === 'sft'
    ? await trainer.sftPerExampleGradients(picked.map((i) => examples.sft[i]))
    : await trainer.dpoPerPairGradients(picked.map((i) => examples.preferences[i]));
  trainer.applyGradients(privatizeBatch(grads, { clipNorm: dp.clipNorm, noiseMultiplier: dp.noiseMultiplier, expectedBatchSize: sampleRate * pool, layout: trainer.gradientLayout() }));
  return losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : Number.NaN;
}
