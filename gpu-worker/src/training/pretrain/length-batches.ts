/**
 * @module gpu-worker/training/pretrain/length-batches
 * Packs training sequences into batches of similar length under a token budget, so that little
 * compute goes to padding: sequences are shuffled, sorted by length within windows, cut into
 * batches whose `rows × longest` stays within the budget, and the batches shuffled again.
 */
import { createSeededRng, type SeededRng } from '../../../../shared/random/seeded-rng';
import type { LabelledSequence } from '../training-batch';

/** Options of {@link packBatches}. */
export interface PackOptions {
  /** Most padded tokens (rows × longest row) per batch; a longer sequence still gets a batch of its own. */
  tokenBudget: number;
  /** Most rows per batch. @default 64 */
  maxRows?: number;
  /** Sequences sorted together. @default 1024 */
  window?: number;
  seed: number;
}

const lengthOf = (s: LabelledSequence) => s.promptIds.length + s.responseIds.length;

function shuffleInPlace<T>(rng: SeededRng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * One epoch's batches; every sequence appears exactly once.
 *
 * @throws RangeError when the budget or row limit is not a positive integer
 * @example
 * for (const batch of packBatches(sequences, { tokenBudget: 2048, seed: epoch })) await trainer.step(batch);
 */
export function packBatches(sequences: readonly LabelledSequence[], options: PackOptions): LabelledSequence[][] {
  const { tokenBudget, maxRows = 64, window = 1024, seed } = options;
  if (!Number.isSafeInteger(tokenBudget) || tokenBudget < 1) throw new RangeError(`tokenBudget must be a positive integer, got ${tokenBudget}`);
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be a positive integer, got ${maxRows}`);
  const rng = createSeededRng(seed);
  const order = shuffleInPlace(rng.fork(1), [...sequences]);
  const batches: LabelledSequence[][] = [];
  for (let start = 0; start < order.length; start += window) {
    const sorted = order.slice(start, start + window).sort((a, b) => lengthOf(a) - lengthOf(b));
    let batch: LabelledSequence[] = [];
    let longest = 0;
    for (const seq of sorted) {
      const nextLongest = Math.max(longest, lengthOf(seq));
      if (batch.length > 0 && (nextLongest * (batch.length + 1) > tokenBudget || batch.length >= maxRows)) {
        batches.push(batch);
        batch = [];
        longest = 0;
      }
      batch.push(seq);
      longest = Math.max(longest, lengthOf(seq));
    }
    if (batch.length) batches.push(batch);
  }
  return shuffleInPlace(rng.fork(2), batches);
}
