/**
 * @module gpu-worker/training/corpus/compose-response
 * Turns a topic into a response of a given style and length: picks the atoms, asks the style's
 * realizer for text, and redraws until the text meets the length bounds (few redraws are needed;
 * the bounds are a guarantee of the corpus, so running out of draws is an error).
 */
import type { SeededRng } from '../../../../shared/random/seeded-rng';
import { countSentences, countWords, pick, pickOrdered } from './phrasing';
import { casualStyle } from './styles/casual';
import { creativeStyle } from './styles/creative';
import { formalStyle } from './styles/formal';
import type { StyleRealizer } from './styles/style-realizer';
import { technicalStyle } from './styles/technical';
import { LENGTH_BOUNDS, type Domain, type Length, type Style, type Topic } from './types';

/** The realizer of each style. */
export const STYLE_REALIZERS: Readonly<Record<Style, StyleRealizer>> = {
  casual: casualStyle,
  formal: formalStyle,
  technical: technicalStyle,
  creative: creativeStyle,
};

const MAX_DRAWS = 200;

/** True when `text` is within the word and sentence bounds of `length`. */
export function fitsLength(text: string, length: Length): boolean {
  const b = LENGTH_BOUNDS[length];
  const words = countWords(text);
  const sentences = countSentences(text);
  return words >= b.minWords && words <= b.maxWords && sentences >= b.minSentences && sentences <= b.maxSentences;
}

/**
 * A response about `topic` in `style` and `length`. Concise answers use one atom; detailed ones
 * three or four, in the topic's order.
 *
 * @throws Error when no draw fits the bounds (a sign that a template or atom is too long).
 */
export function composeResponse(rng: SeededRng, domain: Domain, topic: Topic, style: Style, length: Length): string {
  const realizer = STYLE_REALIZERS[style];
  const ctx = { rng, domain, topic };
  const bounds = LENGTH_BOUNDS[length];
  let fullness = 0.65;
  let last = '';
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    if (length === 'concise') {
      last = realizer.concise(ctx, pick(rng, topic.atoms));
    } else {
      const atomCount = fullness >= 0.8 || rng.next() < 0.6 ? 4 : 3;
      last = realizer.detailed(ctx, pickOrdered(rng, topic.atoms, Math.min(topic.atoms.length, atomCount)), fullness);
    }
    if (fitsLength(last, length)) return last;
    // Steer the next draw: short texts get more reasons, long ones fewer.
    const words = countWords(last);
    if (words < bounds.minWords) fullness = Math.min(1, fullness + 0.15);
    else if (words > bounds.maxWords || countSentences(last) > bounds.maxSentences) fullness = Math.max(0, fullness - 0.15);
  }
  throw new Error(`no ${style} ${length} response for ${domain}/${topic.id} fits the length bounds; last try: "${last}"`);
}
