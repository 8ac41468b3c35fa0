/**
 * @module gpu-worker/training/corpus/phrasing
 * Small text tools the style realizers share: seeded choice, template filling, sentence
 * capitalization, contractions for the casual style, and the word and sentence counts that
 * define a response's length.
 */
import type { SeededRng } from '../../../../shared/random/seeded-rng';

/** Uniform choice from a non-empty list. */
export function pick<T>(rng: SeededRng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick needs at least one item');
  return items[Math.floor(rng.next() * items.length)];
}

/** True with probability `p`. */
export function chance(rng: SeededRng, p: number): boolean {
  return rng.next() < p;
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(rng: SeededRng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `k` distinct items in their original order. */
export function pickOrdered<T>(rng: SeededRng, items: readonly T[], k: number): T[] {
  const keep = new Set(shuffled(rng, items.map((_, i) => i)).slice(0, k));
  return items.filter((_, i) => keep.has(i));
}

/**
 * Replaces `{name}` by `slots[name]`. A missing slot is a bug in a template, so it throws
 * rather than leaving braces in the corpus.
 */
export function fill(template: string, slots: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`template slot {${name}} has no value in "${template}"`);
    return value;
  });
}

/** Upper-cases the first letter of the text and of every sentence in it. */
export function capitalizeSentences(text: string): string {
  return text.replace(/(^|[.!?]\s+)([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/**
 * A tip as an infinitive after "to": "never store x" stays, and a bare verb phrase needs nothing,
 * so only a leading "do not" changes ("do not x" becomes "not x").
 */
export function infinitive(tip: string): string {
  return tip.startsWith('do not ') ? `not ${tip.slice(7)}` : tip;
}

const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b([Ii])t is\b/g, "$1t's"],
  [/\b([Ii])t will\b/g, "$1t'll"],
  [/\b([Tt])hat is\b/g, "$1hat's"],
  [/\b([Tt])here is\b/g, "$1here's"],
  [/\b([Ww])hat is\b/g, "$1hat's"],
  [/\b([Yy])ou are\b/g, "$1ou're"],
  [/\b([Yy])ou will\b/g, "$1ou'll"],
  [/\b([Yy])ou would\b/g, "$1ou'd"],
  [/\b([Tt])hey are\b/g, "$1hey're"],
  [/\b([Ww])e are\b/g, "$1e're"],
  [/\bI would\b/g, "I'd"],
  [/\bI am\b/g, "I'm"],
  [/\b([Dd])o not\b/g, "$1on't"],
  [/\b([Dd])oes not\b/g, "$1oesn't"],
  [/\b([Ii])s not\b/g, "$1sn't"],
  [/\b([Aa])re not\b/g, "$1ren't"],
  [/\b([Cc])annot\b/g, "$1an't"],
  [/\b([Ww])ill not\b/g, "$1on't"],
  [/\b([Ss])hould not\b/g, "$1houldn't"],
  [/\b([Ll])et us\b/g, "$1et's"],
];

/** Contracts "it is", "do not", "you will" … as casual speech does. */
export function contract(text: string): string {
  return CONTRACTIONS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Whitespace-separated words. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** Sentences: runs of text ended by `.`, `!` or `?` before a space or the end (a final fragment counts too). */
export function countSentences(text: string): number {
  return text
    .trim()
    .split(/(?<=[.!?])\s+/)
    .filter((s) => /[A-Za-z0-9]/.test(s)).length;
}

/** "a"/"an" for the word that follows (by its first letter, which is right for this corpus' words). */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
