/**
 * @module shared/personalization/user-embedding
 * One vector per user, in the same `dim`-sized space as the text embeddings, so a user can be
 * compared with other users and with texts. Built from three parts:
 *
 * - the explicit profile: each field becomes a feature `style=formal`, `tone=friendly`,
 *   `response_length=concise`, `locale=en` (primary language subtag), each of weight 1; the domain
 *   list shares weight 1 (each of n domains gets 1/√n); complexity c ∈ [0, 1] is split between
 *   `complexity=low` (1 − c) and `complexity=high` (c);
 * - the preference posterior means, attribute → value → probability: each pair is the feature
 *   `attribute=value` with weight p − 1/K (K = values listed for the attribute), so an uninformed,
 *   uniform posterior adds nothing and two users are not made alike by mere lack of evidence.
 *   Profile and posterior share feature names, so a stated and a learned `style=formal` align;
 * - the running mean of the user's interaction embeddings (dense, already in text space).
 *
 * Features are hashed to a signed bucket (see text-embedding: FNV-1a, sign from the hash) under a
 * `u:` prefix, apart from the text n-grams. Each non-empty part is L2-normalized, multiplied by its
 * part weight (default 1 each), the parts are summed, and the sum is L2-normalized; so six profile
 * fields do not drown out the interaction history.
 *
 * Storage: symmetric int8 quantization (q = round(x / scale), scale = max|x| / 127) and base64 text
 * for JSON (btoa/atob on a binary string: runtime-neutral, no Buffer).
 */
import type { Profile } from '../api/profile';
import { DEFAULT_EMBEDDING_DIM, assertEmbeddingDim, hashFeature, normalizeL2 } from './text-embedding';

/** attribute → value → posterior mean probability, e.g. `{ style: { formal: 0.7, casual: 0.3 } }`. */
export type PreferenceMeans = Record<string, Record<string, number>>;

/** The exponential moving mean of a user's interaction embeddings. */
export interface InteractionMean {
  mean: Float32Array;
  /** Interactions folded in so far. */
  count: number;
}

export interface UserEmbeddingParts {
  profile?: Profile | null;
  preferences?: PreferenceMeans | null;
  interactions?: InteractionMean | null;
}

export interface UserEmbeddingOptions {
  /** Length of the embedding, an integer in 256..1024. @default 512 */
  dim?: number;
  /** Multiplier of each (unit-length) part before the sum. @default { profile: 1, preferences: 1, interactions: 1 } */
  weights?: Partial<Record<'profile' | 'preferences' | 'interactions', number>>;
}

/** An int8-quantized vector: x ≈ q · scale. */
export interface QuantizedVector {
  q: Int8Array;
  scale: number;
}

/** A quantized vector as JSON-safe text. */
export interface StoredEmbedding {
  /** The int8 values as standard base64 (with padding). */
  int8: string;
  scale: number;
}

export const DEFAULT_INTERACTION_RATE = 0.1;

/**
 * Folds one interaction embedding into the running mean. The effective rate is max(rate, 1/count),
 * so the first 1/rate interactions give their plain average (no bias toward the zero start) and
 * later ones an exponential moving mean that forgets old interests.
 * @example let m = updateInteractionMean(null, embedText('vegan recipes')); m = updateInteractionMean(m, embedText('tofu'));
 */
export function updateInteractionMean(current: InteractionMean | null, embedding: Float32Array, rate = DEFAULT_INTERACTION_RATE): InteractionMean {
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`rate must be in (0, 1], got ${rate}`);
  if (!current || current.count === 0) return { mean: Float32Array.from(embedding), count: 1 };
  if (current.mean.length !== embedding.length) throw new RangeError(`embedding has length ${embedding.length}, the mean ${current.mean.length}`);
  const count = current.count + 1;
  const alpha = Math.max(rate, 1 / count);
  const mean = new Float32Array(embedding.length);
  for (let i = 0; i < mean.length; i++) mean[i] = (1 - alpha) * current.mean[i] + alpha * embedding[i];
  return { mean, count };
}

function addFeature(vector: Float32Array, name: string, weight: number): void {
  if (weight === 0 || !Number.isFinite(weight)) return;
  const { index, sign } = hashFeature(`u:${name}`, vector.length);
  vector[index] += sign * weight;
}

function profilePart(profile: Profile, dim: number): Float32Array {
  const v = new Float32Array(dim);
  if (profile.style) addFeature(v, `style=${profile.style}`, 1);
  if (profile.tone) addFeature(v, `tone=${profile.tone}`, 1);
  if (profile.response_length) addFeature(v, `response_length=${profile.response_length}`, 1);
  if (profile.locale) addFeature(v, `locale=${profile.locale.split('-')[0].toLowerCase()}`, 1);
  if (profile.complexity !== undefined) {
    addFeature(v, 'complexity=low', 1 - profile.complexity);
    addFeature(v, 'complexity=high', profile.complexity);
  }
  const domains = profile.domains ?? [];
  for (const domain of domains) addFeature(v, `domain=${domain}`, 1 / Math.sqrt(domains.length));
  return v;
}

function preferencePart(preferences: PreferenceMeans, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (const [attribute, values] of Object.entries(preferences)) {
    const entries = Object.entries(values);
    for (const [value, p] of entries) addFeature(v, `${attribute}=${value}`, p - 1 / entries.length);
  }
  return v;
}

/**
 * A user's unit-length embedding from whichever parts are present; all parts empty gives the zero
 * vector.
 * @example buildUserEmbedding({ profile: { style: 'formal' }, preferences: { tone: { friendly: 0.8, neutral: 0.2 } } })
 */
export function buildUserEmbedding(parts: UserEmbeddingParts, options: UserEmbeddingOptions = {}): Float32Array {
  const dim = options.dim ?? DEFAULT_EMBEDDING_DIM;
  assertEmbeddingDim(dim);
  const weights = { profile: 1, preferences: 1, interactions: 1, ...options.weights };
  const pieces: Array<[Float32Array, number]> = [];
  if (parts.profile) pieces.push([profilePart(parts.profile, dim), weights.profile]);
  if (parts.preferences) pieces.push([preferencePart(parts.preferences, dim), weights.preferences]);
  if (parts.interactions && parts.interactions.count > 0) {
    if (parts.interactions.mean.length !== dim) throw new RangeError(`interactions.mean has length ${parts.interactions.mean.length}, expected dim ${dim}`);
    pieces.push([Float32Array.from(parts.interactions.mean), weights.interactions]);
  }
  const out = new Float32Array(dim);
  for (const [piece, weight] of pieces) {
    normalizeL2(piece);
    for (let i = 0; i < dim; i++) out[i] += weight * piece[i];
  }
  return normalizeL2(out);
}

/**
 * Symmetric int8 quantization: scale = max|x| / 127, q = round(x / scale); the zero vector gets
 * scale 0.
 * @example quantizeInt8(Float32Array.of(0.5, -1)) // { q: Int8Array [64, -127], scale: 1/127 }
 */
export function quantizeInt8(vector: ArrayLike<number>): QuantizedVector {
  let max = 0;
  for (let i = 0; i < vector.length; i++) max = Math.max(max, Math.abs(vector[i]));
  const q = new Int8Array(vector.length);
  if (!Number.isFinite(max)) throw new RangeError('vector must be finite');
  if (max === 0) return { q, scale: 0 };
  const scale = max / 127;
  for (let i = 0; i < vector.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(vector[i] / scale)));
  return { q, scale };
}

/** Back to floats: x ≈ q · scale. */
export function dequantize(vector: QuantizedVector): Float32Array {
  const out = new Float32Array(vector.q.length);
  for (let i = 0; i < out.length; i++) out[i] = vector.q[i] * vector.scale;
  return out;
}

/**
 * Cosine of two quantized vectors, on the integers (the scales cancel); 0 when either is zero.
 * @example cosineInt8(quantizeInt8(a), quantizeInt8(b)) // ≈ cosineSimilarity(a, b), within 0.01
 */
export function cosineInt8(a: QuantizedVector, b: QuantizedVector): number {
  if (a.q.length !== b.q.length) throw new RangeError(`vectors differ in length: ${a.q.length} vs ${b.q.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.q.length; i++) {
    dot += a.q[i] * b.q[i];
    na += a.q[i] * a.q[i];
    nb += b.q[i] * b.q[i];
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}

/** Int8 values as standard base64. @example int8ToBase64(Int8Array.of(-1, 0, 1)) // '/wAB' */
export function int8ToBase64(q: Int8Array): string {
  const bytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Decodes `int8ToBase64` output; throws on text that is not base64. */
export function base64ToInt8(text: string): Int8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new RangeError('int8 must be standard base64');
  const binary = atob(text);
  const q = new Int8Array(binary.length);
  for (let i = 0; i < binary.length; i++) q[i] = (binary.charCodeAt(i) << 24) >> 24;
  return q;
}

/** Quantizes and encodes a float embedding for JSON storage. */
export function toStoredEmbedding(vector: ArrayLike<number>): StoredEmbedding {
  const { q, scale } = quantizeInt8(vector);
  return { int8: int8ToBase64(q), scale };
}

/** Decodes a stored embedding back to its quantized form. */
export function fromStoredEmbedding(stored: StoredEmbedding): QuantizedVector {
  return { q: base64ToInt8(stored.int8), scale: stored.scale };
}
