/**
 * @module shared/personalization/template-library
 * The system-prompt templates the learned preference model chooses between, as declarative data,
 * and the chooser itself. The sentences are exactly those of `prompt-builder.ts` (the default model
 * was trained on "Write in a {style} style." and the length sentences), so a template rendered here
 * equals `preferenceInstructions` for the same choices.
 *
 * The system text is assembled only from the library's sentences: every field is checked against
 * the vocabulary, and the user's own text always stays in its user turn.
 */
import { DOMAINS, RESPONSE_LENGTHS, TONES, type Domain, type Profile, type Style } from '../api/profile';
import type { UniformRng } from './dirichlet';
import type { ChatTurn } from './prompt-builder';
import { confidence, isDrifting, mostLikely, thompsonSample, type ComplexityLevel, type PreferenceAttributes, type PreferenceState } from './preference-model';

type Tone = (typeof TONES)[number];
type ResponseLength = (typeof RESPONSE_LENGTHS)[number];

/** Every sentence a system template can contain. `{role}` and `{locale}` are filled in by `renderSystemTemplate`. */
export const TEMPLATE_LIBRARY = {
  opening: 'You are Attune, {role}.',
  roles: {
    writing: 'a writing assistant',
    code: 'a programming assistant',
    tutoring: 'a patient tutor',
    shopping: 'a shopping assistant',
    health: 'a health information assistant (general information only, not medical advice)',
    general: 'a helpful assistant',
  } satisfies Record<Domain, string>,
  style: {
    casual: 'Write in a casual style.',
    formal: 'Write in a formal style.',
    technical: 'Write in a technical style.',
    creative: 'Write in a creative style.',
  } satisfies Record<Style, string>,
  // "a enthusiastic" / "a empathetic" match prompt-builder.ts word for word; fix both together.
  tone: {
    neutral: 'Use a neutral tone.',
    friendly: 'Use a friendly tone.',
    professional: 'Use a professional tone.',
    enthusiastic: 'Use a enthusiastic tone.',
    empathetic: 'Use a empathetic tone.',
  } satisfies Record<Tone, string>,
  length: {
    concise: 'Keep the answer short: a few sentences.',
    balanced: 'Give a complete but focused answer.',
    detailed: 'Give a detailed, thorough answer.',
  } satisfies Record<ResponseLength, string>,
  complexity: {
    plain: 'Use plain, everyday language and avoid jargon.',
    moderate: 'Use clear language; explain technical terms briefly.',
    expert: 'Assume an expert reader; precise technical language is welcome.',
  } satisfies Record<ComplexityLevel, string>,
  locale: 'Answer in the language of the locale {locale} unless asked otherwise.',
} as const;

/** The choices a system template is rendered from; omitted attributes add no sentence. */
export interface TemplateSelection {
  domain: Domain;
  style?: Style;
  tone?: Tone;
  length?: ResponseLength;
  complexity?: ComplexityLevel;
  /** BCP 47 tag, from the explicit profile only. */
  locale?: string;
}

/** A full choice: every attribute set (by the profile, or by the model). */
export type TemplateChoice = Required<Omit<TemplateSelection, 'locale'>> & Pick<TemplateSelection, 'locale'>;
export type ChosenAttribute = 'style' | 'tone' | 'length' | 'complexity';
/** Why a value was chosen: stated in the profile, the model's best guess, or a Thompson draw. */
/** Where a value came from; `off`: not stated and not learned (see `learnedAttributes`), left out of the template. */
export type ChoiceSource = 'explicit' | 'exploit' | 'explore' | 'off';

/** Profile complexity score that renders as each level (inverse of `complexityLevel`). */
export const COMPLEXITY_SCORE: Record<ComplexityLevel, number> = { plain: 0, moderate: 0.5, expert: 1 };

/** Profile complexity in [0, 1] → level, with the thresholds of prompt-builder.ts (0.34, 0.67). */
export function complexityLevel(score: number): ComplexityLevel {
  if (!(score >= 0 && score <= 1)) throw new RangeError(`complexity must be a number in [0, 1], got ${score}`);
  return score < 0.34 ? 'plain' : score < 0.67 ? 'moderate' : 'expert';
}

const LOCALE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/; // as profileSchema.locale

function pick<K extends string>(table: Record<K, string>, field: string, key: unknown): string {
  if (typeof key !== 'string' || !Object.hasOwn(table, key)) throw new RangeError(`${field} must be one of ${Object.keys(table).join(', ')}, got ${JSON.stringify(key)}`);
  return table[key as K];
}

/**
 * The system text for a selection; equals `preferenceInstructions` for the same choices
 * (with complexity given as `COMPLEXITY_SCORE[level]`).
 *
 * @example
 * renderSystemTemplate({ domain: 'writing', style: 'casual', length: 'concise' });
 * // 'You are Attune, a writing assistant. Write in a casual style. Keep the answer short: a few sentences.'
 */
export function renderSystemTemplate(selection: TemplateSelection): string {
  const lib = TEMPLATE_LIBRARY;
  const parts = [lib.opening.replace('{role}', pick(lib.roles, 'domain', selection.domain))];
  if (selection.style !== undefined) parts.push(pick(lib.style, 'style', selection.style));
  if (selection.tone !== undefined) parts.push(pick(lib.tone, 'tone', selection.tone));
  if (selection.length !== undefined) parts.push(pick(lib.length, 'length', selection.length));
  if (selection.complexity !== undefined) parts.push(pick(lib.complexity, 'complexity', selection.complexity));
  if (selection.locale !== undefined) {
    if (typeof selection.locale !== 'string' || selection.locale.length > 35 || !LOCALE.test(selection.locale)) throw new RangeError(`locale must be a BCP 47 language tag, got ${JSON.stringify(selection.locale)}`);
    parts.push(lib.locale.replace('{locale}', selection.locale));
  }
  return parts.join(' ');
}

/** What `chooseTemplate` needs besides the state. */
export interface ChooseTemplateOptions {
  /** Uniform [0, 1) generator for Thompson draws. */
  rng: UniformRng;
  /** The user's explicit profile; its fields win over the model. */
  explicit?: Profile | null;
  /** The request's domain (sets the assistant's role). */
  domain: Domain;
  /**
   * Attributes the engine states from what it learned when the profile does not; the others are
   * left out unless the profile states them. The served model should have been trained on the
   * sentences of every learned attribute: the default model knows the style and length sentences,
   * and a template with tone and complexity sentences lowers its style following from 99% to 65%.
   * @default every attribute
   */
  learnedAttributes?: readonly ChosenAttribute[];
  /** Below this confidence an attribute is explored. @default 0.6 */
  confidenceThreshold?: number;
}

const CHOSEN_ATTRIBUTES = ['style', 'tone', 'length', 'complexity'] as const satisfies readonly ChosenAttribute[];

function explicitValue(profile: Profile | null | undefined, attribute: ChosenAttribute): string | undefined {
  if (!profile) return undefined;
  if (attribute === 'length') return profile.response_length;
  if (attribute === 'complexity') return profile.complexity === undefined ? undefined : complexityLevel(profile.complexity);
  return profile[attribute];
}

/**
 * Chooses a template: explicit profile fields win; otherwise, per attribute, a Thompson draw when
 * the posterior's confidence is below the threshold or the state is in drift mode ('explore'),
 * else the most likely value ('exploit'). Draws happen in the order style, tone, length, complexity,
 * only for explored attributes, so a seeded rng gives reproducible choices.
 *
 * @example
 * const { choice, sources } = chooseTemplate(state, { rng: createSeededRng(seed).next, explicit: profile, domain: 'code' });
 * const messages = buildTemplatedMessages(choice, userMessages);
 */
export function chooseTemplate(state: PreferenceState, opts: ChooseTemplateOptions): { choice: TemplateChoice; sources: Record<ChosenAttribute, ChoiceSource> } {
  const threshold = opts.confidenceThreshold ?? 0.6;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`confidenceThreshold must be in [0, 1], got ${threshold}`);
  if (!(DOMAINS as readonly string[]).includes(opts.domain)) throw new RangeError(`domain must be one of ${DOMAINS.join(', ')}, got ${JSON.stringify(opts.domain)}`);
  const drifting = isDrifting(state);
  const values: Partial<Record<ChosenAttribute, string>> = {};
  const sources = {} as Record<ChosenAttribute, ChoiceSource>;
  for (const attribute of CHOSEN_ATTRIBUTES) {
    const stated = explicitValue(opts.explicit, attribute);
    if (stated !== undefined) {
      values[attribute] = stated;
      sources[attribute] = 'explicit';
    } else if (opts.learnedAttributes && !opts.learnedAttributes.includes(attribute)) {
      sources[attribute] = 'off';
    } else if (drifting || confidence(state, attribute) < threshold) {
      values[attribute] = thompsonSample(state, attribute, opts.rng).value;
      sources[attribute] = 'explore';
    } else {
      values[attribute] = mostLikely(state, attribute);
      sources[attribute] = 'exploit';
    }
  }
  const choice = { domain: opts.domain, ...values } as TemplateChoice;
  if (opts.explicit?.locale !== undefined) choice.locale = opts.explicit.locale;
  return { choice, sources };
}

/**
 * The attributes of a response generated with `choice`, for feeding its feedback back to the model.
 *
 * @example
 * state = observeFeedback(state, { kind: 'rating', attributes: choiceAttributes(choice), rating: 4 });
 */
export function choiceAttributes(choice: TemplateChoice): PreferenceAttributes {
  return { style: choice.style, tone: choice.tone, length: choice.length, complexity: choice.complexity, domain: choice.domain };
}

/**
 * The messages the model sees: the rendered system template, then the caller's messages unchanged.
 * User text never enters the system message.
 */
export function buildTemplatedMessages(choice: TemplateSelection, userMessages: readonly ChatTurn[]): ChatTurn[] {
  return [{ role: 'system', content: renderSystemTemplate(choice) }, ...userMessages];
}
