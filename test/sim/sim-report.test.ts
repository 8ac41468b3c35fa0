/**
 * The simulation's arithmetic: rates per interaction index, recovery detection and the chart.
 */
import { describe, expect, it } from 'vitest';
import { ratesByIndex, recoveredAt, renderSvg } from './sim-report';
import { makeUsers, rate, wantedStyle } from './sim-users';

describe('sim report', () => {
  it('computes the match share per 1-based interaction index', () => {
    const rates = ratesByIndex([{ index: 1, match: true }, { index: 1, match: false }, { index: 2, match: true }], 3);
    expect(rates[1]).toBe(0.5);
    expect(rates[2]).toBe(1);
    expect(rates[3]).toBeNaN();
  });

  it('finds where a 3-interaction mean first reaches the threshold again', () => {
    const rates = [NaN, 0.9, 0.9, 0.2, 0.5, 0.8, 0.9, 0.95, 0.9];
    expect(recoveredAt(rates, 3, 0.85)).toBe(5); // (0.8 + 0.9 + 0.95) / 3 = 0.883
    expect(recoveredAt(rates, 3, 0.99)).toBeNull();
  });

  it('draws one polyline per series and the change marker', () => {
    const svg = renderSvg([{ name: 'a', color: '#000', rates: [NaN, 0.2, 0.5, 0.9] }, { name: 'b', color: '#f00', rates: [NaN, 0.25, 0.25, 0.25] }], 2, 't');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('preference changes');
  });
});

describe('sim users', () => {
  it('spreads first preferences evenly, changes each to another style, and rates matches high', () => {
    const users = makeUsers(8, 2, 1);
    expect(users.filter((u) => u.control)).toHaveLength(2);
    expect(users.slice(0, 4).map((u) => u.first)).toEqual(['casual', 'formal', 'technical', 'creative']);
    for (const u of users) {
      expect(u.second).not.toBe(u.first);
      expect(wantedStyle(u, 29, 30)).toBe(u.first);
      expect(wantedStyle(u, 30, 30)).toBe(u.second);
      expect(rate(u, u.first, u.first)).toBeGreaterThanOrEqual(4);
      expect(rate(u, u.second, u.first)).toBeLessThanOrEqual(2);
    }
  });
});
