/**
 * @module training/dp-sgd/dp-sgd-training.test
 * The DP-SGD pieces and the optimizer together on a problem with a known answer: linear regression
 * trained privately recovers the true weights, and the run's ε is what the ledger is charged.
 */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import { spentEpsilon } from '../../../../shared/privacy/ledger/budget-ledger';
import { createAdamW } from '../optim/adamw';
import { lrAt } from '../optim/schedule';
import { dpSgdAccountant, dpSgdLedgerCharge } from './accountant';
import { poissonSample } from './poisson-sample';
import { privatizeBatch } from './privatize-batch';
import { seededSecureRandom } from './seeded-secure-random.test-fixture';

describe('DP-SGD with AdamW', () => {
  it('recovers the weights of a linear regression from 2000 examples at σ = 2, q = 0.05, 300 steps', () => {
    const trueWeights = [1, -2, 0.5, 3];
    const data = createSeededRng(41);
    const examples = Array.from({ length: 2000 }, () => {
      const x = trueWeights.map(() => data.normal());
      return { x, y: x.reduce((sum, xi, i) => sum + xi * trueWeights[i], 0) + 0.1 * data.normal() };
    });
    const run = { sampleRate: 0.05, noiseMultiplier: 2, steps: 300 };
    const expectedBatchSize = run.sampleRate * examples.length; // 100
    const schedule = { baseLr: 0.1, warmupSteps: 10, totalSteps: run.steps };
    const params = new Map([['w', new Float32Array(4)]]);
    const optimizer = createAdamW(params, { lr: schedule.baseLr, weightDecay: 0 });
    const random = seededSecureRandom(42);
    const layout = new Map([['w', 4]]);
    const w = params.get('w')!;

    for (let step = 0; step < run.steps; step++) {
      const batch = poissonSample(examples.length, run.sampleRate, random);
      const perExample = batch.map((index) => {
        const { x, y } = examples[index];
        const residual = x.reduce((sum, xi, i) => sum + xi * w[i], 0) - y; // ∂½(w·x − y)²/∂w = (w·x − y)x
        return new Map([['w', Float32Array.from(x, (xi) => residual * xi)]]);
      });
      const grads = privatizeBatch(perExample, { clipNorm: 1, noiseMultiplier: run.noiseMultiplier, expectedBatchSize, layout, random });
      optimizer.step(grads, lrAt(step, schedule));
    }

    trueWeights.forEach((weight, i) => expect(Math.abs(w[i] - weight)).toBeLessThan(0.05)); // 0.014 here; at most 0.016 over seeds 42–49
    const epsilon = dpSgdAccountant({ ...run, delta: 1e-6 }).epsilon;
    expect(epsilon).toBeCloseTo(2.3871, 4);
    expect(spentEpsilon([dpSgdLedgerCharge(run)], 1e-6)).toBe(epsilon);
  });
});
