/**
 * @module shared/privacy/pii/analyzer
 * `analyze(text)`: runs every recognizer over a normalized view of the text (invisible
 * characters removed, look-alikes folded), resolves overlaps, drops what scores under the
 * threshold, and maps offsets back into the caller's string.
 *
 * Bounded work: each recognizer is linear in the text, keeps at most `2 × maxEntities`
 * candidates, and the result holds at most `maxEntities` (10,000 by default). When any of those
 * caps is hit, {@link analyzeReport} says so with `truncated: true`: the caller must then treat
 * the text as not fully scanned (the edge rejects it rather than forward PII).
 */
import { isSupportedCountry } from 'libphonenumber-js';
import { CONTEXT_BOOST } from './context-enhancer';
import { normalizeForMatching } from './normalize';
import { resolveOverlaps } from './overlap-resolution';
import { DEFAULT_RECOGNIZERS } from './recognizers/index';
import { PII_ENTITY_TYPES, type PiiCandidate, type PiiEntity, type PiiEntityType, type PiiRecognizer } from './types';

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** Lowest score kept, 0..1. @default 0.5 */
  readonly threshold?: number;
  /** ISO 3166-1 alpha-2 country for phone numbers written without `+`. @default 'US' */
  readonly defaultCountry?: string;
  /** Only these entity types. @default all */
  readonly entities?: readonly PiiEntityType[];
  /** Most entities returned; more sets `truncated`. @default 10_000 */
  readonly maxEntities?: number;
  /** Recognizers to run. @default DEFAULT_RECOGNIZERS */
  readonly recognizers?: readonly PiiRecognizer[];
}

/** What {@link analyzeReport} returns. */
export interface AnalysisReport {
  /** Disjoint entities sorted by start, offsets into the original text. */
  readonly entities: PiiEntity[];
  /** True when a cap stopped the scan early: entities may be missing. */
  readonly truncated: boolean;
  /** Recognizers that stopped before the end of the text. */
  readonly stoppedEarly: readonly string[];
}

/** Default lowest score kept. */
export const DEFAULT_THRESHOLD = 0.5;
/** Default cap on entities per text. */
export const DEFAULT_MAX_ENTITIES = 10_000;

function checkedOptions(options: AnalyzeOptions) {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`threshold must be a number in 0..1, got ${threshold}`);
  const defaultCountry = options.defaultCountry ?? 'US';
  if (!isSupportedCountry(defaultCountry)) throw new Error(`defaultCountry must be an ISO 3166-1 alpha-2 code with phone metadata, got "${defaultCountry}"`);
  const maxEntities = options.maxEntities ?? DEFAULT_MAX_ENTITIES;
  if (!Number.isInteger(maxEntities) || maxEntities < 1) throw new Error(`maxEntities must be a positive integer, got ${maxEntities}`);
  const unknown = (options.entities ?? []).filter((t) => !(PII_ENTITY_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`entities: unknown entity type ${unknown[0]}`);
  return { threshold, defaultCountry, maxEntities, wanted: options.entities ? new Set(options.entities) : null };
}

/**
 * Finds PII in `text` and reports whether the scan was complete.
 *
 * @example
 * const { entities, truncated } = analyzeReport('Mail jane@example.com');
 * // entities: [{ type: 'EMAIL_ADDRESS', start: 5, end: 21, score: 1 }], truncated: false
 */
export function analyzeReport(text: string, options: AnalyzeOptions = {}): AnalysisReport {
  const { threshold, defaultCountry, maxEntities, wanted } = checkedOptions(options);
  const normalized = normalizeForMatching(text);
  const stoppedEarly: string[] = [];
  const recognizerOptions = {
    defaultCountry,
    limit: 2 * maxEntities,
    minScore: threshold - CONTEXT_BOOST - 1e-9, // 0.5 − 0.35 is 0.15000000000000002 in floating point
    onLimit: (name: string) => stoppedEarly.push(name),
  };
  const candidates: PiiCandidate[] = [];
  for (const recognizer of options.recognizers ?? DEFAULT_RECOGNIZERS) {
    if (wanted && !recognizer.supportedEntities.some((t) => wanted.has(t))) continue;
    for (const c of recognizer.analyze(normalized.text, recognizerOptions)) {
      if (c.score >= threshold && (!wanted || wanted.has(c.type))) candidates.push(c);
    }
  }
  const resolved = resolveOverlaps(candidates);
  const truncated = stoppedEarly.length > 0 || resolved.length > maxEntities;
  const entities = resolved.slice(0, maxEntities).map(({ type, start, end, score }) => {
    const [s, e] = normalized.toOriginal(start, end);
    return { type, start: s, end: e, score };
  });
  return { entities, truncated, stoppedEarly };
}

/**
 * Finds PII in `text`: disjoint entities scoring at least `threshold`, sorted by start, offsets
 * into `text` (JS string indices). See {@link analyzeReport} to learn whether a cap was hit.
 *
 * @example
 * analyze('Call Dr. Okafor on +44 20 7946 0958');
 * // [{ type: 'PERSON', start: 9, end: 15, score: 0.85 }, { type: 'PHONE_NUMBER', start: 19, end: 35, score: 0.7 }]
 */
export function analyze(text: string, options: AnalyzeOptions = {}): PiiEntity[] {
  return analyzeReport(text, options).entities;
}
