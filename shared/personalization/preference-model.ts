/**
 * @module shared/personalization/preference-model
 * Implicit preferences learned online from feedback. For each attribute of a response (style, tone,
 * length, complexity, domain) the model keeps a Dirichlet posterior over the attribute's values:
 * alpha per value, starting from a prior (a population prior, or 1 everywhere).
 *
 * - Evidence (`observe`): a positive reward r adds r·w to the alpha of the observed value; a negative
 *   reward adds 0.3·|r|·w/(k − 1) to each of the k − 1 other values ("not that one") and keeps
 *   1 − 0.7·|r| of the observed value's learned evidence (alpha − prior).
 * - Forgetting: before an update, each attribute the update touches is pulled toward the prior,
 *   alpha ← prior + λ·(alpha − prior), so old evidence fades geometrically and the evidence mass of
 *   one value settles at most at w/(1 − λ) (10 units per unit of weight for λ = 0.9).
 * - Drift mode (`markDrift`, e.g. on a Page-Hinkley alarm): learned evidence is cut to 0.1 of its
 *   weight, the next 10 updates use λ = 0.85, Thompson draws use a flattened posterior
 *   (evidence × 2/3) and the template chooser explores every attribute.
 *
 * State is a plain JSON object validated by `preferenceStateSchema`; every function is pure.
 * Feedback kinds (ratings, thumbs, choices, edits) map to evidence in `preference-feedback.ts`.
 */
import { z } from 'zod';
import { DOMAINS, RESPONSE_LENGTHS, STYLES, TONES } from '../api/profile';
import { sampleDirichlet, type UniformRng } from './dirichlet';

export const COMPLEXITY_LEVELS = ['plain', 'moderate', 'expert'] as const;

/** The values each attribute can take, in a fixed order (ties and sampling follow it). */
export const PREFERENCE_VALUES = {
  style: STYLES,
  tone: TONES,
  length: RESPONSE_LENGTHS,
  complexity: COMPLEXITY_LEVELS,
  domain: DOMAINS,
} as const;

export type PreferenceAttribute = keyof typeof PREFERENCE_VALUES;
export const PREFERENCE_ATTRIBUTES = ['style', 'tone', 'length', 'complexity', 'domain'] as const satisfies readonly PreferenceAttribute[];
export type AttributeValue<A extends PreferenceAttribute> = (typeof PREFERENCE_VALUES)[A][number];
export type ComplexityLevel = AttributeValue<'complexity'>;

/** The attribute values of one response (any subset). */
export type PreferenceAttributes = { [A in PreferenceAttribute]?: AttributeValue<A> };
/** One number per value of every attribute. */
export type PreferenceCounts = { [A in PreferenceAttribute]: Record<AttributeValue<A>, number> };
/** A population prior: pseudo-counts per value; values left out get 1. */
export type PopulationPrior = { [A in PreferenceAttribute]?: Partial<Record<AttributeValue<A>, number>> };

/** Default λ: evidence keeps 90 % of its weight per update of its attribute (half-life ≈ 6.6 updates). */
export const DEFAULT_FORGETTING = 0.9;
/** λ while in drift mode (half-life ≈ 4 updates). */
export const DRIFT_FORGETTING = 0.85;
/** How many updates drift mode lasts. */
export const DRIFT_UPDATES = 10;
/**
 * Share of the evidence Thompson draws see in drift mode: the ratio of the evidence ceilings
 * 1/(1 − λ) at λ = 0.9 and 0.85 (10 and 6.67), i.e. 2/3: the posterior as drift-mode forgetting will
 * soon leave it.
 */
export const DRIFT_EVIDENCE_SCALE = (1 - DEFAULT_FORGETTING) / (1 - DRIFT_FORGETTING);

const countsSchema = <const V extends readonly [string, ...string[]]>(values: V) => z.record(z.enum(values), z.number().finite().positive());
const allCountsSchema = z.strictObject({
  style: countsSchema(STYLES),
  tone: countsSchema(TONES),
  length: countsSchema(RESPONSE_LENGTHS),
  complexity: countsSchema(COMPLEXITY_LEVELS),
  domain: countsSchema(DOMAINS),
});

/** Validates a stored preference state (e.g. read back from KV or a Durable Object). */
export const preferenceStateSchema = z
  .strictObject({
    version: z.literal(1),
    prior: allCountsSchema,
    alpha: allCountsSchema,
    forgetting: z.number().gt(0).max(1).describe('λ, the share of old evidence kept per update'),
    driftUpdatesLeft: z.number().int().min(0).describe('updates left in drift mode'),
    updates: z.number().int().min(0).describe('updates applied so far'),
  })
  .superRefine((state, ctx) => {
    for (const attribute of PREFERENCE_ATTRIBUTES) {
      const prior: Record<string, number> = state.prior[attribute];
      for (const [value, alpha] of Object.entries<number>(state.alpha[attribute])) {
        if (alpha < prior[value]) ctx.addIssue({ code: 'custom', path: ['alpha', attribute, value], message: 'alpha must not be below the prior' });
      }
    }
  })
  .describe('PreferenceState');
export type PreferenceState = z.infer<typeof preferenceStateSchema>;

/** One piece of evidence: the attributes of a response and how well it was received. */
export interface PreferenceEvidence {
  attributes: PreferenceAttributes;
  /** In [−1, 1]. */
  reward: number;
  /** ≥ 0. @default 1 */
  weight?: number;
}

type LooseCounts = Record<PreferenceAttribute, Record<string, number>>;

function copyCounts(counts: PreferenceCounts | LooseCounts): LooseCounts {
  const out = {} as LooseCounts;
  for (const attribute of PREFERENCE_ATTRIBUTES) out[attribute] = { ...counts[attribute] };
  return out;
}

function valuesOf(attribute: PreferenceAttribute): readonly string[] {
  return PREFERENCE_VALUES[attribute];
}

function assertAttribute(attribute: string): asserts attribute is PreferenceAttribute {
  if (!Object.hasOwn(PREFERENCE_VALUES, attribute)) throw new RangeError(`unknown preference attribute "${attribute}"; expected one of ${PREFERENCE_ATTRIBUTES.join(', ')}`);
}

function assertValue(attribute: PreferenceAttribute, value: unknown): void {
  if (!valuesOf(attribute).includes(value as string)) throw new RangeError(`unknown ${attribute} value "${String(value)}"; expected one of ${valuesOf(attribute).join(', ')}`);
}

/**
 * A fresh state: alpha = prior for every value.
 *
 * @example
 * const state = createPreferenceState({ prior: { style: { casual: 3 } } }); // other values 1
 */
export function createPreferenceState(options: { prior?: PopulationPrior; forgetting?: number } = {}): PreferenceState {
  const forgetting = options.forgetting ?? DEFAULT_FORGETTING;
  if (!(forgetting > 0 && forgetting <= 1)) throw new RangeError(`forgetting must be in (0, 1], got ${forgetting}`);
  const prior = {} as LooseCounts;
  for (const [attribute, given] of Object.entries(options.prior ?? {})) {
    assertAttribute(attribute);
    for (const [value, count] of Object.entries(given ?? {})) {
      assertValue(attribute, value);
      if (!(Number.isFinite(count) && (count as number) > 0)) throw new RangeError(`prior ${attribute}.${value} must be a finite number > 0, got ${count}`);
    }
  }
  for (const attribute of PREFERENCE_ATTRIBUTES) {
    const given: Record<string, number | undefined> = options.prior?.[attribute] ?? {};
    prior[attribute] = Object.fromEntries(valuesOf(attribute).map((value) => [value, given[value] ?? 1]));
  }
  return { version: 1, prior: prior as PreferenceCounts, alpha: copyCounts(prior) as PreferenceCounts, forgetting, driftUpdatesLeft: 0, updates: 0 };
}

function validateEvidence(evidence: PreferenceEvidence): void {
  const { reward, weight = 1 } = evidence;
  if (!(Number.isFinite(reward) && reward >= -1 && reward <= 1)) throw new RangeError(`reward must be a number in [-1, 1], got ${reward}`);
  if (!(Number.isFinite(weight) && weight >= 0)) throw new RangeError(`weight must be a finite number ≥ 0, got ${weight}`);
  for (const [attribute, value] of Object.entries(evidence.attributes)) {
    assertAttribute(attribute);
    if (value !== undefined) assertValue(attribute, value);
  }
}

/**
 * Applies several pieces of evidence as one update (one forgetting step per touched attribute),
 * e.g. both sides of a choice between two responses. Validates everything before changing anything.
 */
export function observeEvidence(state: PreferenceState, evidence: readonly PreferenceEvidence[]): PreferenceState {
  evidence.forEach(validateEvidence);
  const touched = new Set<PreferenceAttribute>();
  for (const e of evidence) for (const [attribute, value] of Object.entries(e.attributes)) if (value !== undefined) touched.add(attribute as PreferenceAttribute);
  if (touched.size === 0) return state;

  const lambda = state.driftUpdatesLeft > 0 ? Math.min(state.forgetting, DRIFT_FORGETTING) : state.forgetting;
  const prior = state.prior as LooseCounts;
  const alpha = copyCounts(state.alpha);
  for (const attribute of touched) {
    for (const value of valuesOf(attribute)) alpha[attribute][value] = prior[attribute][value] + lambda * (alpha[attribute][value] - prior[attribute][value]);
  }
  for (const { attributes, reward, weight = 1 } of evidence) {
    for (const [attribute, observed] of Object.entries(attributes) as Array<[PreferenceAttribute, string | undefined]>) {
      if (observed === undefined || reward === 0) continue;
      const values = valuesOf(attribute);
      if (reward > 0) alpha[attribute][observed] += reward * weight;
      else {
        for (const other of values) if (other !== observed) alpha[attribute][other] += (NEGATIVE_SPREAD * -reward * weight) / (values.length - 1);
        // Evidence against the observed value also discounts what was learned for it.
        const keep = Math.max(0, 1 - NEGATIVE_DISCOUNT * -reward);
        alpha[attribute][observed] = prior[attribute][observed] + keep * Math.max(0, alpha[attribute][observed] - prior[attribute][observed]);
      }
    }
  }
  return { ...state, alpha: alpha as PreferenceCounts, driftUpdatesLeft: Math.max(0, state.driftUpdatesLeft - 1), updates: state.updates + 1 };
}

/**
 * One update from the attributes of one response and its reward in [−1, 1].
 *
 * @example
 * state = observe(state, { style: 'casual', length: 'concise' }, 1); // thumbs up
 */
export function observe(state: PreferenceState, attributes: PreferenceAttributes, reward: number, weight = 1): PreferenceState {
  return observeEvidence(state, [{ attributes, reward, weight }]);
}

/**
 * Share of a negative reward spread over the other values (a bad rating of "formal" is weak
 * evidence for each alternative). Below 1 because the alternatives were not what was rated.
 */
export const NEGATIVE_SPREAD = 0.3;
/**
 * Share of an observed value's learned evidence removed per unit of negative reward (a 1-rating
 * keeps 30% of it): without it a long-held favourite outlives many bad ratings, since negative evidence
 * otherwise only adds to the other values.
 */
export const NEGATIVE_DISCOUNT = 0.7;
/** Share of learned evidence (alpha − prior) kept, for every attribute, when drift is detected. */
export const DRIFT_EVIDENCE_KEPT = 0.1;

/** Enters drift mode: learned evidence cut to DRIFT_EVIDENCE_KEPT, stronger forgetting (λ = 0.85) and exploration for the next `updates` updates. */
export function markDrift(state: PreferenceState, updates = DRIFT_UPDATES): PreferenceState {
  if (!Number.isInteger(updates) || updates < 0) throw new RangeError(`updates must be an integer ≥ 0, got ${updates}`);
  // What was learned before the change is kept at DRIFT_EVIDENCE_KEPT of its weight: the old favourite
  // stays a candidate, but a few ratings of the new one can overturn it.
  const alpha = copyCounts(state.alpha);
  const prior = state.prior as LooseCounts;
  for (const attribute of PREFERENCE_ATTRIBUTES) {
    for (const value of valuesOf(attribute)) alpha[attribute][value] = prior[attribute][value] + DRIFT_EVIDENCE_KEPT * Math.max(0, alpha[attribute][value] - prior[attribute][value]);
  }
  return { ...state, alpha: alpha as PreferenceCounts, driftUpdatesLeft: updates };
}

/** Whether the state is in drift mode. */
export function isDrifting(state: PreferenceState): boolean {
  return state.driftUpdatesLeft > 0;
}

/** Posterior mean E[θ_v] = alpha_v / Σ alpha, per value. */
export function posteriorMean<A extends PreferenceAttribute>(state: PreferenceState, attribute: A): Record<AttributeValue<A>, number> {
  assertAttribute(attribute);
  const alpha: Record<string, number> = state.alpha[attribute];
  const total = valuesOf(attribute).reduce((sum, v) => sum + alpha[v], 0);
  return Object.fromEntries(valuesOf(attribute).map((v) => [v, alpha[v] / total])) as Record<AttributeValue<A>, number>;
}

/** The value with the highest posterior mean (the first in vocabulary order on a tie). */
export function mostLikely<A extends PreferenceAttribute>(state: PreferenceState, attribute: A): AttributeValue<A> {
  const mean: Record<string, number> = posteriorMean(state, attribute);
  return valuesOf(attribute).reduce((best, v) => (mean[v] > mean[best] ? v : best)) as AttributeValue<A>;
}

/**
 * How settled this user's preference for an attribute is, in [0, 1]:
 *
 *   confidence = n / (n + k) · (1 − H(q) / ln k)
 *
 * with k the number of values, n = Σ (alpha − prior) the user's own (faded) evidence mass, and
 * q = (alpha − prior) / n its split across values; H is the Shannon entropy. The first factor says
 * how much evidence there is (½ at n = k), the second how one-sided it is (1 when all evidence
 * favours one value, 0 when it is spread evenly). The prior counts as no evidence, so a fresh
 * state has confidence 0 whatever the population prior. With λ = 0.9 and style (k = 4),
 * 10 consistent thumbs-up give n = 6.51 and confidence 0.62; the ceiling is 0.71 (n = 10).
 * Ratings weigh 3: 10 consistent 5-ratings give n = 19.5 and confidence 0.83, ceiling 0.88 (n = 30).
 */
export function confidence(state: PreferenceState, attribute: PreferenceAttribute): number {
  assertAttribute(attribute);
  const values = valuesOf(attribute);
  const alpha: Record<string, number> = state.alpha[attribute];
  const prior: Record<string, number> = state.prior[attribute];
  const evidence = values.map((v) => Math.max(0, alpha[v] - prior[v]));
  const n = evidence.reduce((sum, e) => sum + e, 0);
  if (n <= 0) return 0;
  const entropy = evidence.reduce((h, e) => (e > 0 ? h - (e / n) * Math.log(e / n) : h), 0);
  return (n / (n + values.length)) * Math.max(0, 1 - entropy / Math.log(values.length));
}

/**
 * Thompson sampling: draws θ ~ Dirichlet(alpha) by Gamma draws and returns the value with the
 * largest θ (and θ itself). Over many draws θ averages to the posterior mean, and a value is chosen
 * with the posterior probability that it is the user's favourite. In drift mode the draw is from
 * Dirichlet(prior + DRIFT_EVIDENCE_SCALE · (alpha − prior)), so settled favourites are questioned.
 *
 * @example
 * const { value } = thompsonSample(state, 'tone', createSeededRng(seed).next);
 */
export function thompsonSample<A extends PreferenceAttribute>(
  state: PreferenceState,
  attribute: A,
  rng: UniformRng,
): { value: AttributeValue<A>; sample: Record<AttributeValue<A>, number> } {
  assertAttribute(attribute);
  const values = valuesOf(attribute);
  const alpha: Record<string, number> = state.alpha[attribute];
  const prior: Record<string, number> = state.prior[attribute];
  const scale = isDrifting(state) ? DRIFT_EVIDENCE_SCALE : 1;
  const theta = sampleDirichlet(values.map((v) => prior[v] + scale * (alpha[v] - prior[v])), rng);
  const best = theta.indexOf(Math.max(...theta));
  return { value: values[best] as AttributeValue<A>, sample: Object.fromEntries(values.map((v, i) => [v, theta[i]])) as Record<AttributeValue<A>, number> };
}

/** Rounds prior and alpha to 3 decimals (never below 0.001) so that stored states stay small. */
export function compactState(state: PreferenceState): PreferenceState {
  const round = (counts: PreferenceCounts): PreferenceCounts => {
    const out = {} as LooseCounts;
    for (const attribute of PREFERENCE_ATTRIBUTES) {
      out[attribute] = Object.fromEntries(Object.entries<number>(counts[attribute]).map(([v, x]) => [v, Math.max(0.001, Math.round(x * 1000) / 1000)]));
    }
    return out as PreferenceCounts;
  };
  return { ...state, prior: round(state.prior), alpha: round(state.alpha) };
}
