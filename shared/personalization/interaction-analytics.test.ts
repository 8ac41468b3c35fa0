/** @module shared/personalization/interaction-analytics.test Counting requests and ratings, engagement levels, local hours. */
import { describe, expect, it } from 'vitest';
import { createAnalytics, engagementLevel, localHour, MAX_COUNTRIES, mostCommonDomain, recentInteractions, recordFeedback, recordInteraction, type InteractionAnalytics } from './interaction-analytics';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);

function requests(a: InteractionAnalytics, n: number, at: number, domain: 'code' | 'writing' = 'code'): InteractionAnalytics {
  for (let i = 0; i < n; i++) a = recordInteraction(a, { now: at, hour: 9, domain, country: 'GB' });
  return a;
}

describe('recordInteraction', () => {
  it('counts requests by domain, hour and country, and keeps first and last seen, without changing its input', () => {
    const before = createAnalytics();
    let a = recordInteraction(before, { now: NOW, hour: 14, domain: 'code', country: 'DE' });
    a = recordInteraction(a, { now: NOW + 1000, hour: 14, domain: 'writing', country: null });
    expect(before.interactions).toBe(0);
    expect(a.interactions).toBe(2);
    expect(a.domains).toEqual({ code: 1, writing: 1 });
    expect(a.hours[14]).toBe(2);
    expect(a.hours.reduce((x, y) => x + y, 0)).toBe(2);
    expect(a.countries).toEqual({ DE: 1 });
    expect(a.firstSeen).toBe(NOW);
    expect(a.lastSeen).toBe(NOW + 1000);
  });

  it('ignores a country that is not a two-letter code, and keeps at most 16, dropping the least frequent', () => {
    let a = recordInteraction(createAnalytics(), { now: NOW, hour: 0, domain: 'general', country: 'germany' });
    expect(a.countries).toEqual({});
    a = requests(a, 3, NOW); // GB × 3
    for (let i = 0; i < MAX_COUNTRIES; i++) a = recordInteraction(a, { now: NOW, hour: 0, domain: 'general', country: `Q${i.toString(16).toUpperCase()}` });
    expect(Object.keys(a.countries)).toHaveLength(MAX_COUNTRIES);
    expect(a.countries.GB).toBe(3);
  });

  it('refuses an hour outside 0–23 with a RangeError naming it', () => {
    expect(() => recordInteraction(createAnalytics(), { now: NOW, hour: 24, domain: 'code', country: null })).toThrow(/hour must be/);
  });

  it('keeps only the last 28 days of daily counts', () => {
    let a = requests(createAnalytics(), 3, NOW - 40 * DAY);
    a = requests(a, 2, NOW);
    expect(Object.keys(a.recentDays)).toHaveLength(1);
    expect(recentInteractions(a, NOW)).toBe(2);
  });
});

describe('engagementLevel', () => {
  it('is new below 5 requests, then by the last 28 days: occasional, regular from 20, power from 100', () => {
    expect(engagementLevel(requests(createAnalytics(), 4, NOW), NOW)).toBe('new');
    expect(engagementLevel(requests(createAnalytics(), 5, NOW), NOW)).toBe('occasional');
    expect(engagementLevel(requests(createAnalytics(), 20, NOW), NOW)).toBe('regular');
    expect(engagementLevel(requests(createAnalytics(), 100, NOW - 27 * DAY), NOW)).toBe('power');
    expect(engagementLevel(requests(createAnalytics(), 100, NOW - 28 * DAY), NOW)).toBe('occasional'); // lapsed
  });
});

describe('mostCommonDomain and recordFeedback', () => {
  it('names the domain with most requests, null before any; counts ratings', () => {
    expect(mostCommonDomain(createAnalytics())).toBeNull();
    expect(mostCommonDomain(requests(requests(createAnalytics(), 2, NOW, 'code'), 3, NOW, 'writing'))).toBe('writing');
    expect(recordFeedback(recordFeedback(createAnalytics())).feedback).toBe(2);
  });
});

describe('localHour', () => {
  it('gives the hour in an IANA zone, and null for a missing or unknown zone', () => {
    expect(localHour(Date.UTC(2026, 0, 1, 12), 'Asia/Tokyo')).toBe(21);
    expect(localHour(Date.UTC(2026, 6, 1, 12), 'Europe/London')).toBe(13);
    expect(localHour(Date.UTC(2026, 0, 1, 23, 30), 'UTC')).toBe(23);
    expect(localHour(NOW, 'Mars/Olympus_Mons')).toBeNull();
    expect(localHour(NOW, undefined)).toBeNull();
    expect(localHour(NOW, 'x'.repeat(65))).toBeNull();
  });
});
