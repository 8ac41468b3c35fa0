/** @module training/optim/schedule.test Warmup-then-cosine learning rates at the steps that matter. */
import { describe, expect, it } from 'vitest';
import { lrAt, type CosineScheduleOptions } from './schedule';

const schedule: CosineScheduleOptions = { baseLr: 1e-3, warmupSteps: 10, totalSteps: 110 };

describe('lrAt', () => {
  // Reference values from transformers' _get_cosine_schedule_with_warmup_lr_lambda with
  // num_cycles = 0.5 and min_lr_rate = 0.1, times 1e-3.
  it.each([
    [0, 0],
    [1, 1e-4],
    [5, 5e-4],
    [9, 9e-4],
    [10, 1e-3],
    [35, 0.0008681980515339464], // a quarter into the decay: 0.1 + 0.9·½(1 + cos π/4)
    [60, 0.00055], // half-way: 0.1 + 0.9·½
    [85, 0.00023180194846605365],
    [109, 0.00010022204783542078],
    [110, 1e-4],
  ])('gives transformers\' learning rate at step %i: %s', (step, expected) => {
    expect(lrAt(step, schedule)).toBeCloseTo(expected, 15);
  });

  it('stays at the floor after totalSteps, where transformers would climb back up the cosine (4.1e-4 at step 150)', () => {
    expect(lrAt(150, schedule)).toBeCloseTo(1e-4, 15);
    expect(lrAt(10_000, schedule)).toBeCloseTo(1e-4, 15);
  });

  it('starts at the peak without warmup and decays to zero with a floor of 0', () => {
    const noWarmup = { baseLr: 2, warmupSteps: 0, totalSteps: 4, minLrRatio: 0 };
    const expected = [2, 1 + Math.SQRT1_2, 1, 1 - Math.SQRT1_2, 0]; // 2·½(1 + cos(πk/4))
    expected.forEach((lr, step) => expect(lrAt(step, noWarmup)).toBeCloseTo(lr, 15));
  });

  it('drops to the floor right after a warmup that fills the whole run', () => {
    const allWarmup = { baseLr: 1, warmupSteps: 4, totalSteps: 4, minLrRatio: 0.25 };
    expect([0, 2, 4, 5].map((step) => lrAt(step, allWarmup))).toEqual([0, 0.5, 1, 0.25]);
  });

  it('names the option or step that is out of range', () => {
    expect(() => lrAt(0, { ...schedule, baseLr: 0 })).toThrow('baseLr must be a positive finite number, got 0');
    expect(() => lrAt(0, { ...schedule, warmupSteps: 2.5 })).toThrow('warmupSteps must be a non-negative integer, got 2.5');
    expect(() => lrAt(0, { ...schedule, totalSteps: 5 })).toThrow('totalSteps must be an integer ≥ warmupSteps (10), got 5');
    expect(() => lrAt(0, { ...schedule, minLrRatio: 1.5 })).toThrow('minLrRatio must be in [0, 1], got 1.5');
    expect(() => lrAt(-1, schedule)).toThrow('step must be a non-negative integer, got -1');
  });
});
