/**
 * @module shared/personalization/text-embedding
 * A hashed n-gram text encoder for when no embedding model is near (the edge, tests, cold start).
 * Features: lower-cased word unigrams, word bigrams and character trigrams of each word (with `#`
 * marking word edges), each hashed into `dim` buckets with a sign taken from the same hash
 * ("signed feature hashing", Weinberger et al. 2009, "Feature Hashing for Large Scale Multitask
 * Learning": the sign makes collisions cancel in expectation, so inner products stay unbiased).
 * Term frequency is sublinear, 1 + ln(tf) (Manning, Raghavan & Schütze 2008, §6.4.1), and the
 * result is L2-normalized, so the dot product of two embeddings is their cosine.
 * Pure ECMAScript and deterministic: the same text gives the same vector in Workers and Node.
 */

export const DEFAULT_EMBEDDING_DIM = 512;
export const MIN_EMBEDDING_DIM = 256;
export const MAX_EMBEDDING_DIM = 1024;

/**
 * How much each feature family counts. Character trigrams are many per word, so they are damped;
 * otherwise shared endings ("-ing", "-tion") would dominate and lift unrelated texts.
 */
const FAMILY_WEIGHT = { word: 1, bigram: 1, trigram: 0.5 } as const;

export interface TextEmbeddingOptions {
  /** Number of hash buckets (the embedding's length), an integer in 256..1024. @default 512 */
  dim?: number;
}

/** Throws a RangeError naming `dim` unless it is an integer in 256..1024. */
export function assertEmbeddingDim(dim: number): void {
  if (!Number.isInteger(dim) || dim < MIN_EMBEDDING_DIM || dim > MAX_EMBEDDING_DIM) {
    throw new RangeError(`dim must be an integer from ${MIN_EMBEDDING_DIM} to ${MAX_EMBEDDING_DIM}, got ${dim}`);
  }
}

const utf8 = new TextEncoder();

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `text` (Fowler, Noll & Vo; offset basis 2166136261,
 * prime 16777619), as an unsigned integer.
 * @example fnv1a32('foobar') // 0xbf9cf968
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's 32-bit finalizer: FNV-1a's low bits mix poorly, and the bucket comes from them. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The bucket and sign a feature string hashes to: bucket from the low bits, sign from the top bit.
 * @example hashFeature('w:hello', 512) // { index: 0..511, sign: 1 | -1 }
 */
export function hashFeature(feature: string, dim: number): { index: number; sign: 1 | -1 } {
  const h = fmix32(fnv1a32(feature));
  return { index: h % dim, sign: h & 0x80000000 ? -1 : 1 };
}

/** Lower-cased words: runs of letters, digits and inner apostrophes (`don't` is one word). */
export function tokenizeWords(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * The weighted feature counts of a text before hashing: `w:` unigrams, `b:` bigrams and `c:`
 * character trigrams, each with its family and raw count.
 */
export function textFeatures(text: string): Map<string, { family: keyof typeof FAMILY_WEIGHT; count: number }> {
  const features = new Map<string, { family: keyof typeof FAMILY_WEIGHT; count: number }>();
  const add = (key: string, family: keyof typeof FAMILY_WEIGHT) => {
    const entry = features.get(key);
    if (entry) entry.count += 1;
    else features.set(key, { family, count: 1 });
  };
  const words = tokenizeWords(text);
  words.forEach((word, i) => {
    add(`w:${word}`, 'word');
    if (i > 0) add(`b:${words[i - 1]} ${word}`, 'bigram');
    const chars = Array.from(`#${word}#`);
    for (let j = 0; j + 3 <= chars.length; j++) add(`c:${chars.slice(j, j + 3).join('')}`, 'trigram');
  });
  return features;
}

/**
 * Embeds a text as an L2-normalized Float32Array of length `dim`; text with no words gives the
 * zero vector.
 * @example
 * const a = embedText('How do I reset my password?');
 * const b = embedText('I forgot my password, how can I reset it?');
 * cosineSimilarity(a, b); // ≈ 0.61 at dim 512
 */
export function embedText(text: string, options: TextEmbeddingOptions = {}): Float32Array {
  const dim = options.dim ?? DEFAULT_EMBEDDING_DIM;
  assertEmbeddingDim(dim);
  const vector = new Float32Array(dim);
  for (const [key, { family, count }] of textFeatures(text)) {
    const { index, sign } = hashFeature(key, dim);
    vector[index] += sign * FAMILY_WEIGHT[family] * (1 + Math.log(count));
  }
  return normalizeL2(vector);
}

/** Scales a vector to unit length in place and returns it; the zero vector stays zero. */
export function normalizeL2(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum === 0) return vector;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] *= inv;
  return vector;
}

/**
 * Cosine similarity in [-1, 1]; 0 when either vector is zero (never NaN). Throws a RangeError when
 * the lengths differ.
 * @example cosineSimilarity(embedText('a cat'), embedText('a cat')) // 1
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}
