/** @module shared/personalization/preference-model.test Dirichlet posterior updates, forgetting, drift, sampling and stored state. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.test-fixture';
import {
  COMPLEXITY_LEVELS,
  compactState,
  confidence,
  createPreferenceState,
  isDrifting,
  markDrift,
  mostLikely,
  observe,
  observeEvidence,
  posteriorMean,
  preferenceStateSchema,
  thompsonSample,
  type PreferenceState,
} from './preference-model';


function repeat(state: PreferenceState, times: number, step: (s: PreferenceState) => PreferenceState): PreferenceState {
  for (let i = 0; i < times; i++) state = step(state);
  return state;
}

describe('createPreferenceState', () => {
  it('starts every value at 1, or at the population prior where one is given', () => {
    const state = createPreferenceState({ prior: { style: { casual: 3 }, complexity: { expert: 0.5 } } });
    expect(state.alpha.style).toEqual({ casual: 3, formal: 1, technical: 1, creative: 1 });
    expect(state.alpha.complexity).toEqual({ plain: 1, moderate: 1, expert: 0.5 });
    expect(state.prior).toEqual(state.alpha);
    expect(Object.keys(state.alpha.domain)).toHaveLength(6);
    expect(state).toMatchObject({ version: 1, forgetting: 0.9, driftUpdatesLeft: 0, updates: 0 });
    expect(preferenceStateSchema.parse(state)).toEqual(state);
  });

  it('rejects a bad prior or forgetting factor with a RangeError naming it', () => {
    expect(() => createPreferenceState({ prior: { style: { casual: 0 } } })).toThrow(new RangeError('prior style.casual must be a finite number > 0, got 0'));
    expect(() => createPreferenceState({ prior: { style: { loud: 2 } as never } })).toThrow(/unknown style value "loud"/);
    expect(() => createPreferenceState({ forgetting: 1.2 })).toThrow(new RangeError('forgetting must be in (0, 1], got 1.2'));
  });
});

describe('observe', () => {
  it('updates the posterior by the documented rule (hand-computed)', () => {
    let s = createPreferenceState();
    s = observe(s, { style: 'casual' }, 1);
    expect(s.alpha.style).toEqual({ casual: 2, formal: 1, technical: 1, creative: 1 });
    // Forget (1 + 0.9·1), then add 0.5·2.
    s = observe(s, { style: 'casual' }, 0.5, 2);
    expect(s.alpha.style.casual).toBeCloseTo(2.9, 12);
    // Forget casual to 1 + 0.9·1.9 = 2.71; −0.6 on formal adds 0.3·0.6/3 = 0.06 to each other value,
    // and formal, with no learned evidence, stays at its prior.
    s = observe(s, { style: 'formal' }, -0.6);
    expect(s.alpha.style.casual).toBeCloseTo(2.77, 12);
    expect(s.alpha.style.formal).toBe(1);
    expect(s.alpha.style.technical).toBeCloseTo(1.06, 12);
    expect(s.alpha.style.creative).toBeCloseTo(1.06, 12);
    expect(posteriorMean(s, 'style').casual).toBeCloseTo(2.77 / 5.89, 12);
    // −0.5 on casual: forget (casual 1 + 0.9·1.77 = 2.593, technical and creative 1 + 0.9·0.06 = 1.054),
    // spread 0.3·0.5/3 = 0.05 to the others, then casual keeps 1 − 0.7·0.5 = 0.65 of its 1.593.
    s = observe(s, { style: 'casual' }, -0.5);
    expect(s.alpha.style.casual).toBeCloseTo(1 + 0.65 * 1.593, 12); // 2.03545
    expect(s.alpha.style.formal).toBeCloseTo(1.05, 12);
    expect(s.alpha.style.technical).toBeCloseTo(1.104, 12);
    expect(s.alpha.style.creative).toBeCloseTo(1.104, 12);
    expect(s.alpha.tone).toEqual(createPreferenceState().alpha.tone); // untouched attribute
    expect(s.updates).toBe(4);
  });

  it('updates several attributes at once, each with its own k', () => {
    const s = observe(createPreferenceState(), { tone: 'friendly', complexity: 'expert' }, -1);
    // −1 spreads 0.3/(k − 1) to the other values: 0.075 for tone (k = 5), 0.15 for complexity (k = 3).
    expect(s.alpha.tone).toEqual({ neutral: 1.075, friendly: 1, professional: 1.075, enthusiastic: 1.075, empathetic: 1.075 });
    expect(s.alpha.complexity).toEqual({ plain: 1.15, moderate: 1.15, expert: 1 });
  });

  it('rejects bad input with a RangeError naming it', () => {
    const s = createPreferenceState();
    expect(() => observe(s, { style: 'casual' }, 1.5)).toThrow(new RangeError('reward must be a number in [-1, 1], got 1.5'));
    expect(() => observe(s, { style: 'casual' }, Number.NaN)).toThrow(/^reward must be a number in \[-1, 1\]/);
    expect(() => observe(s, { style: 'casual' }, 1, -1)).toThrow(new RangeError('weight must be a finite number ≥ 0, got -1'));
    expect(() => observe(s, { style: 'loud' as never }, 1)).toThrow(new RangeError('unknown style value "loud"; expected one of casual, formal, technical, creative'));
    expect(() => observe(s, { colour: 'red' } as never, 1)).toThrow(/^unknown preference attribute "colour"/);
    // Nothing is applied when any piece of evidence is bad.
    expect(() => observeEvidence(s, [{ attributes: { style: 'casual' }, reward: 1 }, { attributes: { tone: 'grumpy' as never }, reward: 1 }])).toThrow(/tone value "grumpy"/);
  });
});

describe('forgetting', () => {
  it('pulls evidence back toward the prior by λ = 0.9 per update of the attribute', () => {
    let s = observe(createPreferenceState({ prior: { style: { casual: 3 } } }), { style: 'casual' }, 1, 10); // casual = 13
    s = repeat(s, 5, (x) => observe(x, { style: 'formal' }, 0)); // reward 0: forgetting only
    expect(s.alpha.style.casual).toBeCloseTo(3 + 10 * 0.9 ** 5, 12); // 8.9049
    s = repeat(s, 5, (x) => observe(x, { tone: 'neutral' }, 0)); // other attributes do not fade style
    expect(s.alpha.style.casual).toBeCloseTo(3 + 10 * 0.9 ** 5, 12);
  });

  it('cuts learned evidence to 0.1 on markDrift, forgets at λ = 0.85 for the next 10 updates, then at 0.9 again', () => {
    const learned = observe(observe(createPreferenceState({ prior: { style: { formal: 2 } } }), { length: 'detailed' }, 1, 10), { style: 'formal' }, 1, 5);
    let s = markDrift(learned);
    expect(isDrifting(s)).toBe(true);
    // Every attribute is cut, touched by the next update or not: alpha ← prior + 0.1·(alpha − prior).
    expect(s.alpha.length.detailed).toBeCloseTo(1 + 0.1 * 10, 12);
    expect(s.alpha.style.formal).toBeCloseTo(2 + 0.1 * 5, 12);
    expect(s.alpha.style.casual).toBe(1);
    expect(s.prior).toEqual(learned.prior);
    s = repeat(s, 10, (x) => observe(x, { length: 'concise' }, 0));
    expect(isDrifting(s)).toBe(false);
    expect(s.alpha.length.detailed).toBeCloseTo(1 + 1 * 0.85 ** 10, 12);
    s = observe(s, { length: 'concise' }, 0);
    expect(s.alpha.length.detailed).toBeCloseTo(1 + 1 * 0.85 ** 10 * 0.9, 12);
  });

  it('follows a switch of preference: after 40 thumbs-up for casual, formal leads after 7 updates, or 1 in drift mode', () => {
    const before = repeat(createPreferenceState(), 40, (x) => observe(x, { style: 'casual' }, 1));
    const updatesUntilFormalLeads = (start: PreferenceState) => {
      let s = start;
      for (let k = 1; k <= 100; k++) {
        s = observe(s, { style: 'formal' }, 1);
        if (mostLikely(s, 'style') === 'formal') return k;
      }
      return Infinity;
    };
    // Closed form: casual keeps S·λ^k of its S = (1 − 0.9^40)/0.1 ≈ 9.85, formal gains (1 − λ^k)/(1 − λ);
    // formal leads once 0.9^k < 10/(10 + S) ≈ 0.504, i.e. k > 6.5.
    expect(updatesUntilFormalLeads(before)).toBe(7);
    // markDrift cuts casual to 0.1·S ≈ 0.985; one update at λ = 0.85 leaves 0.837 against formal's 1.
    expect(updatesUntilFormalLeads(markDrift(before))).toBe(1);
  });
});

describe('readers', () => {
  it('reports confidence 0 for no evidence and by the documented formula otherwise', () => {
    expect(confidence(createPreferenceState({ prior: { style: { casual: 50 } } }), 'style')).toBe(0);
    const liked = repeat(createPreferenceState(), 10, (x) => observe(x, { style: 'casual' }, 1));
    const n = (1 - 0.9 ** 10) / 0.1; // 6.5132
    expect(confidence(liked, 'style')).toBeCloseTo(n / (n + 4), 12); // one-sided: entropy 0
    expect(confidence(liked, 'style')).toBeCloseTo(0.6195, 4);
    const saturated = repeat(createPreferenceState(), 400, (x) => observe(x, { style: 'casual' }, 1));
    expect(confidence(saturated, 'style')).toBeCloseTo(10 / 14, 12); // ceiling: n = 1/(1 − 0.9) = 10
    // Evidence split evenly between two of four values: entropy ln 2 / ln 4 = ½ halves it.
    const split = repeat(createPreferenceState({ forgetting: 1 }), 5, (x) => observe(observe(x, { style: 'casual' }, 1), { style: 'formal' }, 1));
    expect(confidence(split, 'style')).toBeCloseTo((10 / 14) * 0.5, 12);
    // Only dislikes: 0.3 of the evidence, spread evenly over the other three values (entropy ln 3 / ln 4).
    const disliked = repeat(createPreferenceState(), 10, (x) => observe(x, { style: 'casual' }, -1));
    const m = 0.3 * n; // 1.9540
    expect(confidence(disliked, 'style')).toBeCloseTo((m / (m + 4)) * (1 - Math.log(3) / Math.log(4)), 12); // 0.0681
    expect(confidence(disliked, 'style')).toBeLessThan(0.2);
  });

  it('breaks ties in mostLikely by vocabulary order', () => {
    expect(mostLikely(createPreferenceState(), 'complexity')).toBe(COMPLEXITY_LEVELS[0]);
    expect(mostLikely(observe(createPreferenceState(), { complexity: 'expert' }, 0.1), 'complexity')).toBe('expert');
  });

  it('Thompson-samples θ that average to the posterior mean, picking each value as often as it is the best draw', () => {
    let s = createPreferenceState();
    s = observe(s, { style: 'casual' }, 1, 4);
    s = observe(s, { style: 'technical' }, 1, 1); // alpha ≈ casual 4.88, formal 1, technical 2, creative 1
    const mean = posteriorMean(s, 'style');
    const rng = mulberry32(42);
    const n = 20_000;
    const sums = { casual: 0, formal: 0, technical: 0, creative: 0 };
    const picks = { casual: 0, formal: 0, technical: 0, creative: 0 };
    for (let i = 0; i < n; i++) {
      const { value, sample } = thompsonSample(s, 'style', rng);
      picks[value]++;
      for (const v of Object.keys(sums) as Array<keyof typeof sums>) sums[v] += sample[v];
      expect(sample[value]).toBe(Math.max(...Object.values(sample)));
    }
    for (const v of Object.keys(sums) as Array<keyof typeof sums>) expect(Math.abs(sums[v] / n - mean[v])).toBeLessThan(0.005);
    // The favourite is picked more often than its mean share; the order of the others follows the mean.
    expect(picks.casual / n).toBeGreaterThan(mean.casual);
    expect(picks.technical).toBeGreaterThan(picks.formal);
    expect(thompsonSample(s, 'style', mulberry32(1))).toEqual(thompsonSample(s, 'style', mulberry32(1)));
  });

  it('questions a settled favourite more often in drift mode', () => {
    const settled = repeat(createPreferenceState(), 30, (x) => observe(x, { style: 'formal' }, 1)); // formal 1 + e, e = 10·(1 − 0.9^30) ≈ 9.58; others 1
    const e = 10 * (1 - 0.9 ** 30);
    const rate = (s: PreferenceState) => {
      const rng = mulberry32(3);
      let formal = 0;
      for (let i = 0; i < 2_000; i++) if (thompsonSample(s, 'style', rng).value === 'formal') formal++;
      return formal / 2_000;
    };
    // θ's argmax is the largest of independent Gamma(alpha_v) draws; against three Gamma(1) = Exp(1) draws a
    // value with alpha a wins with probability E[(1 − e^(−X))³], X ~ Gamma(a): 1 − 3·2^(−a) + 3·3^(−a) − 4^(−a).
    const pBest = (a: number) => 1 - 3 * 2 ** -a + 3 * 3 ** -a - 4 ** -a;
    expect(pBest(1 + e)).toBeCloseTo(0.9981, 4);
    expect(rate(settled)).toBeGreaterThan(0.995); // measured 0.999
    // Drift mode: markDrift keeps 0.1·e and the draw sees 2/3 of that, so formal ≈ 1 + 0.64: picked ~43 %.
    expect(pBest(1 + (2 / 3) * 0.1 * e)).toBeCloseTo(0.4291, 4);
    const drifting = rate(markDrift(settled)); // measured 0.4245
    expect(Math.abs(drifting - pBest(1 + (2 / 3) * 0.1 * e))).toBeLessThan(0.035); // 3 standard errors of 2,000 draws
    expect(drifting).toBeGreaterThan(0.25); // still the favourite: each other value is picked ~19 %
  });
});

describe('stored state', () => {
  it('round-trips through JSON and the schema, compacted to 3 decimals', () => {
    let s = createPreferenceState();
    const rng = mulberry32(9);
    const styles = ['casual', 'formal', 'technical', 'creative'] as const;
    for (let i = 0; i < 200; i++) s = observe(s, { style: styles[Math.floor(rng() * 4)], length: 'balanced' }, rng() * 2 - 1);
    const compact = compactState(s);
    for (const x of Object.values(compact.alpha.style)) expect(Math.round(x * 1000) / 1000).toBe(x);
    const stored = JSON.stringify(compact);
    expect(stored.length).toBeLessThan(1_200);
    expect(preferenceStateSchema.parse(JSON.parse(stored))).toEqual(compact);
    expect(mostLikely(compact, 'style')).toBe(mostLikely(s, 'style'));
  });

  it('rejects corrupted states', () => {
    const good = createPreferenceState();
    const { casual: _dropped, ...missing } = good.alpha.style;
    expect(preferenceStateSchema.safeParse({ ...good, alpha: { ...good.alpha, style: missing } }).success).toBe(false);
    expect(preferenceStateSchema.safeParse({ ...good, alpha: { ...good.alpha, style: { ...good.alpha.style, casual: 0.5 } } }).success).toBe(false);
    expect(preferenceStateSchema.safeParse({ ...good, version: 2 }).success).toBe(false);
    expect(preferenceStateSchema.safeParse({ ...good, driftUpdatesLeft: -1 }).success).toBe(false);
    expect(preferenceStateSchema.safeParse({ ...good, alpha: { ...good.alpha, tone: { ...good.alpha.tone, grumpy: 2 } } }).success).toBe(false);
  });
});
