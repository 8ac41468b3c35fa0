/** @module shared/personalization/page-hinkley.test River's Page-Hinkley rule, its false-alarm behaviour and detection delays. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.test-fixture';
import {
  PAGE_HINKLEY_DEFAULTS,
  PageHinkley,
  SATISFACTION_DRIFT_OPTIONS,
  createPageHinkleyState,
  updatePageHinkley,
  type DriftDirection,
  type PageHinkleyOptions,
} from './page-hinkley';


function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

const clamp = (x: number) => Math.max(-1, Math.min(1, x));

/** A 1–5 rating drawn with `probs`, mapped to (r − 3)/2, plus N(0, 0.1) noise, clamped to [−1, 1]. */
function rating(rng: () => number, probs: readonly number[]): number {
  let u = rng();
  let k = 0;
  while (k < 4 && u >= probs[k]) u -= probs[k++];
  return clamp((k + 1 - 3) / 2 + 0.1 * gaussian(rng));
}

const RATERS = {
  happy: [0.05, 0.05, 0.1, 0.3, 0.5],
  lukewarm: [0.2, 0.2, 0.2, 0.2, 0.2],
  unhappy: [0.5, 0.3, 0.1, 0.05, 0.05],
  polarised: [0.3, 0.1, 0.1, 0.1, 0.4],
} as const;

/** 90 % of the time `sign` (with noise), otherwise any rating. */
function mostly(rng: () => number, sign: 1 | -1): number {
  return rng() < 0.9 ? clamp(sign + 0.1 * gaussian(rng)) : rating(rng, RATERS.lukewarm);
}

/** Feeds the stream; returns every alarm as [index, direction]. */
function alarms(stream: Iterable<number>, options?: Partial<PageHinkleyOptions>): Array<[number, DriftDirection]> {
  let state = createPageHinkleyState();
  const found: Array<[number, DriftDirection]> = [];
  let i = 0;
  for (const x of stream) {
    const result = updatePageHinkley(state, x, options);
    state = result.state;
    if (result.drift) found.push([i, result.drift]);
    i++;
  }
  return found;
}

function* generate(count: number, next: (i: number) => number): Generator<number> {
  for (let i = 0; i < count; i++) yield next(i);
}

/** Samples consumed after the change point until the first alarm (1 = flagged on the first new sample). */
function delayAfterSwitch(found: Array<[number, DriftDirection]>, switchAt: number, expected: DriftDirection): number {
  expect(found.filter(([i]) => i < switchAt)).toEqual([]);
  const first = found.find(([i]) => i >= switchAt);
  expect(first, 'no alarm after the switch').toBeDefined();
  expect(first![1]).toBe(expected);
  return first![0] - switchAt + 1;
}

describe('updatePageHinkley (river rule)', () => {
  it('follows the update rule step by step', () => {
    const opts = { minInstances: 3, delta: 0.5, threshold: 1, alpha: 0.5 };
    let r = updatePageHinkley(createPageHinkleyState(), 1, opts);
    // n=1: mean 1, dev 0; sumInc = 0 − 0.5; sumDec = 0 + 0.5; maxDec = max(−1, 0.5).
    expect(r.state).toEqual({ n: 1, mean: 1, sumIncrease: -0.5, sumDecrease: 0.5, minIncrease: -0.5, maxDecrease: 0.5, driftDetected: false });
    r = updatePageHinkley(r.state, 0, opts);
    // n=2: mean 0.5, dev −0.5; sumInc = 0.5·(−0.5) − 0.5 − 0.5 = −1.25; sumDec = 0.25 − 0.5 + 0.5 = 0.25.
    expect(r.state).toMatchObject({ n: 2, mean: 0.5, sumIncrease: -1.25, sumDecrease: 0.25, minIncrease: -1.25, maxDecrease: 0.5 });
    r = updatePageHinkley(r.state, 2, opts);
    // n=3: mean 1, dev 1; sumInc = −0.625 + 1 − 0.5 = −0.125 → test 1.125 > 1 → 'up'.
    expect(r.state).toMatchObject({ n: 3, mean: 1, sumIncrease: -0.125, sumDecrease: 1.625, minIncrease: -1.25, maxDecrease: 1.625 });
    expect(r.drift).toBe('up');
    // The update after an alarm starts from an empty state.
    r = updatePageHinkley(r.state, 5, opts);
    expect(r.state).toMatchObject({ n: 1, mean: 5, driftDetected: false });
    expect(r.drift).toBeNull();
  });

  it('does not test before minInstances samples', () => {
    const opts = { minInstances: 5, delta: 0, threshold: 0.5, alpha: 1 };
    const found = alarms([0, 10, 0, 10, 0, 10], opts);
    expect(found[0][0]).toBe(4);
  });

  it('reports only the direction its mode asks for', () => {
    const drop = [...generate(40, () => 1), ...generate(40, () => -1)];
    expect(alarms(drop, { mode: 'up', threshold: 5 })).toEqual([]);
    expect(alarms(drop, { mode: 'down', threshold: 5 })[0][1]).toBe('down');
  });

  it('keeps a JSON round trip of the state interchangeable with the original', () => {
    const rng = mulberry32(3);
    let state = createPageHinkleyState();
    for (let i = 0; i < 50; i++) state = updatePageHinkley(state, rng(), SATISFACTION_DRIFT_OPTIONS).state;
    const copy = JSON.parse(JSON.stringify(state));
    expect(updatePageHinkley(copy, 0.3, SATISFACTION_DRIFT_OPTIONS)).toEqual(updatePageHinkley(state, 0.3, SATISFACTION_DRIFT_OPTIONS));
  });

  it('gives the same answers through the class wrapper', () => {
    const ph = new PageHinkley(SATISFACTION_DRIFT_OPTIONS);
    const xs = [...generate(30, () => 1), ...generate(10, () => -1)];
    const viaClass = xs.flatMap((x, i) => {
      const drift = ph.update(x);
      return drift ? [[i, drift]] : [];
    });
    expect(viaClass).toEqual(alarms(xs, SATISFACTION_DRIFT_OPTIONS));
  });

  it('rejects bad options and samples with a RangeError naming them', () => {
    const s = createPageHinkleyState();
    expect(() => updatePageHinkley(s, 0, { threshold: 0 })).toThrow(new RangeError('threshold must be a finite number > 0, got 0'));
    expect(() => updatePageHinkley(s, 0, { alpha: 1.5 })).toThrow(/^alpha must be in/);
    expect(() => updatePageHinkley(s, 0, { minInstances: 0 })).toThrow(/^minInstances/);
    expect(() => updatePageHinkley(s, 0, { delta: -1 })).toThrow(/^delta/);
    expect(() => new PageHinkley({ mode: 'sideways' as 'up' })).toThrow(RangeError);
    expect(() => updatePageHinkley(s, Number.NaN)).toThrow(/^x must be a finite number/);
  });
});

describe('river defaults', () => {
  it('uses river.drift.PageHinkley defaults', () => {
    expect(PAGE_HINKLEY_DEFAULTS).toEqual({ minInstances: 30, delta: 0.005, threshold: 50, alpha: 0.9999, mode: 'both' });
  });

  it('raises no alarm over 10,000 stationary Gaussian samples (mean 0, sd 0.1)', () => {
    for (const seed of [1, 2, 3]) {
      const rng = mulberry32(seed);
      expect(alarms(generate(10_000, () => 0.1 * gaussian(rng)))).toEqual([]);
    }
  });

  it('raises no alarm over a stationary Bernoulli stream: p = 0.05 for 10,000 samples, p = 0.5 for 1,000', () => {
    // Measured: at p = 0.5 river's defaults do raise false alarms over 10,000 samples (first seen after
    // ~1,800); the CUSUM's random walk (sd 0.5 per step) outgrows the slack of 0.005.
    for (const seed of [1, 2, 3]) {
      const rng = mulberry32(100 + seed);
      expect(alarms(generate(10_000, () => (rng() < 0.05 ? 1 : 0)))).toEqual([]);
      expect(alarms(generate(1_000, () => (rng() < 0.5 ? 1 : 0)))).toEqual([]);
    }
  });

  it('flags a mean shift of ±1 after 1,000 samples within 45–60 samples, and ±0.5 within 90–120', () => {
    const measured: Record<string, number[]> = {};
    for (const shift of [1, -1, 0.5, -0.5]) {
      for (const seed of [1, 2, 3, 4, 5]) {
        const rng = mulberry32(seed);
        const found = alarms(generate(2_000, (i) => 0.1 * gaussian(rng) + (i >= 1_000 ? shift : 0)));
        (measured[shift] ??= []).push(delayAfterSwitch(found, 1_000, shift > 0 ? 'up' : 'down'));
      }
    }
    const range = (ds: number[]) => [Math.min(...ds), Math.max(...ds)];
    for (const shift of ['1', '-1']) expect(range(measured[shift]).every((d) => d >= 45 && d <= 60), `shift ${shift}: ${measured[shift]}`).toBe(true);
    for (const shift of ['0.5', '-0.5']) expect(range(measured[shift]).every((d) => d >= 90 && d <= 120), `shift ${shift}: ${measured[shift]}`).toBe(true);
  });
});

describe('SATISFACTION_DRIFT_OPTIONS', () => {
  it('raises no alarm over 10,000 samples of stationary rating streams', () => {
    for (const [name, probs] of Object.entries(RATERS)) {
      for (const seed of [1, 2]) {
        const rng = mulberry32(seed * 31 + name.length);
        expect(alarms(generate(10_000, () => rating(rng, probs)), SATISFACTION_DRIFT_OPTIONS), name).toEqual([]);
      }
    }
  });

  it('flags a switch from mostly +1 to mostly −1 within 10 samples, and the reverse', () => {
    const delays: number[] = [];
    for (const [history, before] of [[200, 1], [30, 1], [200, -1], [30, -1]] as const) {
      for (let seed = 1; seed <= 10; seed++) {
        const rng = mulberry32(1_000 + seed);
        const found = alarms(generate(history + 20, (i) => mostly(rng, i < history ? before : (-before as 1 | -1))), SATISFACTION_DRIFT_OPTIONS);
        const delay = delayAfterSwitch(found, history, before > 0 ? 'down' : 'up');
        expect(delay).toBeLessThanOrEqual(10);
        delays.push(delay);
      }
    }
    delays.sort((a, b) => a - b);
    expect(delays[delays.length >> 1]).toBeLessThanOrEqual(6);
  });
});
