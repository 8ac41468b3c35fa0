/**
 * @module generation/sampler
 * Picks the next token from one row of logits. Processors run in the order Hugging Face's
 * `generate` applies them: repetition penalty, temperature, top-k, top-p, then a draw from the
 * softmax (or argmax when temperature is 0).
 *
 * Cost per call is O(vocab) expected time and nothing is sorted in full: top-k keeps a size-k heap
 * (or quickselects when k is large), top-p quickselects while tracking probability mass. Scratch
 * buffers are reused between calls; the function is synchronous, so sharing them is safe.
 */
import type { SeededRng } from '../../../shared/random/seeded-rng';
import type { SamplingParams } from './sampling-params';

/** Readable, indexable numbers: `Float32Array`, `Float64Array` or `number[]`. */
type NumberRow = ArrayLike<number>;

/** Buffers reused between calls; hot loops read them through local constants (no TDZ checks). */
const scratch = { scores: new Float64Array(0), order: new Int32Array(0), heap: new Float64Array(0) };

/**
 * Index of the largest logit; ties go to the lowest id, NaN is ignored, +Infinity wins.
 *
 * @throws Error when `logits` is empty, all NaN, or has no value above -Infinity.
 * @example
 * argmax(new Float32Array([0.1, 3, 3, -1])); // 1
 */
export function argmax(logits: NumberRow): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  let nanCount = 0;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i];
    if (value > bestValue) {
      best = i;
      bestValue = value;
    } else if (value !== value) {
      nanCount++;
    }
  }
  if (best < 0) throw new Error(noTokenMessage(logits.length, nanCount));
  return best;
}

function noTokenMessage(vocab: number, nanCount: number): string {
  if (vocab === 0) return 'cannot pick a token: logits are empty';
  if (nanCount === vocab) return 'cannot pick a token: all logits are NaN';
  return 'cannot pick a token: no logit is above -Infinity';
}

/**
 * CTRL repetition penalty (Keskar et al. 2019, eq. 1 as implemented by Hugging Face's
 * `RepetitionPenaltyLogitsProcessor`): for every token id in `previousTokens`, a positive logit is
 * divided by `penalty` and a negative one multiplied by it. Reads `source` and writes `target`
 * (which may hold a copy of `source`), so a token that occurs several times is penalised once.
 *
 * @throws RangeError when a previous token id is not an integer in [0, vocab).
 * @example
 * const out = Float64Array.from([2, -1, 0.5]);
 * penalizeRepeatedTokens([2, -1, 0.5], out, 2, [0, 1, 1]); // out = [1, -2, 0.5]
 */
export function penalizeRepeatedTokens(
  source: NumberRow,
  target: { [index: number]: number; readonly length: number },
  penalty: number,
  previousTokens: NumberRow,
): void {
  if (penalty === 1) return;
  const vocab = source.length;
  for (let i = 0; i < previousTokens.length; i++) {
    const id = previousTokens[i];
    if (!Number.isInteger(id) || id < 0 || id >= vocab) {
      throw new RangeError(`previous token id ${id} is outside the vocabulary [0, ${vocab})`);
    }
    const value = source[id];
    if (value !== value) continue; // NaN stays NaN; the sampler drops it anyway
    target[id] = value < 0 ? value * penalty : value / penalty;
  }
}

/** Below this k a heap beats copying the row for a quickselect. */
const HEAP_SELECT_MAX_K = 512;

/**
 * The k-th largest value among the entries of `values[0..length)` that are above -Infinity.
 * Callers only ask when more than k such entries exist. Small k: one pass with a size-k min-heap,
 * O(length log k). Large k: Hoare quickselect on a copy, O(length) expected.
 */
function kthLargest(values: Float64Array, length: number, k: number): number {
  if (k > HEAP_SELECT_MAX_K) return quickselectKthLargest(values, length, k);
  if (scratch.heap.length < k) scratch.heap = new Float64Array(HEAP_SELECT_MAX_K);
  const heap = scratch.heap;
  let size = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (value === Number.NEGATIVE_INFINITY) continue;
    if (size < k) {
      // Sift up.
      let child = size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (heap[parent] <= value) break;
        heap[child] = heap[parent];
        child = parent;
      }
      heap[child] = value;
    } else if (value > heap[0]) {
      // Replace the root and sift down.
      let parent = 0;
      for (;;) {
        let child = 2 * parent + 1;
        if (child >= k) break;
        if (child + 1 < k && heap[child + 1] < heap[child]) child++;
        if (heap[child] >= value) break;
        heap[parent] = heap[child];
        parent = child;
      }
      heap[parent] = value;
    }
  }
  return heap[0];
}

function quickselectKthLargest(values: Float64Array, length: number, k: number): number {
  if (scratch.heap.length < length) scratch.heap = new Float64Array(length);
  const heap = scratch.heap;
  let n = 0;
  for (let i = 0; i < length; i++) if (values[i] !== Number.NEGATIVE_INFINITY) heap[n++] = values[i];
  const target = k - 1; // position in descending order
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const a = heap[lo];
    const b = heap[(lo + hi) >> 1];
    const c = heap[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b; // median of three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (heap[i] > pivot) i++;
      while (heap[j] < pivot) j--;
      if (i <= j) {
        const t = heap[i];
        heap[i++] = heap[j];
        heap[j--] = t;
      }
    }
    // Now heap[lo..j] >= pivot, heap[j+1..i-1] === pivot, heap[i..hi] <= pivot.
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return pivot;
  }
  return heap[target];
}

/**
 * Nucleus filter (Holtzman et al. 2020): moves to the front of `order[0..count)` the smallest set
 * of most probable ids (weight desc, id asc) whose `weights` reach `topP * total`; returns its size.
 * A quickselect that carries the mass still needed, O(count) expected, instead of a full sort.
 */
function nucleusSize(order: Int32Array, weights: Float64Array, count: number, total: number, topP: number): number {
  const ahead = (a: number, b: number): boolean =>
    weights[a] > weights[b] || (weights[a] === weights[b] && a < b);
  const swap = (i: number, j: number): void => {
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  };
  let needed = topP * total;
  let lo = 0;
  let hi = count;
  // Invariant: the answer m satisfies lo < m <= hi; everything in order[0..lo) is kept.
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    const last = hi - 1;
    if (ahead(order[mid], order[lo])) swap(mid, lo);
    if (ahead(order[last], order[lo])) swap(last, lo);
    if (ahead(order[mid], order[last])) swap(mid, last); // median of three now at hi - 1
    const pivot = order[last];
    let store = lo;
    let massAhead = 0;
    for (let i = lo; i < last; i++) {
      if (ahead(order[i], pivot)) {
        massAhead += weights[order[i]];
        swap(i, store++);
      }
    }
    swap(store, last);
    if (massAhead >= needed) {
      hi = store;
    } else if (massAhead + weights[pivot] >= needed) {
      return store + 1;
    } else {
      needed -= massAhead + weights[pivot];
      lo = store + 1;
    }
  }
  // Only reached when rounding leaves the whole mass a hair short of topP: keep everything.
  return Math.max(hi, 1);
}

/**
 * Chooses the next token id for one sequence.
 *
 * @param logits one row of model output, length = vocabulary size; not modified.
 * @param params validated parameters (see `parseSamplingParams`); `maxNewTokens`, `stop` and
 *   `seed` are not used here.
 * @param rng this row's stream; one `next()` is drawn per call unless temperature is 0.
 * @param previousTokens prompt and generated ids so far, for the repetition penalty.
 * @returns an id whose logit is neither NaN nor -Infinity.
 * @throws Error when no logit is usable (all NaN, or none above -Infinity); RangeError on an
 *   out-of-range previous token (checked only while the repetition penalty is on).
 * @example
 * const rng = createSeededRng(params.seed ?? randomSeed()).fork(row);
 * const next = sampleNextToken(rowLogits, params, rng, tokenIds);
 */
export function sampleNextToken(
  logits: Float32Array,
  params: SamplingParams,
  rng: SeededRng,
  previousTokens: NumberRow,
): number {
  const vocab = logits.length;
  if (scratch.scores.length < vocab) {
    scratch.scores = new Float64Array(vocab);
    scratch.order = new Int32Array(vocab);
  }
  const scores = scratch.scores;
  const order = scratch.order;
  let nanCount = 0;
  for (let i = 0; i < vocab; i++) {
    const value = logits[i];
    if (value === value) {
      scores[i] = value;
    } else {
      scores[i] = Number.NEGATIVE_INFINITY;
      nanCount++;
    }
  }
  if (previousTokens.length > 0) {
    penalizeRepeatedTokens(logits, scores, params.repetitionPenalty, previousTokens);
  }
  // Usable logits and the first maximum (lowest id on ties), which is the greedy choice.
  let finiteCount = 0;
  let maxScore = Number.NEGATIVE_INFINITY;
  let best = -1;
  for (let i = 0; i < vocab; i++) {
    const value = scores[i];
    if (value === Number.NEGATIVE_INFINITY) continue;
    finiteCount++;
    if (value > maxScore) {
      maxScore = value;
      best = i;
    }
  }
  if (finiteCount === 0) throw new Error(noTokenMessage(vocab, nanCount));
  if (params.temperature === 0) return best;

  // Top-k on the scores: dividing by a positive temperature does not change their order.
  // As in Hugging Face's TopKLogitsWarper, ties with the k-th value are kept.
  const threshold =
    params.topK > 0 && params.topK < finiteCount
      ? kthLargest(scores, vocab, params.topK)
      : Number.NEGATIVE_INFINITY;

  // Softmax weights exp((s - max) / T) in float64, written over the scores of the candidates.
  // Subtracting the max first keeps them in (0, 1] even for a tiny temperature; +Infinity logits
  // (max = +Infinity) share all the probability equally.
  const infiniteMax = maxScore === Number.POSITIVE_INFINITY;
  const inverseTemperature = 1 / params.temperature;
  let count = 0;
  let total = 0;
  for (let i = 0; i < vocab; i++) {
    const value = scores[i];
    if (value === Number.NEGATIVE_INFINITY || value < threshold) continue;
    let weight: number;
    if (infiniteMax) {
      if (value !== Number.POSITIVE_INFINITY) continue;
      weight = 1;
    } else {
      weight = Math.exp((value - maxScore) * inverseTemperature);
    }
    scores[i] = weight;
    order[count++] = i;
    total += weight;
  }

  if (params.topP < 1 && count > 1) {
    // Exact pre-filter: tokens lighter than t = (1 - p) * total / (2 * count) weigh less than
    // (1 - p) * total all together, so the rest already reach p and contain the whole nucleus.
    const light = ((1 - params.topP) * total) / (2 * count);
    let heavy = 0;
    for (let j = 0; j < count; j++) if (scores[order[j]] >= light) order[heavy++] = order[j];
    count = nucleusSize(order, scores, heavy, total, params.topP);
    total = 0;
    for (let j = 0; j < count; j++) total += scores[order[j]];
  }

  // Inverse-CDF draw. A zero-weight token can never satisfy cumulative > target, and the fallback
  // for rounding returns the last candidate that has weight.
  const target = rng.next() * total;
  let cumulative = 0;
  let lastWeighted = order[0];
  for (let j = 0; j < count; j++) {
    const id = order[j];
    const weight = scores[id];
    if (weight <= 0) continue;
    cumulative += weight;
    lastWeighted = id;
    if (cumulative > target) return id;
  }
  return lastWeighted;
}
