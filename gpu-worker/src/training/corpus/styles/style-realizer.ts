/**
 * @module gpu-worker/training/corpus/styles/style-realizer
 * What every style provides: a way to say one content atom briefly and a set of atoms at length.
 * The composer calls these again (with fresh random choices) until the text fits the length
 * bounds, so a realizer aims for the bounds but need not guarantee them.
 */
import type { SeededRng } from '../../../../../shared/random/seeded-rng';
import type { ContentAtom, Domain, Topic } from '../types';
import { infinitive } from '../phrasing';

/** What a realizer may draw on besides the atoms. */
export interface PhraseContext {
  readonly rng: SeededRng;
  readonly domain: Domain;
  readonly topic: Topic;
}

/** Renders content in one style. */
export interface StyleRealizer {
  /** One or two sentences built on `atom`. */
  concise(ctx: PhraseContext, atom: ContentAtom): string;
  /**
   * Four to eight sentences built on `atoms`, in their order. `fullness` in [0, 1] is how often to
   * add a reason or detail to a point; the composer raises it when a draw is too short and lowers
   * it when a draw is too long.
   */
  detailed(ctx: PhraseContext, atoms: readonly ContentAtom[], fullness: number): string;
}

/** Template slots for one atom: `tip`, `Tip` (capitalized), `inf` (after "to"), `why`, `spec`, `subject`. */
export function atomSlots(ctx: PhraseContext, atom: ContentAtom): Record<string, string> {
  const [tip, why, spec] = atom;
  return { tip, Tip: tip.charAt(0).toUpperCase() + tip.slice(1), inf: infinitive(tip), why, spec, subject: ctx.topic.subject };
}

/** Joins sentences with single spaces. */
export function joinSentences(parts: ReadonlyArray<string | null | undefined>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' ');
}
