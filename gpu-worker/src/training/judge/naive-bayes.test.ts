/**
 * @module gpu-worker/training/judge/naive-bayes tests: smoothing, scoring and calibration on
 * a toy problem whose numbers can be checked by hand.
 */
import { describe, expect, it } from 'vitest';
import { featureIndex, fitTemperature, logScores, softmax, trainNaiveBayes, type LabelledBag } from './naive-bayes';

const bag = (...words: string[]) => new Map(words.map((w) => [w, 1] as [string, number]));

describe('naive Bayes', () => {
  it('stores Laplace-smoothed log-likelihoods and add-one priors', () => {
    const model = trainNaiveBayes(['a', 'b'], [
      { bag: bag('x', 'y'), label: 'a' },
      { bag: bag('x'), label: 'a' },
      { bag: bag('y'), label: 'b' },
    ], { minCount: 1, decimals: 6 });
    expect(model.features).toEqual(['x', 'y']);
    // label a: x 2, y 1, total 3 → (2+1)/(3+2), (1+1)/(3+2); label b: x 0, y 1 → 1/3, 2/3.
    expect(model.logLikelihoods[0]).toEqual([Math.log(3 / 5), Math.log(2 / 5)].map((v) => Math.round(v * 1e6) / 1e6));
    expect(model.logLikelihoods[1]).toEqual([Math.log(1 / 3), Math.log(2 / 3)].map((v) => Math.round(v * 1e6) / 1e6));
    expect(model.logPriors).toEqual([Math.log(3 / 5), Math.log(2 / 5)].map((v) => Math.round(v * 1e6) / 1e6));
  });

  it('keeps only the most frequent features and skips unknown ones when scoring', () => {
    const model = trainNaiveBayes(['a', 'b'], [{ bag: bag('x', 'y', 'z'), label: 'a' }, { bag: bag('x', 'y'), label: 'b' }], { minCount: 2, maxFeatures: 1 });
    expect(model.features).toEqual(['x']);
    expect(logScores(model, featureIndex(model), bag('unseen'))).toEqual(model.logPriors);
  });

  it('turns scores into probabilities that sum to one and flatten as the temperature rises', () => {
    const p1 = softmax([0, -2]);
    const p10 = softmax([0, -2], 10);
    expect(p1[0] + p1[1]).toBeCloseTo(1, 12);
    expect(p1[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(p10[0]).toBeLessThan(p1[0]);
  });

  it('fits the temperature with the least log-loss, above one when the raw posterior is overconfident', () => {
    // Two noisy classes: each document carries one word of its own class and one of the other.
    const data: LabelledBag[] = [];
    for (let i = 0; i < 40; i++) {
      data.push({ bag: new Map([['x', 6], ['y', i % 3 === 0 ? 7 : 1]]), label: 'a' });
      data.push({ bag: new Map([['y', 6], ['x', i % 3 === 0 ? 7 : 1]]), label: 'b' });
    }
    const model = trainNaiveBayes(['a', 'b'], data, { minCount: 1 });
    const index = featureIndex(model);
    const logLoss = (t: number) =>
      data.reduce((sum, d) => sum - Math.log(softmax(logScores(model, index, d.bag), t)[model.labels.indexOf(d.label)]), 0) / data.length;
    const t = fitTemperature(model, data);
    expect(t).toBeGreaterThan(1.1);
    expect(logLoss(t)).toBeLessThan(logLoss(1));
    expect(logLoss(t)).toBeLessThanOrEqual(logLoss(t * 1.1));
    expect(logLoss(t)).toBeLessThanOrEqual(logLoss(t / 1.1));
  });

  it('rejects an unknown label and an empty training set', () => {
    expect(() => trainNaiveBayes(['a'], [{ bag: bag('x'), label: 'z' }], { minCount: 1 })).toThrow('unknown label "z"');
    expect(() => trainNaiveBayes(['a'], [])).toThrow('naive Bayes needs at least one example');
  });
});
