/**
 * @module shared/personalization/content-filter
 * Applies a user's content preferences to candidate responses before one is chosen: a candidate
 * that mentions an excluded topic is dropped, and profanity is kept, masked (`s***`) or causes the
 * candidate to be dropped. Matching is whole-word and case-insensitive, with Unicode-aware word
 * edges (JavaScript's `\b` only knows ASCII). This is a preference filter, not a safety filter:
 * the word list is small and does not catch obfuscated spellings ("f*ck", "sh1t").
 */
import { z } from 'zod';

export const PROFANITY_MODES = ['allow', 'mask', 'block'] as const;
export type ProfanityMode = (typeof PROFANITY_MODES)[number];

/** Profile-side content settings. */
export const contentPreferencesSchema = z
  .strictObject({
    excluded_topics: z
      .array(z.string().trim().min(1).max(40).regex(/[\p{L}\p{N}]/u, 'must contain a letter or digit'))
      .max(20)
      .describe('topics never to mention, in the singular (plurals are matched too)')
      .optional(),
    profanity: z.enum(PROFANITY_MODES).describe('what to do with profanity; absent means allow').optional(),
  })
  .describe('ContentPreferences');
export type ContentPreferences = z.infer<typeof contentPreferencesSchema>;

export interface KeptCandidate {
  /** Position in the input list. */
  index: number;
  /** The candidate, with profanity masked when the mode is `mask`. */
  text: string;
}

export interface RemovedCandidate {
  index: number;
  reason: 'excluded_topic' | 'profanity';
  /** The excluded topic that matched, for `excluded_topic`. */
  topic?: string;
}

export interface FilterResult {
  kept: KeptCandidate[];
  removed: RemovedCandidate[];
}

/**
 * Common English profanity with its usual inflections. Words with frequent innocent senses
 * ("dick", "prick", "cock", "ass" as donkey) are left out to avoid masking ordinary text.
 */
export const PROFANITY_WORDS: readonly string[] = [
  'fuck', 'fucks', 'fucked', 'fucker', 'fuckers', 'fucking', 'fuckin', 'motherfucker', 'motherfuckers', 'motherfucking',
  'shit', 'shits', 'shitty', 'shitting', 'shitted', 'bullshit', 'horseshit',
  'bitch', 'bitches', 'bitching', 'bitchy',
  'bastard', 'bastards', 'asshole', 'assholes', 'arsehole', 'arseholes', 'dickhead', 'dickheads',
  'cunt', 'cunts', 'twat', 'twats', 'wanker', 'wankers', 'bollocks',
  'piss', 'pissed', 'pissing', 'slut', 'sluts', 'whore', 'whores',
  'crap', 'crappy', 'damn', 'damned', 'dammit', 'goddamn', 'goddamned',
];

// Word edges that also work for accented letters and digits.
const BEFORE = '(?<![\\p{L}\\p{N}_])';
const AFTER = '(?![\\p{L}\\p{N}_])';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The singular plus its simple plurals: +s, +es, and consonant+y → ies. */
function pluralForms(word: string): string[] {
  const forms = [word, `${word}s`, `${word}es`];
  if (/[^aeiou]y$/i.test(word)) forms.push(`${word.slice(0, -1)}ies`);
  return forms;
}

/**
 * A case-insensitive, whole-word pattern for a topic; words of a multi-word topic may be separated
 * by any whitespace or hyphens, and the last word may be plural.
 * @example topicPattern('puppy').test('Two Puppies!') // true
 */
export function topicPattern(topic: string): RegExp {
  // An empty pattern would match between any two spaces and remove every candidate.
  if (!/[\p{L}\p{N}]/u.test(topic)) throw new RangeError(`excluded_topics entries must contain a letter or digit, got "${topic}"`);
  const words = topic.trim().toLowerCase().split(/\s+/);
  const last = words.pop() ?? '';
  const head = words.map((w) => `${escapeRegExp(w)}[\\s-]+`).join('');
  const tail = pluralForms(last).map(escapeRegExp).join('|');
  return new RegExp(`${BEFORE}${head}(?:${tail})${AFTER}`, 'iu');
}

const PROFANITY_PATTERN = new RegExp(`${BEFORE}(?:${PROFANITY_WORDS.map(escapeRegExp).join('|')})${AFTER}`, 'giu');

/** Whether `text` contains a word from the built-in profanity list. */
export function containsProfanity(text: string): boolean {
  PROFANITY_PATTERN.lastIndex = 0;
  return PROFANITY_PATTERN.test(text);
}

/**
 * Masks each profane word, keeping its first letter.
 * @example maskProfanity('What the Fuck?') // 'What the F***?'
 */
export function maskProfanity(text: string): string {
  return text.replace(PROFANITY_PATTERN, (word) => {
    const chars = Array.from(word);
    return chars[0] + '*'.repeat(chars.length - 1);
  });
}

/**
 * Sorts candidates into kept (masked if asked) and removed, by the user's content preferences.
 * An excluded topic takes precedence over profanity as the reason for removal.
 * @example
 * filterCandidates(['Try the chicken soup.', 'Try the damn lentil soup.'], { excluded_topics: ['chicken'], profanity: 'mask' })
 * // { kept: [{ index: 1, text: 'Try the d*** lentil soup.' }], removed: [{ index: 0, reason: 'excluded_topic', topic: 'chicken' }] }
 */
export function filterCandidates(candidates: readonly string[], prefs: ContentPreferences = {}): FilterResult {
  const topics = (prefs.excluded_topics ?? []).map((topic) => ({ topic, pattern: topicPattern(topic) }));
  const mode: ProfanityMode = prefs.profanity ?? 'allow';
  const result: FilterResult = { kept: [], removed: [] };
  candidates.forEach((text, index) => {
    const excluded = topics.find(({ pattern }) => pattern.test(text));
    if (excluded) {
      result.removed.push({ index, reason: 'excluded_topic', topic: excluded.topic });
    } else if (mode === 'block' && containsProfanity(text)) {
      result.removed.push({ index, reason: 'profanity' });
    } else {
      result.kept.push({ index, text: mode === 'mask' ? maskProfanity(text) : text });
    }
  });
  return result;
}

/**
 * The input index of the highest-scoring kept candidate (ties go to the lowest index), or null
 * when every candidate was removed. `scores` is indexed like the original candidate list.
 * @example pickBest(filterCandidates(texts, prefs), [0.2, 0.9, 0.4]) // 1, unless candidate 1 was removed
 */
export function pickBest(candidates: Pick<FilterResult, 'kept'>, scores: ArrayLike<number>): number | null {
  let best: number | null = null;
  for (const { index } of candidates.kept) {
    const score = scores[index];
    if (typeof score !== 'number' || Number.isNaN(score)) throw new RangeError(`scores[${index}] must be a number, got ${score}`);
    if (best === null || score > scores[best] || (score === scores[best] && index < best)) best = index;
  }
  return best;
}
