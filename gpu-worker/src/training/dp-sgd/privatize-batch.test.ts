/** @module training/dp-sgd/privatize-batch.test The noisy mean gradient: its signal and its noise. */
import { describe, expect, it } from 'vitest';
import { privatizeBatch } from './privatize-batch';
import { seededSecureRandom } from './seeded-secure-random.test-fixture';

/** Three examples over tensors a [100] and b [150]; the third (norm √250 ≈ 15.8) is clipped at C = 1. */
function batch(): Map<string, Float32Array>[] {
  const example = (a: number, b: number) => new Map([['a', new Float32Array(100).fill(a)], ['b', new Float32Array(150).fill(b)]]);
  return [example(0.01, 0.01), example(-0.02, 0.03), example(1, 1)];
}
const clippedThird = 1 / (Math.sqrt(250) + 1e-6); // Opacus's factor C/(‖g‖ + 1e-6) on entries of 1
/** (Σ clipped) per tensor, before noise. */
const signal = { a: 0.01 - 0.02 + clippedThird, b: 0.01 + 0.03 + clippedThird };

/** Sample mean, standard deviation and share within one `scale` of zero. */
function describeSample(values: number[], scale: number) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  const withinOne = values.filter((v) => Math.abs(v) < scale).length / values.length;
  return { mean, sd, withinOne };
}

describe('privatizeBatch', () => {
  it('returns (Σ clipped examples) / expectedBatchSize when the noise is negligible, dividing by 4 though 3 were drawn', () => {
    const out = privatizeBatch(batch(), { clipNorm: 1, noiseMultiplier: 1e-12, expectedBatchSize: 4 });
    expect([...out.keys()]).toEqual(['a', 'b']);
    expect(out.get('a')!.length).toBe(100);
    expect(out.get('a')![17]).toBeCloseTo(signal.a / 4, 7); // 0.013312
    expect(out.get('b')![149]).toBeCloseTo(signal.b / 4, 7); // 0.025812
  });

  it('adds noise of standard deviation σC/B to every coordinate: 1.3·1/4 = 0.325 within 4 standard errors over 50 000 draws', () => {
    const sigma = 1.3;
    const expectedBatchSize = 4;
    const std = (sigma * 1) / expectedBatchSize;
    const random = seededSecureRandom(31);
    const residuals: number[] = [];
    for (let call = 0; call < 200; call++) {
      const out = privatizeBatch(batch(), { clipNorm: 1, noiseMultiplier: sigma, expectedBatchSize, random });
      for (const value of out.get('a')!) residuals.push(value - signal.a / expectedBatchSize);
      for (const value of out.get('b')!) residuals.push(value - signal.b / expectedBatchSize);
    }
    const n = residuals.length; // 50 000
    const { mean, sd, withinOne } = describeSample(residuals, std);
    expect(Math.abs(mean)).toBeLessThan((4 * std) / Math.sqrt(n)); // 0.0058
    expect(Math.abs(sd / std - 1)).toBeLessThan(4 / Math.sqrt(2 * n)); // 1.3 %
    expect(Math.abs(withinOne - 0.6826895)).toBeLessThan(4 * Math.sqrt((0.6826895 * 0.3173105) / n)); // Gaussian shape
  });

  it('releases pure noise of the layout\'s shapes for an empty batch', () => {
    const layout = new Map([['a', 3], ['b', 20_000]]);
    const out = privatizeBatch([], { clipNorm: 2, noiseMultiplier: 0.5, expectedBatchSize: 10, layout, random: seededSecureRandom(32) });
    expect(out.get('a')!.length).toBe(3);
    const { sd } = describeSample([...out.get('b')!], 0.1);
    expect(Math.abs(sd / 0.1 - 1)).toBeLessThan(4 / Math.sqrt(2 * 20_000)); // σC/B = 0.5·2/10
  });

  it('draws its noise from WebCrypto by default, so the same batch gives different gradients', () => {
    const options = { clipNorm: 1, noiseMultiplier: 1, expectedBatchSize: 2 };
    const first = privatizeBatch(batch(), options).get('b')!;
    const second = privatizeBatch(batch(), options).get('b')!;
    expect([...first]).not.toEqual([...second]);
    const { sd } = describeSample([...first].map((v) => v - signal.b / 2), 0.5);
    expect(Math.abs(sd / 0.5 - 1)).toBeLessThan(8 / Math.sqrt(2 * 150));
  });

  it('names the option that is out of range, and asks for a layout when the batch is empty', () => {
    const ok = { clipNorm: 1, noiseMultiplier: 1, expectedBatchSize: 4 };
    expect(() => privatizeBatch(batch(), { ...ok, noiseMultiplier: 0 })).toThrow('noiseMultiplier must be a positive finite number, got 0');
    expect(() => privatizeBatch(batch(), { ...ok, clipNorm: Number.POSITIVE_INFINITY })).toThrow('clipNorm must be a positive finite number, got Infinity');
    expect(() => privatizeBatch(batch(), { ...ok, expectedBatchSize: -4 })).toThrow('expectedBatchSize must be a positive finite number, got -4');
    expect(() => privatizeBatch([], ok)).toThrow('an empty batch needs options.layout');
    expect(() => privatizeBatch(batch(), { ...ok, layout: new Map([['a', 100]]) })).toThrow('example 0 has a gradient for b, which the layout does not name');
  });
});
