/**
 * @module shared/jobs/train-adapter-plan
 * How a `train-adapter` job's steps are spent, shared by the edge (which charges a private run to
 * the user's ledger before queueing it) and the worker (which runs exactly that plan): steps split
 * between SFT and DPO by their numbers of examples, and, in private mode, each phase's Poisson
 * sample rate and the noise multiplier σ that keeps the composed run within a target ε.
 */
import { composeRdp, curveEpsilon, subsampledGaussianCurve } from '../privacy/dp/composition';
import type { LedgerCharge } from '../privacy/ledger/budget-ledger';

/** Examples (or pairs) per step; under DP-SGD the expected batch size. */
export const TRAIN_BATCH_SIZE = 8;

/** The two phases of a run, in order. */
export type TrainingPhase = 'sft' | 'dpo';

/** Steps of each phase: proportional to its examples, at least one for a non-empty phase while steps allow. */
export function splitSteps(steps: number, sftCount: number, dpoCount: number): { sft: number; dpo: number } {
  if (dpoCount === 0) return { sft: steps, dpo: 0 };
  if (sftCount === 0) return { sft: 0, dpo: steps };
  const sft = Math.min(Math.max(1, Math.round((steps * sftCount) / (sftCount + dpoCount))), Math.max(1, steps - 1));
  return { sft, dpo: steps - sft };
}

/** One phase of a private run. */
export interface PrivatePhase {
  phase: TrainingPhase;
  /** Examples (SFT) or pairs (DPO) the phase samples from. */
  examples: number;
  /** q: each example's probability of joining a step's batch. */
  sampleRate: number;
  steps: number;
}

/** The phases of a private run over `sftCount` examples and `dpoCount` pairs. */
export function privatePhases(steps: number, sftCount: number, dpoCount: number, batchSize = TRAIN_BATCH_SIZE): PrivatePhase[] {
  const split = splitSteps(steps, sftCount, dpoCount);
  const phases: PrivatePhase[] = [];
  if (split.sft > 0 && sftCount > 0) phases.push({ phase: 'sft', examples: sftCount, sampleRate: Math.min(1, batchSize / sftCount), steps: split.sft });
  if (split.dpo > 0 && dpoCount > 0) phases.push({ phase: 'dpo', examples: dpoCount, sampleRate: Math.min(1, batchSize / dpoCount), steps: split.dpo });
  return phases;
}

/**
 * The ledger charge of a private run: the phases' subsampled-Gaussian RDP curves composed.
 * (The unit of privacy is one example or one pair; a user's example sits in one phase only.)
 */
export function privateTrainingCharge(phases: readonly PrivatePhase[], noiseMultiplier: number): LedgerCharge {
  const rdp = composeRdp(phases.map((p) => subsampledGaussianCurve({ sampleRate: p.sampleRate, noiseMultiplier, steps: p.steps })));
  return {
    kind: 'dp_sgd',
    mechanism: 'subsampled_gaussian',
    params: Object.fromEntries([
      ['noise_multiplier', noiseMultiplier],
      ...phases.flatMap((p) => [[`${p.phase}_sample_rate`, p.sampleRate], [`${p.phase}_steps`, p.steps]]),
    ]),
    pureEpsilon: null,
    rdp,
  };
}

/** ε of a private run at `delta`. */
export function privateTrainingEpsilon(phases: readonly PrivatePhase[], noiseMultiplier: number, delta: number): number {
  return curveEpsilon(privateTrainingCharge(phases, noiseMultiplier).rdp, delta).epsilon;
}

/**
 * The smallest σ (within 1%) whose composed run stays within `epsilon` at `delta`, by bisection.
 * @throws RangeError when epsilon or delta is out of range, or no σ ≤ 1000 reaches the target
 */
export function noiseForPrivateTraining(phases: readonly PrivatePhase[], epsilon: number, delta: number): number {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`epsilon must be a positive finite number, got ${epsilon}`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
  let hi = 1;
  while (privateTrainingEpsilon(phases, hi, delta) > epsilon) {
    hi *= 2;
    if (hi > 1000) throw new RangeError(`no noise multiplier up to 1000 keeps this run within ε = ${epsilon}`);
  }
  let lo = hi / 2;
  if (privateTrainingEpsilon(phases, lo, delta) <= epsilon) return lo;
  while (hi / lo > 1.01) {
    const mid = (lo + hi) / 2;
    if (privateTrainingEpsilon(phases, mid, delta) > epsilon) lo = mid;
    else hi = mid;
  }
  return hi;
}
