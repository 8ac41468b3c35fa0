/**
 * @module gpu-worker/worker/adapter-training-run tests: how a job's steps are split between SFT
 * and DPO, the round-robin minibatches, and the divergence rule.
 */
import { describe, expect, it } from 'vitest';
import { diverged, minibatch, splitSteps } from './adapter-training-run';

describe('splitSteps', () => {
  it('gives every step to the only non-empty phase', () => {
    expect(splitSteps(50, 3, 0)).toEqual({ sft: 50, dpo: 0 });
    expect(splitSteps(50, 0, 2)).toEqual({ sft: 0, dpo: 50 });
  });

  it('splits by the numbers of examples, at least one step each while steps allow', () => {
    expect(splitSteps(20, 2, 2)).toEqual({ sft: 10, dpo: 10 });
    expect(splitSteps(50, 1, 4)).toEqual({ sft: 10, dpo: 40 });
    expect(splitSteps(10, 64, 1)).toEqual({ sft: 9, dpo: 1 });
    expect(splitSteps(10, 1, 64)).toEqual({ sft: 1, dpo: 9 });
    expect(splitSteps(1, 1, 1)).toEqual({ sft: 1, dpo: 0 });
  });
});

describe('minibatch', () => {
  it('takes every example each step when there are at most eight', () => {
    expect(minibatch(['a', 'b'], 0, 8)).toEqual(['a', 'b']);
    expect(minibatch(['a', 'b'], 7, 8)).toEqual(['a', 'b']);
  });

  it('cycles through more than eight examples in consecutive batches of eight', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(minibatch(ten, 0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(minibatch(ten, 1, 8)).toEqual([8, 9, 0, 1, 2, 3, 4, 5]);
    expect(minibatch(ten, 5, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // 40 examples later: back to the start
  });
});

describe('diverged', () => {
  it('is true only when the mean of the last five losses exceeds twice the first', () => {
    expect(diverged([1, 0.9, 0.8, 0.7, 0.6, 0.5])).toBe(false);
    expect(diverged([1, 3, 3, 3, 3, 3])).toBe(true);
    expect(diverged([1, 5, 1, 1, 1, 1, 1])).toBe(false); // an early spike outside the last five is forgiven
    expect(diverged([1, 2.1, 2.1, 1.9, 2.1, 2.1])).toBe(true); // mean 2.06 > 2
    expect(diverged([2, 5])).toBe(false); // fewer than five: the mean of all, 3.5 < 4
    expect(diverged([])).toBe(false);
  });
});
