/**
 * @module shared/privacy/pii/recognizers/candidate-list
 * What every recognizer shares: a bounded list of candidates that reports when it is full, and
 * a loop over a global regex that can stop early. Capping the work keeps a hostile input (one
 * with millions of look-alike matches) from turning into millions of objects.
 */
import type { PiiCandidate, PiiEntityType, RecognizerOptions } from '../types';

/** Candidates of one recognizer, at most `options.limit` of them. */
export class CandidateList {
  readonly items: PiiCandidate[] = [];
  #reported = false;

  constructor(
    private readonly recognizer: string,
    private readonly options: RecognizerOptions,
  ) {}

  /** True once the limit is reached: the recognizer should stop scanning. */
  get full(): boolean {
    return this.items.length >= this.options.limit;
  }

  /**
   * Adds a candidate; returns false (and reports once) when the list is full. A candidate that
   * could not reach the threshold even with context is dropped (and does not count).
   */
  add(type: PiiEntityType, start: number, end: number, score: number): boolean {
    if (score < (this.options.minScore ?? 0)) return true;
    if (this.full) {
      this.stopEarly();
      return false;
    }
    this.items.push({ type, start, end, score, recognizer: this.recognizer });
    return true;
  }

  /** Reports, once, that the scan stopped before the end of the text. */
  stopEarly(): void {
    if (this.#reported) return;
    this.#reported = true;
    this.options.onLimit(this.recognizer);
  }
}

/**
 * Calls `visit` for each match of the global (or sticky) `pattern` in `text`, from the start,
 * until it returns `false`. Empty matches advance by one so the loop always ends.
 */
export function eachMatch(pattern: RegExp, text: string, visit: (match: RegExpExecArray) => boolean | void): void {
  if (!pattern.global && !pattern.sticky) throw new Error('eachMatch needs a global regex');
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (visit(m) === false) break;
    if (m[0].length === 0) pattern.lastIndex++;
  }
  pattern.lastIndex = 0;
}

/** True for a letter, digit or underscore (a "word" character in any script). */
export function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}_]/u.test(char);
}
