/**
 * @module gpu-worker/training/corpus/types
 * The vocabulary of the synthetic style corpus: its domains, styles, lengths and splits, the
 * shape of one example, and the shape of the topic banks the responses are composed from.
 */

/** Writing styles a response can take; the model learns to follow them and the judge labels them. */
export const STYLES = ['casual', 'formal', 'technical', 'creative'] as const;
/** One of {@link STYLES}. */
export type Style = (typeof STYLES)[number];

/** Response lengths: concise is 1-2 sentences and at most 40 words, detailed 4-8 sentences and 60-160 words. */
export const LENGTHS = ['concise', 'detailed'] as const;
/** One of {@link LENGTHS}. */
export type Length = (typeof LENGTHS)[number];

/** Kinds of assistant the corpus covers, one topic bank each. */
export const DOMAINS = ['writing', 'code', 'tutor', 'shopping', 'health'] as const;
/** One of {@link DOMAINS}. */
export type Domain = (typeof DOMAINS)[number];

/**
 * Which part of the corpus to draw: `train` and `validation` share the training topics,
 * `held-out` uses only topics that never appear in train (generalization to unseen prompts).
 */
export const SPLITS = ['train', 'validation', 'held-out'] as const;
/** One of {@link SPLITS}. */
export type CorpusSplit = (typeof SPLITS)[number];

/** Word bounds that define each length; the generator guarantees them and the tests assert them. */
export const LENGTH_BOUNDS: Readonly<Record<Length, { minWords: number; maxWords: number; minSentences: number; maxSentences: number }>> = {
  concise: { minWords: 1, maxWords: 40, minSentences: 1, maxSentences: 2 },
  detailed: { minWords: 60, maxWords: 160, minSentences: 4, maxSentences: 8 },
};

/** One prompt and its styled response. */
export interface CorpusExample {
  /** Stable within a seed and split: `${split}-${seed}-${index}`. */
  readonly id: string;
  readonly domain: Domain;
  readonly style: Style;
  readonly length: Length;
  /** Topic the prompt and response are about (a key of the domain's topic bank). */
  readonly topic: string;
  /** The user's request, with no style or length instruction. */
  readonly prompt: string;
  /** The request with the style and length stated in one of many wordings. */
  readonly styledPrompt: string;
  /** The response in `style` and `length`. Plain ASCII, one line. */
  readonly response: string;
}

/**
 * One unit of advice, written once and realized by every style:
 * `tip` is an imperative verb phrase ("read the text out loud"), `why` a full clause giving the
 * reason ("your ear catches errors your eye skips"), `spec` a precise detail with numbers and
 * units for the technical style ("read aloud at about 150 words per minute"). All lower-case
 * first letter, no final period, no colon or semicolon in `spec`.
 */
export type ContentAtom = readonly [tip: string, why: string, spec: string];

/** A subject users ask about. */
export interface Topic {
  /** Kebab-case key, unique within the domain. */
  readonly id: string;
  /** What the user wants to do, as a verb phrase that fits "How do I …?" ("write a cover letter"). */
  readonly task: string;
  /** The subject as a noun phrase ("a cover letter"). */
  readonly subject: string;
  /** Advice in a sensible order; detailed answers keep that order. */
  readonly atoms: readonly ContentAtom[];
}
