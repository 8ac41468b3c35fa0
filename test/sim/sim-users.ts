/**
 * @module test/sim/sim-users
 * Simulated users for `npm run sim`: each has a hidden preferred style (and, after a set
 * interaction, a different one), asks plain questions (no style instruction, no profile), and
 * rates each answer by whether the style judge reads it as the style they like.
 */
import { createSeededRng, type SeededRng } from '../../shared/random/seeded-rng';
import { STYLES, type Style } from '../../gpu-worker/src/training/corpus/types';

/** One simulated user. */
export interface SimUser {
  id: string;
  /** Preferred style before the change. */
  first: Style;
  /** Preferred style from `changeAt` on. */
  second: Style;
  /** Control users never give feedback: the stack has nothing to learn from. */
  control: boolean;
  rng: SeededRng;
}

/** Users with preferences spread evenly over the styles; the change moves each to another style. */
export function makeUsers(count: number, controls: number, seed: number): SimUser[] {
  const root = createSeededRng(seed);
  return Array.from({ length: count + controls }, (_, i) => {
    const rng = root.fork(i);
    const first = STYLES[i % STYLES.length];
    const others = STYLES.filter((s) => s !== first);
    return { id: `sim-${seed}-${i}`, first, second: others[Math.floor(rng.next() * others.length)], control: i >= count, rng };
  });
}

/** The style `user` wants at 1-based interaction `n`. */
export function wantedStyle(user: SimUser, n: number, changeAt: number): Style {
  return n < changeAt ? user.first : user.second;
}

/**
 * A rating of 1–5 for an answer judged `judged` when the user wants `wanted`: 4–5 for a match,
 * 1–2 otherwise (a little noise, as real ratings have).
 */
export function rate(user: SimUser, judged: Style, wanted: Style): number {
  const u = user.rng.next();
  if (judged === wanted) return u < 0.75 ? 5 : 4;
  return u < 0.75 ? 1 : 2;
}
