/**
 * @module shared/personalization/memory-store
 * A user's memory: facts they stated ("I am vegetarian") and past interactions, each with an int8
 * embedding, kept under a byte budget and searched by similarity weighted by recency.
 * Texts arrive already sanitized (PII handled upstream); this module does not sanitize.
 * Pure functions over a plain JSON-safe state `{ items }`, so the same code runs in a Durable
 * Object, a queue consumer or a test; nothing here reads the clock (pass `now`).
 */
import { z } from 'zod';
import { cosineSimilarity, normalizeL2 } from './text-embedding';
import { type StoredEmbedding, dequantize, fromStoredEmbedding } from './user-embedding';

export const MEMORY_KINDS = ['fact', 'interaction'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export const MAX_MEMORY_TEXT_LENGTH = 2000;
/** Budget of the stored items, as UTF-8 bytes of `JSON.stringify(items)`. A 512-dim embedding takes ~700 bytes. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 24 * 1024;
const DAY_MS = 86_400_000;

export interface MemoryItem {
  id: string;
  kind: MemoryKind;
  text: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  embedding: StoredEmbedding;
}

export interface MemoryState {
  items: MemoryItem[];
}

/** Body of `POST /v1/memories`: users state facts; interactions are recorded by the server. */
export const memoryInputSchema = z
  .strictObject({
    text: z.string().min(1).max(MAX_MEMORY_TEXT_LENGTH).regex(/\S/, 'must not be blank').describe('what to remember, at most 2000 characters'),
    kind: z.literal('fact').default('fact').describe('only "fact" may be stated by users'),
  })
  .describe('MemoryInput');
export type MemoryInput = z.infer<typeof memoryInputSchema>;

/** A stored item, for checking state read back from storage. */
export const memoryItemSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(MEMORY_KINDS),
  text: z.string().max(MAX_MEMORY_TEXT_LENGTH),
  createdAt: z.number().int().nonnegative(),
  embedding: z.object({ int8: z.string(), scale: z.number().nonnegative() }),
});

const utf8 = new TextEncoder();
const jsonBytes = (value: unknown) => utf8.encode(JSON.stringify(value)).length;

/**
 * UTF-8 bytes of `JSON.stringify(items)`, the quantity the budget limits.
 * @example memoryBytes([]) // 2
 */
export function memoryBytes(items: readonly MemoryItem[]): number {
  return itemsBytes(items.map(jsonBytes));
}

// `[a,b,c]`: brackets, each item, and the commas between.
const itemsBytes = (sizes: readonly number[]) => 2 + sizes.reduce((sum, s) => sum + s, 0) + Math.max(0, sizes.length - 1);

/**
 * Adds `item` (an item with an id already stored replaces it, so a redelivered job is harmless),
 * then evicts until the items fit `budget`: oldest interactions first, then oldest facts; the new
 * item itself is never evicted. Returns the new state and what was evicted; `state` is not changed.
 * Throws a RangeError naming `text` when the text exceeds 2000 characters or the item alone
 * exceeds the budget.
 * @example
 * const { state } = addMemory({ items: [] }, { id: 'm1', kind: 'fact', text: 'I am vegetarian', createdAt: Date.now(), embedding: toStoredEmbedding(embedText('I am vegetarian')) });
 */
export function addMemory(state: MemoryState, item: MemoryItem, budget = DEFAULT_MEMORY_BUDGET_BYTES): { state: MemoryState; evicted: MemoryItem[] } {
  if (!Number.isInteger(budget) || budget <= 0) throw new RangeError(`budget must be a positive integer of bytes, got ${budget}`);
  if (item.text.length > MAX_MEMORY_TEXT_LENGTH) throw new RangeError(`text must be at most ${MAX_MEMORY_TEXT_LENGTH} characters, got ${item.text.length}`);
  const itemSize = jsonBytes(item);
  if (itemsBytes([itemSize]) > budget) throw new RangeError(`text is too long for the memory budget: the item takes ${itemsBytes([itemSize])} bytes, the budget is ${budget}`);

  const items = [...state.items.filter((existing) => existing.id !== item.id), item];
  const sizes = items.map((existing, i) => (i === items.length - 1 ? itemSize : jsonBytes(existing)));
  let total = itemsBytes(sizes);
  const evictable = items
    .slice(0, -1)
    .map((existing, position) => ({ existing, position }))
    .sort((a, b) => rank(a.existing) - rank(b.existing) || a.existing.createdAt - b.existing.createdAt || a.position - b.position);
  const gone = new Set<number>();
  for (const { position } of evictable) {
    if (total <= budget) break;
    gone.add(position);
    // Removing an item also removes one comma (there are at least two items while over budget).
    total -= sizes[position] + 1;
  }
  return {
    state: { items: items.filter((_, i) => !gone.has(i)) },
    evicted: [...gone].sort((a, b) => a - b).map((i) => items[i]),
  };
}

/** Interactions go before facts. */
const rank = (item: MemoryItem) => (item.kind === 'interaction' ? 0 : 1);

/**
 * Removes the item with `id`; `removed` is null when there was none (answer 404).
 * @example const { state, removed } = removeMemory(current, 'm1');
 */
export function removeMemory(state: MemoryState, id: string): { state: MemoryState; removed: MemoryItem | null } {
  const removed = state.items.find((item) => item.id === id) ?? null;
  return { state: removed ? { items: state.items.filter((item) => item.id !== id) } : state, removed };
}

export interface MemorySearchOptions {
  /** Most results to return. @default 3 */
  k?: number;
  /** The current time, ms since the epoch (passed in so that search is reproducible). */
  now: number;
  /** Days after which an interaction counts half; facts take twice as long. @default 30 */
  halfLifeDays?: number;
  /** Results scoring below this are dropped. @default 0.1 */
  minScore?: number;
}

export interface MemoryHit {
  item: MemoryItem;
  /** similarity × recency. */
  score: number;
  /** Cosine of the query and the item's embedding. */
  similarity: number;
  /** 0.5^(age / half-life), 1 for an item from now (or the future). */
  recency: number;
}

/**
 * The `k` best memories for a query embedding, best first, scored by cosine × 0.5^(age/halfLife);
 * facts decay at half the rate of interactions, since a stated fact ("I am vegetarian") stays true
 * longer than the topic of one conversation. Ties go to the newer item.
 * @example searchMemories(state, embedText('dinner ideas'), { now: Date.now() }) // [{ item, score, similarity, recency }]
 */
export function searchMemories(state: MemoryState, queryEmbedding: ArrayLike<number>, options: MemorySearchOptions): MemoryHit[] {
  const { k = 3, now, halfLifeDays = 30, minScore = 0.1 } = options;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!Number.isFinite(now)) throw new RangeError(`now must be a time in ms, got ${now}`);
  if (!(halfLifeDays > 0) || !Number.isFinite(halfLifeDays)) throw new RangeError(`halfLifeDays must be a positive number, got ${halfLifeDays}`);
  const hits: MemoryHit[] = [];
  for (const item of state.items) {
    const similarity = cosineSimilarity(queryEmbedding, dequantize(fromStoredEmbedding(item.embedding)));
    const halfLifeMs = halfLifeDays * DAY_MS * (item.kind === 'fact' ? 2 : 1);
    const recency = 0.5 ** (Math.max(0, now - item.createdAt) / halfLifeMs);
    const score = similarity * recency;
    if (score >= minScore) hits.push({ item, score, similarity, recency });
  }
  hits.sort((a, b) => b.score - a.score || b.item.createdAt - a.item.createdAt);
  return hits.slice(0, k);
}

/** Weight of the user's running interaction mean in a retrieval query (the prompt counts 1). */
export const CONTEXT_QUERY_WEIGHT = 0.5;

/**
 * The query for memory retrieval: the prompt's embedding tilted toward the user's recent
 * interests (the running mean of their prompt embeddings), so a short follow-up such as "and the
 * second one?" still finds what the conversation was about. A prompt without words falls back to
 * the interests alone; without a history the prompt is used as it is.
 *
 * @example searchMemories(memories, contextualQuery(embedText(prompt), interactionMean), { now })
 */
export function contextualQuery(prompt: Float32Array, interactionMean: Float32Array | null, weight = CONTEXT_QUERY_WEIGHT): Float32Array {
  if (!interactionMean || !interactionMean.some((x) => x !== 0)) return prompt;
  if (interactionMean.length !== prompt.length) throw new RangeError(`interaction mean has ${interactionMean.length} dimensions, the prompt ${prompt.length}`);
  const mixed = new Float32Array(prompt.length);
  for (let i = 0; i < prompt.length; i++) mixed[i] = prompt[i] + weight * interactionMean[i];
  return normalizeL2(mixed);
}
