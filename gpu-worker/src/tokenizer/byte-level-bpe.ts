/**
 * @module gpu-worker/tokenizer/byte-level-bpe
 * Byte-level BPE in the GPT-2 scheme: a deterministic trainer, and a builder for the Hugging Face
 * `tokenizer.json` object that `@huggingface/tokenizers` (and the Rust crate) load.
 */

/**
 * GPT-2's `bytes_to_unicode`: byte `b` → the printable character that stands for it in vocab and
 * merges (Radford et al. 2019, openai/gpt-2 `encoder.py`). Printable Latin-1 bytes map to
 * themselves; the other 68 map to U+0100.. in byte order (so the space 0x20 becomes `Ġ`).
 */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const symbols: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) symbols.push(String.fromCharCode(printable(b) ? b : 256 + shifted++));
  return symbols;
})();

/** One entry of `added_tokens` as HF tokenizers serialises it. */
export interface HfAddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The `ByteLevel` pre-tokenizer / post-processor / decoder section. */
export interface HfByteLevelSection {
  type: 'ByteLevel';
  add_prefix_space: boolean;
  trim_offsets: boolean;
  use_regex: boolean;
}

/** The `tokenizer.json` written by {@link buildByteLevelBpeTokenizer} (HF format version 1.0). */
export interface ByteLevelBpeTokenizerJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: HfAddedToken[];
  normalizer: null;
  pre_tokenizer: HfByteLevelSection;
  post_processor: HfByteLevelSection;
  decoder: HfByteLevelSection;
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: false;
    byte_fallback: false;
    ignore_merges: false;
    vocab: Record<string, number>;
    /** `"left right"`; byte-level symbols never contain a space, so the split is unambiguous. */
    merges: string[];
  };
}

/** A merge rule: the two adjacent symbols that become one, highest priority first. */
export type BpeMerge = readonly [string, string];

const BYTE_LEVEL: HfByteLevelSection = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

/**
 * Builds a HF `tokenizer.json` object for a byte-level BPE tokenizer.
 *
 * Ids: special tokens 0..k-1 (in the given order, also listed in `added_tokens`), then the 256
 * byte symbols in code-point order (GPT-2's `vocab.json` order, `!` first), then one id per merge
 * result in merge order. A merge whose result already is a token keeps that token's id, as the HF
 * trainer does, so `vocabSize` can be below k + 256 + merges.length.
 *
 * @example
 * const { tokenizerJson } = buildByteLevelBpeTokenizer({ merges: [['h', 'i']], specialTokens: ['<|endoftext|>'] });
 * // tokenizerJson.model.vocab['hi'] === 257
 */
export function buildByteLevelBpeTokenizer(options: {
  merges: readonly BpeMerge[];
  specialTokens: readonly string[];
}): { tokenizerJson: ByteLevelBpeTokenizerJson; vocabSize: number } {
  const { merges, specialTokens } = options;
  const vocab = new Map<string, number>();
  for (const token of specialTokens) {
    if (token.length === 0) throw new Error('specialTokens must not contain an empty string');
    if (vocab.has(token)) throw new Error(`specialTokens lists "${token}" twice`);
    vocab.set(token, vocab.size);
  }
  for (const symbol of [...BYTE_TO_UNICODE].sort()) {
    if (vocab.has(symbol)) throw new Error(`special token "${symbol}" collides with a byte-level symbol`);
    vocab.set(symbol, vocab.size);
  }
  merges.forEach(([left, right], index) => {
    for (const part of [left, right]) {
      if (part.includes(' ')) throw new Error(`merge ${index} ("${left}" "${right}") contains a space`);
      if (!vocab.has(part)) {
        throw new Error(`merge ${index} ("${left} ${right}") uses "${part}", which is neither a byte symbol nor an earlier merge result`);
      }
    }
    if (!vocab.has(left + right)) vocab.set(left + right, vocab.size);
  });
  const tokenizerJson: ByteLevelBpeTokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: { ...BYTE_LEVEL },
    post_processor: { ...BYTE_LEVEL },
    decoder: { ...BYTE_LEVEL },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      // fromEntries defines own properties, so a token spelled "__proto__" stays a token.
      vocab: Object.fromEntries(vocab),
      merges: merges.map(([left, right]) => `${left} ${right}`),
    },
  };
  return { tokenizerJson, vocabSize: vocab.size };
}

/** Options of {@link trainByteLevelBpe}. */
export interface TrainByteLevelBpeOptions {
  /** Target number of distinct tokens, counting special tokens and the 256 byte symbols. */
  vocabSize: number;
  /** Tokens that get ids first; their occurrences in the texts are cut out before counting. */
  specialTokens: readonly string[];
  /** Stop when the most frequent pair occurs fewer times than this. @default 2 */
  minFrequency?: number;
}

/**
 * GPT-2's pre-tokenization pattern, exactly as `@huggingface/tokenizers`' ByteLevel pre-tokenizer
 * applies it, so training sees the same words encoding will.
 */
const WORD_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Pair keys pack two symbol ids; ids stay below 2^21, so keys stay below 2^42 (exact doubles). */
const PAIR_SHIFT = 2 ** 21;

interface HeapEntry { key: number; left: number; right: number; count: number }

/**
 * Trains byte-level BPE merges: words from the GPT-2 pattern, counted once per distinct word,
 * then the most frequent adjacent pair is merged until `vocabSize` distinct tokens exist, no pair
 * reaches `minFrequency`, or no pair is left. Ties go to the lexicographically smallest pair
 * (left symbol, then right, by UTF-16 code units), so the result depends only on the texts.
 *
 * Pair counts are updated incrementally: a merge only revisits the words that contain the pair,
 * and a max-heap with lazily corrected counts picks the next pair (the scheme of HF's BpeTrainer).
 *
 * @example
 * trainByteLevelBpe(['hug hug hug pug pun bun'], { vocabSize: 300, specialTokens: [] })[0]; // ['u', 'g']
 */
export function trainByteLevelBpe(texts: readonly string[], options: TrainByteLevelBpeOptions): [string, string][] {
  const { vocabSize, specialTokens, minFrequency = 2 } = options;
  const baseSize = new Set([...specialTokens, ...BYTE_TO_UNICODE]).size;
  if (!Number.isInteger(vocabSize) || vocabSize < baseSize || vocabSize >= PAIR_SHIFT) {
    throw new Error(`vocabSize must be an integer from ${baseSize} (special tokens + 256 bytes) to ${PAIR_SHIFT - 1}, got ${vocabSize}`);
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new Error(`minFrequency must be a positive integer, got ${minFrequency}`);
  }

  const symbols = [...BYTE_TO_UNICODE];
  const symbolIds = new Map(symbols.map((symbol, id) => [symbol, id]));
  const words: number[][] = [];
  const counts: number[] = [];
  const encoder = new TextEncoder();
  for (const [word, count] of countWords(texts, specialTokens)) {
    words.push(Array.from(encoder.encode(word)));
    counts.push(count);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1, onPair?: (key: number, left: number, right: number) => void) => {
    const word = words[w];
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i] * PAIR_SHIFT + word[i + 1];
      const next = (pairCounts.get(key) ?? 0) + sign * counts[w];
      if (next === 0) pairCounts.delete(key);
      else pairCounts.set(key, next);
      if (sign === 1) {
        let where = pairWords.get(key);
        if (!where) pairWords.set(key, (where = new Set()));
        where.add(w);
        onPair?.(key, word[i], word[i + 1]);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  const heap = new PairHeap(symbols);
  for (const [key, count] of pairCounts) heap.push({ key, left: Math.floor(key / PAIR_SHIFT), right: key % PAIR_SHIFT, count });

  const tokens = new Set([...specialTokens, ...BYTE_TO_UNICODE]);
  const merges: [string, string][] = [];
  while (tokens.size < vocabSize) {
    const top = heap.pop();
    if (!top) break;
    const current = pairCounts.get(top.key) ?? 0;
    if (current !== top.count) {
      // Stale entry: the pair's count fell (or a fresher entry holds its risen count); requeue the true count.
      if (current > 0) heap.push({ ...top, count: current });
      continue;
    }
    if (current < minFrequency) break;

    const mergedText = symbols[top.left] + symbols[top.right];
    let merged = symbolIds.get(mergedText);
    if (merged === undefined) {
      merged = symbols.push(mergedText) - 1;
      symbolIds.set(mergedText, merged);
    }
    merges.push([symbols[top.left], symbols[top.right]]);
    tokens.add(mergedText);

    // Pairs that contain the merged symbol are the only ones whose counts can rise.
    const risen = new Map<number, HeapEntry>();
    const where = pairWords.get(top.key) ?? new Set<number>();
    pairWords.delete(top.key);
    for (const w of where) {
      const replaced = replacePair(words[w], top.left, top.right, merged);
      if (replaced === undefined) continue;
      addPairs(w, -1);
      words[w] = replaced;
      addPairs(w, 1, (key, left, right) => {
        if (left === merged || right === merged) risen.set(key, { key, left, right, count: 0 });
      });
    }
    for (const entry of risen.values()) {
      const count = pairCounts.get(entry.key);
      if (count) heap.push({ ...entry, count });
    }
  }
  return merges;
}

/** Counts distinct pre-tokenized words; special tokens are cut out so they never join a pair. */
function countWords(texts: readonly string[], specialTokens: readonly string[]): Map<string, number> {
  const escaped = specialTokens.filter((t) => t.length > 0).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const splitter = escaped.length > 0 ? new RegExp(escaped.join('|'), 'u') : null;
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const piece of splitter ? text.split(splitter) : [text]) {
      for (const word of piece.match(WORD_PATTERN) ?? []) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    }
  }
  return wordCounts;
}

/**
 * Replaces non-overlapping occurrences of (left, right), scanning left to right as BPE does;
 * undefined when the word holds none (its entry in `pairWords` was stale).
 */
function replacePair(word: readonly number[], left: number, right: number, merged: number): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < word.length; ) {
    if (i + 1 < word.length && word[i] === left && word[i + 1] === right) {
      out.push(merged);
      i += 2;
    } else {
      out.push(word[i++]);
    }
  }
  return out.length === word.length ? undefined : out;
}

/** Binary max-heap on (count desc, left symbol asc, right symbol asc). */
class PairHeap {
  private readonly items: HeapEntry[] = [];
  constructor(private readonly symbols: readonly string[]) {}

  push(entry: HeapEntry): void {
    const items = this.items;
    items.push(entry);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && this.before(items[l], items[best])) best = l;
      if (r < items.length && this.before(items[r], items[best])) best = r;
      if (best === i) break;
      [items[i], items[best]] = [items[best], items[i]];
      i = best;
    }
    return top;
  }

  private before(a: HeapEntry, b: HeapEntry): boolean {
    if (a.count !== b.count) return a.count > b.count;
    const [al, bl] = [this.symbols[a.left], this.symbols[b.left]];
    if (al !== bl) return al < bl;
    return this.symbols[a.right] < this.symbols[b.right];
  }
}
