/** @module edge/metrics/personalization-metrics.test Nearest-rank percentiles of adaptation-time samples. */
import { describe, expect, it } from 'vitest';
import { percentile } from './personalization-metrics';

describe('percentile', () => {
  it('follows the nearest-rank definition', () => {
    const sorted = [15, 20, 35, 40, 50];
    expect(percentile(sorted, 5)).toBe(15);
    expect(percentile(sorted, 30)).toBe(20);
    expect(percentile(sorted, 40)).toBe(20);
    expect(percentile(sorted, 50)).toBe(35);
    expect(percentile(sorted, 100)).toBe(50);
  });

  it('gives p50, p90 and p99 of 1..1000 as 500, 900 and 990, and null without samples', () => {
    const sorted = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect([50, 90, 99].map((p) => percentile(sorted, p))).toEqual([500, 900, 990]);
    expect(percentile([], 50)).toBeNull();
  });

  it('refuses p outside (0, 100] with a RangeError naming it', () => {
    expect(() => percentile([1], 0)).toThrow('p must be in (0, 100], got 0');
  });
});
