/**
 * @module generation/stop-strings
 * Cuts streamed output at the first stop string. Decoded text arrives a token at a time and a
 * stop string may straddle several tokens ("#", "##"), so any tail that could still grow into a
 * stop string is held back until it either completes (and is dropped) or stops matching.
 */

/** Result of feeding one piece of decoded text to a {@link StopStringMatcher}. */
export interface StopStringPush {
  /** Text that is now safe to send to the client; may be empty. */
  emit: string;
  /** True once a stop string has been seen; generation should end and later pushes emit nothing. */
  stopped: boolean;
}

/**
 * Streams text through, stopping before the earliest occurrence of any stop string.
 *
 * @example
 * const matcher = new StopStringMatcher(['###']);
 * matcher.push('Hel'); // { emit: 'Hel', stopped: false }
 * matcher.push('lo#'); // { emit: 'lo', stopped: false }  ('#' held back)
 * matcher.push('##');  // { emit: '', stopped: true }     ('###' dropped)
 */
export class StopStringMatcher {
  private readonly stops: readonly string[];
  private held = '';
  private done = false;
  private matchedStop: string | undefined;

  /**
   * @param stops strings that end generation; none may be empty. An empty list passes all text.
   * @throws Error when a stop string is empty.
   */
  constructor(stops: readonly string[]) {
    if (stops.some((stop) => stop.length === 0)) throw new Error('stop strings must not be empty');
    this.stops = [...stops];
  }

  /** True once a stop string has completed. */
  get stopped(): boolean {
    return this.done;
  }

  /** The stop string that ended the text, if any (the earliest to start; the longest on a tie). */
  get matched(): string | undefined {
    return this.matchedStop;
  }

  /**
   * Feeds the next piece of decoded text.
   *
   * @returns the text now safe to emit, and whether a stop string has completed. On a stop, `emit`
   *   ends right before the stop string, which is never emitted; nothing after it is either.
   */
  push(newText: string): StopStringPush {
    if (this.done) return { emit: '', stopped: true };
    const text = this.held + newText;

    let stopAt = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop);
      if (at < 0) continue;
      if (stopAt < 0 || at < stopAt || (at === stopAt && stop.length > (this.matchedStop?.length ?? 0))) {
        stopAt = at;
        this.matchedStop = stop;
      }
    }
    if (stopAt >= 0) {
      this.done = true;
      this.held = '';
      return { emit: text.slice(0, stopAt), stopped: true };
    }

    // Nothing completed. Everything before the longest tail that is a proper prefix of some stop
    // string can go: a stop string that started earlier would have to contain that whole tail
    // plus more, so the tail would not be the longest.
    const keep = this.longestPendingPrefix(text);
    this.held = text.slice(text.length - keep);
    return { emit: text.slice(0, text.length - keep), stopped: false };
  }

  /**
   * Ends the stream: returns the held-back text (a partial stop string that never completed) and
   * empties the buffer. Returns '' after a stop.
   */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
  private longestPendingPrefix(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
