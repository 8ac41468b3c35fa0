/** @module training/optim/clip.test Global gradient-norm clipping and the non-finite check. */
import { describe, expect, it } from 'vitest';
import { clipGradNorm, globalL2Norm, hasNonFinite } from './clip';

const grads = () => new Map([['a', new Float32Array([3, 0])], ['b', new Float32Array([4])]]); // global norm 5

describe('clipGradNorm', () => {
  it('returns the norm before clipping and scales every tensor by maxNorm / (norm + 1e-6), as PyTorch', () => {
    const g = grads();
    expect(clipGradNorm(g, 1)).toBe(5);
    const coefficient = 1 / (5 + 1e-6);
    expect(g.get('a')![0]).toBeCloseTo(3 * coefficient, 7); // 0.6
    expect(g.get('b')![0]).toBeCloseTo(4 * coefficient, 7); // 0.8
    expect(globalL2Norm(g.values())).toBeLessThanOrEqual(1);
    expect(globalL2Norm(g.values())).toBeCloseTo(1, 6);
  });

  it('leaves gradients alone when their norm is already below the limit', () => {
    const g = grads();
    expect(clipGradNorm(g, 10)).toBe(5);
    expect([...g.get('a')!, ...g.get('b')!]).toEqual([3, 0, 4]);
  });

  it('reports a non-finite norm and leaves the gradients unchanged for the caller to skip the step', () => {
    const g = new Map([['a', new Float32Array([Number.POSITIVE_INFINITY, 1])]]);
    expect(clipGradNorm(g, 1)).toBe(Number.POSITIVE_INFINITY);
    expect([...g.get('a')!]).toEqual([Number.POSITIVE_INFINITY, 1]);
  });

  it('sums squares in double precision, so float32-overflowing norms stay finite', () => {
    const g = new Map([['a', new Float32Array([2e38, 3e38])]]); // norm √13·1e38 > float32's 3.4e38
    expect(clipGradNorm(g, 1) / (Math.sqrt(13) * 1e38)).toBeCloseTo(1, 6);
    // To float32 precision: here rounding leaves the norm at 1 + 2.4e-8 (DP's per-example clipping corrects that; this need not).
    expect(globalL2Norm(g.values())).toBeCloseTo(1, 6);
  });

  it('names maxNorm when it is not positive', () => {
    expect(() => clipGradNorm(grads(), 0)).toThrow('maxNorm must be a positive finite number, got 0');
  });
});

describe('hasNonFinite', () => {
  it('finds NaN, +∞ and −∞ in any tensor and nothing in finite gradients', () => {
    expect(hasNonFinite(grads())).toBe(false);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const g = grads();
      g.get('b')![0] = bad;
      expect(hasNonFinite(g)).toBe(true);
    }
  });
});
