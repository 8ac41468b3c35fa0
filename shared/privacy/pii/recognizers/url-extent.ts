/**
 * @module shared/privacy/pii/recognizers/url-extent
 * Where a URL written in prose ends: at whitespace or a character URLs do not contain, minus
 * trailing punctuation that belongs to the sentence (`.`, `,`, `!`, a closing bracket or quote
 * without its opening one). Shared by the URL recognizer and the URL-credentials recognizer so
 * both report the same span for the same URL.
 */

/** Longest URL considered (browsers' practical limit); longer runs are cut here. */
export const MAX_URL_LENGTH = 2048;

const STOP = /[\s<>"'`{}|\\^[\]]/;

/** End (exclusive) of the URL starting at `start`. */
export function urlEnd(text: string, start: number): number {
  let end = start;
  const limit = Math.min(text.length, start + MAX_URL_LENGTH);
  while (end < limit && !STOP.test(text[end])) end++;
  // Trailing sentence punctuation, and closing parentheses that were not opened inside the URL.
  for (;;) {
    const last = text[end - 1];
    if (end > start && '.,;:!?*'.includes(last)) {
      end--;
      continue;
    }
    if (last === ')') {
      const inside = text.slice(start, end);
      const opened = inside.split('(').length - 1;
      const closed = inside.split(')').length - 1;
      if (closed > opened) {
        end--;
        continue;
      }
    }
    return end;
  }
}
