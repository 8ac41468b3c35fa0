/**
 * @module gpu-worker/training/judge/text-features
 * What the style judge sees of a text. Written separately from the corpus generator (no shared
 * code or word lists) so that the judge learns styles from examples, not from the generator's
 * templates.
 *
 * Style features: lower-cased tokens (words with apostrophes, `<num>` for any number, and each
 * punctuation mark), their unigrams and bigrams (with `<s>`/`</s>` at the ends), plus a few
 * shape tokens: bins of sentence count, mean sentence length and the share of long words.
 * Length features: ln(words + 1), sentence count and ln(mean words per sentence).
 */

const TOKEN = /\p{L}+(?:'\p{L}+)*|'\p{L}+|\d+(?:[.,]\d+)*|[!?:;()[\]\-.,%/+=*#]/gu;

/** Lower-cased tokens: words (keeping "it's", "'cause"), `<num>`, punctuation. */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(TOKEN) ?? []).map((t) => (/^\d/.test(t) ? '<num>' : t));
}

/** Whitespace-separated words. */
export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** Sentences ended by `.`, `!` or `?` before whitespace or the end; a trailing fragment counts. */
export function sentenceCount(text: string): number {
  return text
    .trim()
    .split(/(?<=[.!?])\s+/)
    .filter((s) => /[\p{L}\p{N}]/u.test(s)).length;
}

function bin(value: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && value >= edges[i]) i++;
  return i;
}

/** Bag of style features with counts. */
export function styleFeatures(text: string): Map<string, number> {
  const bag = new Map<string, number>();
  const add = (feature: string) => bag.set(feature, (bag.get(feature) ?? 0) + 1);
  const tokens = tokenize(text);
  const padded = ['<s>', ...tokens, '</s>'];
  for (const token of tokens) add(token);
  for (let i = 0; i + 1 < padded.length; i++) add(`${padded[i]} ${padded[i + 1]}`);
  const words = wordCount(text);
  const sentences = Math.max(1, sentenceCount(text));
  const alphabetic = tokens.filter((t) => /^\p{L}/u.test(t));
  const longShare = alphabetic.length === 0 ? 0 : alphabetic.filter((t) => t.length >= 9).length / alphabetic.length;
  add(`#sentences=${bin(sentences, [2, 3, 5, 7, 9])}`);
  add(`#words-per-sentence=${bin(words / sentences, [6, 9, 12, 16, 20, 25])}`);
  add(`#long-words=${bin(longShare, [0.03, 0.06, 0.1, 0.15])}`);
  return bag;
}

/** Numeric features of the length classifier. */
export function lengthFeatures(text: string): number[] {
  const words = wordCount(text);
  const sentences = Math.max(1, sentenceCount(text));
  return [Math.log(words + 1), sentences, Math.log((words + 1) / sentences)];
}
