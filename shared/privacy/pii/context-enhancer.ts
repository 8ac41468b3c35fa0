/**
 * @module shared/privacy/pii/context-enhancer
 * Raises a candidate's score when a context word occurs a few words before it, after Presidio's
 * LemmaContextAwareEnhancer: `score = min(1, score + 0.35)` when one of the recognizer's context
 * words is among the 5 words preceding the match (Presidio's defaults: context_similarity_factor
 * 0.35, context_prefix_count 5). "Lemmas" here are a light stemming (lower case, trailing
 * `'s`/`s`/`es` dropped), enough for `phones` → `phone` without a language model.
 */
import type { PiiCandidate } from './types';

/** Added to a score when context is found (Presidio's context_similarity_factor). */
export const CONTEXT_BOOST = 0.35;
/** Words looked at before a match (Presidio's context_prefix_count). */
export const CONTEXT_PREFIX_WORDS = 5;
/** Characters looked at before a match: bounds the work per candidate whatever the text. */
const CONTEXT_PREFIX_CHARS = 120;

/** Where to look for context around a match. */
export interface ContextWindow {
  /** Words before the match. @default 5 */
  readonly prefixWords?: number;
  /** Words after the match. @default 0 */
  readonly suffixWords?: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** A sentence end (`. `, `! `, `? `): context does not reach across it. Line breaks do (`Phone:\n…`). */
const SENTENCE_END = /[.!?][ \t]+(?=\p{Lu})/gu;

/**
 * Lower-case words of a bounded window of `text` before `start` (last `count` of them), within
 * the same sentence.
 */
export function wordsBefore(text: string, start: number, count = CONTEXT_PREFIX_WORDS): string[] {
  let window = text.slice(Math.max(0, start - CONTEXT_PREFIX_CHARS), start);
  let lastEnd = -1;
  for (const m of window.matchAll(SENTENCE_END)) lastEnd = m.index + m[0].length;
  if (lastEnd > 0) window = window.slice(lastEnd);
  const words = window.toLowerCase().match(WORD) ?? [];
  // The first word may be cut by the window's edge; it is still a fair context word.
  return words.slice(-count);
}

/** Lower-case words of a bounded window of `text` after `end` (first `count` of them). */
export function wordsAfter(text: string, end: number, count: number): string[] {
  if (count <= 0) return [];
  const words = text.slice(end, end + CONTEXT_PREFIX_CHARS).toLowerCase().match(WORD) ?? [];
  return words.slice(0, count);
}

/** True when `word` or its light stem is a context word. */
export function isContextWord(word: string, context: ReadonlySet<string>): boolean {
  if (context.has(word)) return true;
  if (word.endsWith('es') && context.has(word.slice(0, -2))) return true;
  if (word.endsWith('s') && context.has(word.slice(0, -1))) return true;
  return false;
}

/** True when a context word occurs in the window around `[start, end)`. */
export function hasContext(text: string, start: number, end: number, context: ReadonlySet<string>, window: ContextWindow = {}): boolean {
  if (context.size === 0) return false;
  for (const word of wordsBefore(text, start, window.prefixWords ?? CONTEXT_PREFIX_WORDS)) {
    if (isContextWord(word, context)) return true;
  }
  for (const word of wordsAfter(text, end, window.suffixWords ?? 0)) {
    if (isContextWord(word, context)) return true;
  }
  return false;
}

/** Rounds a score to two decimals (so 0.6 + 0.35 reads 0.95). */
export function roundScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
}

/**
 * Returns the candidates with `CONTEXT_BOOST` added (capped at 1) to those that have a context
 * word nearby.
 *
 * @example
 * enhanceWithContext('call me: 415 555 2671', [{ type: 'PHONE_NUMBER', start: 9, end: 21, score: 0.4, recognizer: 'PhoneRecognizer' }], new Set(['call']));
 * // → score 0.75
 */
export function enhanceWithContext(
  text: string,
  candidates: readonly PiiCandidate[],
  context: ReadonlySet<string>,
  window: ContextWindow = {},
): PiiCandidate[] {
  return candidates.map((c) =>
    c.score < 1 && hasContext(text, c.start, c.end, context, window)
      ? { ...c, score: roundScore(c.score + CONTEXT_BOOST) }
      : { ...c, score: roundScore(c.score) },
  );
}

/** Builds a context set from a space-separated word list. */
export function contextWords(words: string): ReadonlySet<string> {
  return new Set(words.split(/\s+/).filter(Boolean));
}
