/**
 * @module shared/jobs/train-adapter-plan.test
 * The private-run plan: step split, sample rates, the composed charge and the noise search.
 */
import { describe, expect, it } from 'vitest';
import { curveEpsilon, subsampledGaussianCurve } from '../privacy/dp/composition';
import { noiseForPrivateTraining, privatePhases, privateTrainingCharge, privateTrainingEpsilon, splitSteps } from './train-adapter-plan';

describe('splitSteps', () => {
  it('splits by example counts and keeps one step for a non-empty phase', () => {
    expect(splitSteps(50, 8, 0)).toEqual({ sft: 50, dpo: 0 });
    expect(splitSteps(50, 0, 4)).toEqual({ sft: 0, dpo: 50 });
    expect(splitSteps(50, 6, 2)).toEqual({ sft: 38, dpo: 12 }); // round(37.5) = 38
    expect(splitSteps(2, 100, 1)).toEqual({ sft: 1, dpo: 1 });
  });
});

describe('private training plan', () => {
  it('gives each phase q = batch / examples, capped at 1', () => {
    expect(privatePhases(40, 32, 4)).toEqual([
      { phase: 'sft', examples: 32, sampleRate: 0.25, steps: 36 },
      { phase: 'dpo', examples: 4, sampleRate: 1, steps: 4 },
    ]);
  });

  it('charges the composition of the phases (RDP adds per order)', () => {
    const phases = privatePhases(40, 32, 16);
    const charge = privateTrainingCharge(phases, 3);
    const a = subsampledGaussianCurve({ sampleRate: 0.25, noiseMultiplier: 3, steps: phases[0].steps });
    const b = subsampledGaussianCurve({ sampleRate: 0.5, noiseMultiplier: 3, steps: phases[1].steps });
    charge.rdp.epsilons.forEach((e, i) => expect(e).toBeCloseTo(a.epsilons[i] + b.epsilons[i], 10));
    expect(charge.params).toEqual({ noise_multiplier: 3, sft_sample_rate: 0.25, sft_steps: 27, dpo_sample_rate: 0.5, dpo_steps: 13 });
    // A single phase is exactly the DP-SGD accountant's curve.
    const single = privatePhases(40, 0, 32);
    expect(privateTrainingEpsilon(single, 3, 1e-6)).toBeCloseTo(curveEpsilon(subsampledGaussianCurve({ sampleRate: 0.25, noiseMultiplier: 3, steps: 40 }), 1e-6).epsilon, 10);
  });

  it('finds the smallest σ (within 1%) that keeps the run within the target ε', () => {
    const phases = privatePhases(40, 0, 32);
    const sigma = noiseForPrivateTraining(phases, 1, 1e-6);
    expect(privateTrainingEpsilon(phases, sigma, 1e-6)).toBeLessThanOrEqual(1);
    expect(privateTrainingEpsilon(phases, sigma / 1.02, 1e-6)).toBeGreaterThan(1);
    expect(sigma).toBeGreaterThan(2);
    expect(sigma).toBeLessThan(20);
  });

  it('names the bad argument', () => {
    expect(() => noiseForPrivateTraining(privatePhases(10, 8, 0), 0, 1e-6)).toThrow(/epsilon/);
    expect(() => noiseForPrivateTraining(privatePhases(10, 8, 0), 1, 1)).toThrow(/delta/);
  });
});
