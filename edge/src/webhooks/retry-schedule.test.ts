/** @module edge/webhooks/retry-schedule.test */
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, cryptoRandom, nextRetryDelayMs, shouldStopRetrying } from './retry-schedule';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const SCHEDULE = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

describe('nextRetryDelayMs', () => {
  it.each(SCHEDULE.map((delay, i) => [i + 1, delay]))('waits exactly the scheduled delay after attempt %i when jitter is neutral (%i ms)', (attempt, delay) => {
    expect(nextRetryDelayMs(attempt, () => 0.5)).toBe(delay);
  });

  it.each(SCHEDULE.map((delay, i) => [i + 1, delay]))('stays within ±20 % after attempt %i at the jitter bounds', (attempt, delay) => {
    expect(nextRetryDelayMs(attempt, () => 0)).toBe(Math.round(delay * 0.8));
    expect(nextRetryDelayMs(attempt, () => 1)).toBe(Math.round(delay * 1.2));
  });

  it('gives up after the 7th retry', () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(nextRetryDelayMs(8, () => 0.5)).toBeNull();
    expect(nextRetryDelayMs(20, () => 0.5)).toBeNull();
  });

  it('clamps a random source that strays outside [0, 1]', () => {
    expect(nextRetryDelayMs(1, () => -3)).toBe(4000);
    expect(nextRetryDelayMs(1, () => 7)).toBe(6000);
  });

  it('jitters with the platform CSPRNG by default', () => {
    const delays = Array.from({ length: 50 }, () => nextRetryDelayMs(1));
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(6000);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the attempt number %s', (attempt) => {
    expect(() => nextRetryDelayMs(attempt, () => 0.5)).toThrow(RangeError);
  });
});

describe('cryptoRandom', () => {
  it('returns numbers in [0, 1)', () => {
    for (let i = 0; i < 100; i++) {
      const r = cryptoRandom();
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
    }
  });
});

describe('shouldStopRetrying', () => {
  it.each([200, 201, 202, 204, 299])('stops on %i, a success', (status) => {
    expect(shouldStopRetrying(status)).toBe(true);
  });

  it('stops on 410 Gone, the receiver asking not to be called again', () => {
    expect(shouldStopRetrying(410)).toBe(true);
  });

  it.each([100, 301, 302, 307, 308, 400, 401, 404, 408, 429, 500, 502, 503, 504])('retries after %i', (status) => {
    expect(shouldStopRetrying(status)).toBe(false);
  });
});
