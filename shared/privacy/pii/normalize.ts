/**
 * @module shared/privacy/pii/normalize
 * The text recognizers see: invisible characters removed and look-alike characters folded, with
 * a map from its offsets back to the caller's string. Zero-width characters and bidirectional
 * controls inside an e-mail address or a card number would otherwise let it slip past every
 * pattern; the map keeps reported offsets pointing into the original input.
 *
 * Folding is per UTF-16 code unit and keeps the length (so it needs no map): a character whose
 * NFKC form is one BMP code unit (fullwidth `＠`, `４`, no-break and typographic spaces) becomes
 * that form, and hyphen-like dashes become `-`. Whole-string NFKC is not applied: it changes
 * lengths and would move offsets. Lone surrogates become U+FFFD so no later step can trip on them.
 */

/** The recognizers' view of a text and the way back to the original offsets. */
export interface NormalizedText {
  /** Text for matching. */
  readonly text: string;
  /** True when characters were removed (offsets differ from the original's). */
  readonly shifted: boolean;
  /** Maps a span `[start, end)` of {@link NormalizedText.text} to the original string. */
  toOriginal(start: number, end: number): [start: number, end: number];
}

/** Format characters that render as nothing: removed before matching. */
export function isInvisible(code: number): boolean {
  return (
    code === 0x00ad || // soft hyphen
    code === 0x034f || // combining grapheme joiner
    code === 0x061c || // Arabic letter mark (bidi)
    code === 0x180e || // Mongolian vowel separator
    (code >= 0x200b && code <= 0x200f) || // zero-width space/non-joiner/joiner, LRM, RLM
    (code >= 0x202a && code <= 0x202e) || // bidi embeddings and overrides
    (code >= 0x2060 && code <= 0x2064) || // word joiner, invisible operators
    (code >= 0x2066 && code <= 0x2069) || // bidi isolates
    code === 0xfeff // zero-width no-break space (BOM)
  );
}

/** Superscripts and subscripts stay as they are: folding `10²` to `102` would invent digits. */
function keepsShape(code: number): boolean {
  return code === 0xb2 || code === 0xb3 || code === 0xb9 || (code >= 0x2070 && code <= 0x209f);
}

const FOLD_UNKNOWN = 0;
const FOLD_SELF = 0xffff;
/** Per code unit: 0 = not computed yet, 0xFFFF = unchanged, else the folded code unit. */
const foldTable = new Uint16Array(0x10000);

function fold(code: number): number {
  let folded = foldTable[code];
  if (folded === FOLD_UNKNOWN) {
    folded = FOLD_SELF;
    if ((code >= 0x2010 && code <= 0x2013) || code === 0x2212 || code === 0xfe63 || code === 0xff0d) {
      folded = 0x2d; // hyphen, non-breaking hyphen, figure dash, en dash, minus → '-'
    } else if (!keepsShape(code)) {
      const nfkc = String.fromCharCode(code).normalize('NFKC');
      if (nfkc.length === 1 && nfkc.charCodeAt(0) !== code) folded = nfkc.charCodeAt(0);
    }
    foldTable[code] = folded;
  }
  return folded === FOLD_SELF ? code : folded;
}

/**
 * Builds the matching view of `input` in one pass.
 *
 * @example
 * const n = normalizeForMatching('jane\u200B@example.com');
 * n.text; // 'jane@example.com'
 * n.toOriginal(0, 16); // [0, 17]
 */
export function normalizeForMatching(input: string): NormalizedText {
  const parts: string[] = [];
  let segmentStart = 0;
  let out = 0; // length of the normalized text so far
  // Removed characters, as runs: runAt[k] = normalized index they precede, runTotal[k] = removed so far.
  const runAt: number[] = [];
  const runTotal: number[] = [];
  let removed = 0;

  const flush = (to: number) => {
    if (to > segmentStart) parts.push(input.slice(segmentStart, to));
  };

  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code < 0xa0) {
      out++;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const paired =
        code <= 0xdbff ? i + 1 < input.length && (input.charCodeAt(i + 1) & 0xfc00) === 0xdc00 : false;
      if (paired) {
        i++;
        out += 2;
        continue;
      }
      flush(i);
      parts.push('\uFFFD');
      segmentStart = i + 1;
      out++;
      continue;
    }
    if (isInvisible(code)) {
      flush(i);
      segmentStart = i + 1;
      removed++;
      if (runAt.length > 0 && runAt[runAt.length - 1] === out) runTotal[runTotal.length - 1] = removed;
      else {
        runAt.push(out);
        runTotal.push(removed);
      }
      continue;
    }
    const folded = fold(code);
    if (folded !== code) {
      flush(i);
      parts.push(String.fromCharCode(folded));
      segmentStart = i + 1;
    }
    out++;
  }
  if (parts.length === 0) return identity(input);
  flush(input.length);
  const text = parts.join('');
  if (runAt.length === 0) return { text, shifted: false, toOriginal: (start, end) => [start, end] };

  /** Original index of the normalized character at `i`. */
  const originalIndex = (i: number): number => {
    // Removed characters with runAt <= i sit before character i: count them (binary search).
    let lo = 0;
    let hi = runAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (runAt[mid] <= i) lo = mid + 1;
      else hi = mid;
    }
    return i + (lo === 0 ? 0 : runTotal[lo - 1]);
  };
  return {
    text,
    shifted: true,
    toOriginal: (start, end) => [originalIndex(start), end > start ? originalIndex(end - 1) + 1 : originalIndex(start)],
  };
}

function identity(text: string): NormalizedText {
  return { text, shifted: false, toOriginal: (start, end) => [start, end] };
}
