/**
 * @module gpu-worker/training/corpus/marker-stats
 * Measures whether a style hangs on single words. A word is a *marker* of a style when at least
 * `minExclusivity` of the responses containing it are in that style; its *coverage* is the share
 * of that style's responses that contain it. A corpus where some marker covers most of its style
 * would teach a model (and a judge) one word instead of a style, so the corpus tests require every
 * marker's coverage to stay at or below 0.30.
 *
 * Words are lower-cased alphabetic tokens with inner or leading apostrophes ("it's", "'cause");
 * numbers and punctuation are left out: they are structure (the technical style's numbers are
 * its content), reported separately by {@link digitShareByStyle}.
 */
import { STYLES, type CorpusExample, type Style } from './types';

/** One marker word and how much of its style it covers. */
export interface StyleMarker {
  readonly word: string;
  /** Share of this style's responses containing the word. */
  readonly coverage: number;
  /** Share of all responses containing the word that are in this style. */
  readonly exclusivity: number;
}

/** Options of {@link styleMarkers}. */
export interface MarkerOptions {
  /** Least exclusivity for a word to count as a marker. @default 0.8 */
  readonly minExclusivity?: number;
  /** Markers returned per style, highest coverage first. @default 10 */
  readonly top?: number;
}

function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/'?[a-z]+(?:'[a-z]+)*/g) ?? []);
}

/** The highest-coverage marker words of each style. */
export function styleMarkers(examples: readonly CorpusExample[], options: MarkerOptions = {}): Record<Style, StyleMarker[]> {
  const { minExclusivity = 0.8, top = 10 } = options;
  const perStyle = Object.fromEntries(STYLES.map((s) => [s, 0])) as Record<Style, number>;
  const counts = new Map<string, Record<Style, number>>();
  for (const example of examples) {
    perStyle[example.style]++;
    for (const word of wordsOf(example.response)) {
      let row = counts.get(word);
      if (!row) counts.set(word, (row = { casual: 0, formal: 0, technical: 0, creative: 0 }));
      row[example.style]++;
    }
  }
  const result = {} as Record<Style, StyleMarker[]>;
  for (const style of STYLES) {
    const markers: StyleMarker[] = [];
    for (const [word, row] of counts) {
      const total = row.casual + row.formal + row.technical + row.creative;
      const exclusivity = row[style] / total;
      if (exclusivity >= minExclusivity && perStyle[style] > 0) markers.push({ word, coverage: row[style] / perStyle[style], exclusivity });
    }
    result[style] = markers.sort((a, b) => b.coverage - a.coverage || a.word.localeCompare(b.word)).slice(0, top);
  }
  return result;
}

/** Share of each style's responses that contain a digit. */
export function digitShareByStyle(examples: readonly CorpusExample[]): Record<Style, number> {
  const out = {} as Record<Style, number>;
  for (const style of STYLES) {
    const mine = examples.filter((e) => e.style === style);
    out[style] = mine.length === 0 ? 0 : mine.filter((e) => /[0-9]/.test(e.response)).length / mine.length;
  }
  return out;
}
