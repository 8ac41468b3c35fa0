/**
 * @module training/optim/schedule
 * Learning rate by step: linear warmup from 0, then half a cosine down to a floor. The same factor
 * as Hugging Face transformers' `get_cosine_with_min_lr_schedule_with_warmup` (`min_lr_rate`, one
 * half-cycle; `optimization.py`, `_get_cosine_schedule_with_warmup_lr_lambda`), itself
 * SGDR's cosine annealing (Loshchilov & Hutter 2017) with a warmup:
 *
 *   step < W:  lr = base · step / W
 *   else:      lr = base · (r + (1 − r) · ½(1 + cos(π · p))),   p = (step − W) / (T − W)
 *
 * Unlike transformers, p is capped at 1, so steps past `totalSteps` stay at the floor instead of
 * climbing back up the cosine. As there, step 0 of a warmup has lr = 0.
 */

/** A warmup-then-cosine schedule; plain data, so a checkpoint can store it as JSON. */
export interface CosineScheduleOptions {
  /** Peak learning rate, reached at the end of warmup; > 0. */
  baseLr: number;
  /** Steps of linear warmup from 0 to `baseLr`; an integer ≥ 0. */
  warmupSteps: number;
  /** Total optimizer steps; the cosine reaches the floor here. An integer ≥ `warmupSteps`. */
  totalSteps: number;
  /** The floor as a fraction of `baseLr`, in [0, 1]. @default 0.1 */
  minLrRatio?: number;
}

/**
 * Throws unless `options` describe a valid schedule (used by {@link lrAt} and by checkpoint loading).
 * @throws RangeError naming the option
 */
export function assertCosineSchedule(options: CosineScheduleOptions): void {
  const { baseLr, warmupSteps, totalSteps, minLrRatio = 0.1 } = options;
  if (!(baseLr > 0) || !Number.isFinite(baseLr)) throw new RangeError(`baseLr must be a positive finite number, got ${baseLr}`);
  if (!Number.isSafeInteger(warmupSteps) || warmupSteps < 0) throw new RangeError(`warmupSteps must be a non-negative integer, got ${warmupSteps}`);
  if (!Number.isSafeInteger(totalSteps) || totalSteps < warmupSteps) {
    throw new RangeError(`totalSteps must be an integer ≥ warmupSteps (${warmupSteps}), got ${totalSteps}`);
  }
  if (!(minLrRatio >= 0 && minLrRatio <= 1)) throw new RangeError(`minLrRatio must be in [0, 1], got ${minLrRatio}`);
}

/**
 * The learning rate for the update at `step` (0-based: the number of updates already taken).
 *
 * @throws RangeError when `step` is not a non-negative integer or an option is out of range
 * @example
 * const schedule = { baseLr: 2e-4, warmupSteps: 10, totalSteps: 200 };
 * optimizer.step(grads, lrAt(optimizer.stepCount, schedule));
 */
export function lrAt(step: number, options: CosineScheduleOptions): number {
  assertCosineSchedule(options);
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
  const { baseLr, warmupSteps, totalSteps, minLrRatio = 0.1 } = options;
  if (step < warmupSteps) return (baseLr * step) / warmupSteps;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return baseLr * (minLrRatio + (1 - minLrRatio) * cosine);
}
