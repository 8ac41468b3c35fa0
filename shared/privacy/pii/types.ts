/**
 * @module shared/privacy/pii/types
 * The vocabulary of PII detection, in Microsoft Presidio's words: entity types, a recognizer's
 * candidate spans, the analyzer's merged entities, and the recognizer contract.
 */

/** Entity types, named as in Presidio (plus `SECRET` for credentials and keys). */
export const PII_ENTITY_TYPES = [
  'PERSON',
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
  'URL',
  'DATE_TIME',
  'LOCATION',
  'SECRET',
] as const;

/** One of {@link PII_ENTITY_TYPES}. */
export type PiiEntityType = (typeof PII_ENTITY_TYPES)[number];

/** A detected entity: `text.slice(start, end)` is the value (JS string indices, UTF-16 code units). */
export interface PiiEntity {
  readonly type: PiiEntityType;
  /** Index of the first code unit. */
  readonly start: number;
  /** Index one past the last code unit. */
  readonly end: number;
  /** Confidence in 0..1, after context enhancement, rounded to two decimals. */
  readonly score: number;
}

/** What a recognizer proposes, before overlaps between recognizers are resolved. */
export interface PiiCandidate extends PiiEntity {
  /** Name of the recognizer that proposed it (`EmailRecognizer`, …). */
  readonly recognizer: string;
}

/** What every recognizer is given besides the text. */
export interface RecognizerOptions {
  /** ISO 3166-1 alpha-2 country for numbers written without a country code (phones). */
  readonly defaultCountry: string;
  /**
   * Candidates scoring below this even after the largest context boost are not kept
   * (the analyzer passes `threshold − 0.35`). @default 0
   */
  readonly minScore?: number;
  /**
   * Most candidates to return; a recognizer that reaches it stops scanning and sets
   * {@link RecognizerOptions.onLimit} so the caller can tell the scan was cut short.
   */
  readonly limit: number;
  /** Called once when the recognizer stops early (candidate limit or work budget reached). */
  readonly onLimit: (recognizer: string) => void;
}

/**
 * A recognizer in Presidio's sense: one detection method for one or a few entity types.
 * It must run in time linear in the text (bounded regexes, one pass) since the text is untrusted.
 */
export interface PiiRecognizer {
  /** Presidio-style name, e.g. `EmailRecognizer`. */
  readonly name: string;
  /** Entity types it can return. */
  readonly supportedEntities: readonly PiiEntityType[];
  /** Candidates in `text`, scores already raised by context words (see `context-enhancer`). */
  analyze(text: string, options: RecognizerOptions): PiiCandidate[];
}
