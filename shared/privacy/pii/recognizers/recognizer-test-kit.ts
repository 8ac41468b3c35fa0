/**
 * @module shared/privacy/pii/recognizers/recognizer-test-kit
 * For recognizer tests: runs one recognizer and returns what the analyzer would keep of it at
 * the default threshold — spans scoring at least 0.5, one per span (highest score), by start.
 */
import type { PiiRecognizer } from '../types';

/** `[value, score]` pairs the recognizer reports in `text`. */
export function reported(recognizer: PiiRecognizer, text: string, defaultCountry = 'US', threshold = 0.5): Array<[string, number]> {
  const best = new Map<string, { start: number; end: number; score: number }>();
  for (const c of recognizer.analyze(text, { defaultCountry, limit: 10_000, onLimit() {} })) {
    if (c.score < threshold) continue;
    const key = `${c.start}:${c.end}`;
    const seen = best.get(key);
    if (!seen || seen.score < c.score) best.set(key, c);
  }
  return [...best.values()].sort((a, b) => a.start - b.start).map((c) => [text.slice(c.start, c.end), c.score]);
}
