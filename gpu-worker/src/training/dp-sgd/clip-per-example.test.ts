/** @module training/dp-sgd/clip-per-example.test Each example's contribution is bounded by C, exactly. */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import { globalL2Norm } from '../optim/clip';
import { clipPerExample } from './clip-per-example';

/** Examples over two tensors (lengths 7 and 130) with norms spread from 1e-3 to 1e4. */
function randomExamples(count: number, seed: number): Map<string, Float32Array>[] {
  const rng = createSeededRng(seed);
  return Array.from({ length: count }, () => {
    const scale = 10 ** (rng.next() * 7 - 3) / Math.sqrt(137);
    return new Map([
      ['a', Float32Array.from({ length: 7 }, () => rng.normal() * scale)],
      ['b', Float32Array.from({ length: 130 }, () => rng.normal() * scale)],
    ]);
  });
}

const norm = (grads: Map<string, Float32Array>) => globalL2Norm(grads.values());

describe('clipPerExample', () => {
  it.each([0.1, 1, 3.7])('bounds every example\'s norm across all tensors by C = %s, with no float32 excess', (clipNorm) => {
    const examples = randomExamples(500, 21);
    const before = examples.map((g) => new Map([...g].map(([name, values]) => [name, values.slice()])));
    const report = clipPerExample(examples, clipNorm);
    examples.forEach((grads, i) => {
      expect(norm(grads)).toBeLessThanOrEqual(clipNorm);
      if (report.norms[i] + 1e-6 <= clipNorm) {
        expect(grads).toEqual(before[i]); // untouched
      } else {
        const opacusNorm = (clipNorm * report.norms[i]) / (report.norms[i] + 1e-6); // C·‖g‖/(‖g‖ + 1e-6)
        expect(norm(grads) / opacusNorm).toBeCloseTo(1, 5); // within the 2⁻²⁰ of a rounding correction
        expect(grads.get('b')![5] / before[i].get('b')![5]).toBeCloseTo(norm(grads) / report.norms[i], 6); // same direction
      }
    });
    expect(report.norms).toEqual(before.map(norm));
    expect(report.clipped).toBe(report.norms.filter((n) => n + 1e-6 > clipNorm).length);
  });

  it('corrects the float32 rounding that would leave a clipped norm above C (1 + 2.4e-8 for [2e38, 3e38] at C = 1)', () => {
    const examples = [new Map([['w', new Float32Array([2e38, 3e38])]])];
    clipPerExample(examples, 1);
    expect(norm(examples[0])).toBeLessThanOrEqual(1);
    expect(norm(examples[0])).toBeCloseTo(1, 5);
  });

  it('zeroes an example holding NaN or ∞ and reports it, leaving the others as they were', () => {
    const examples = [
      new Map([['w', new Float32Array([0.3, 0.4])]]),
      new Map([['w', new Float32Array([Number.NaN, 1])]]),
      new Map([['w', new Float32Array([Number.POSITIVE_INFINITY, 1])]]),
      new Map([['w', new Float32Array([30, 40])]]),
    ];
    const report = clipPerExample(examples, 1);
    expect(report.zeroed).toEqual([1, 2]);
    expect(report.clipped).toBe(1);
    expect(report.norms[0]).toBeCloseTo(0.5, 7);
    expect(report.norms[3]).toBe(50);
    expect([...examples[1].get('w')!, ...examples[2].get('w')!]).toEqual([0, 0, 0, 0]);
    expect([...examples[0].get('w')!]).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    expect(examples[3].get('w')![0]).toBeCloseTo(0.6, 6);
  });

  it('names the example and tensor that do not match the layout', () => {
    const good = () => new Map([['a', new Float32Array(2)], ['b', new Float32Array(3)]]);
    expect(() => clipPerExample([good(), new Map([['a', new Float32Array(2)]])], 1)).toThrow('example 1 has no gradient for b');
    expect(() => clipPerExample([good(), new Map([['a', new Float32Array(2)], ['b', new Float32Array(4)]])], 1)).toThrow('example 1: gradient b has 4 elements, expected 3');
    expect(() => clipPerExample([good(), new Map([...good(), ['c', new Float32Array(1)]])], 1)).toThrow('example 1 has a gradient for c, which the layout does not name');
    expect(() => clipPerExample([good()], 0)).toThrow('clipNorm must be a positive finite number, got 0');
  });
});
