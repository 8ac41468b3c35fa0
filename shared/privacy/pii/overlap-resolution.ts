/**
 * @module shared/privacy/pii/overlap-resolution
 * Turns overlapping candidates from many recognizers into one set of disjoint entities: the
 * higher score wins, then the longer span, then the earlier one (Presidio's analyzer keeps the
 * higher-scoring of two conflicting results in the same way). First, a candidate inside another
 * of the same type is absorbed by it, lending it its score if higher: a postcode found with
 * context must not cut the full address it belongs to down to the postcode. O(n log n).
 */
import type { PiiCandidate } from './types';

/** Drops candidates contained in a candidate of the same type, which takes the higher score. */
function absorbContained(candidates: readonly PiiCandidate[]): PiiCandidate[] {
  const sorted = candidates.filter((c) => c.end > c.start).sort((a, b) => a.type.localeCompare(b.type) || a.start - b.start || b.end - a.end);
  const out: PiiCandidate[] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && last.type === c.type && c.start >= last.start && c.end <= last.end) {
      if (c.score > last.score) out[out.length - 1] = { ...last, score: c.score };
      continue;
    }
    out.push(c);
  }
  return out;
}

/** Disjoint candidates, sorted by start. */
export function resolveOverlaps(candidates: readonly PiiCandidate[]): PiiCandidate[] {
  const ranked = absorbContained(candidates)
    .map((c, order) => ({ c, order }))
    .sort((a, b) => b.c.score - a.c.score || b.c.end - b.c.start - (a.c.end - a.c.start) || a.c.start - b.c.start || a.order - b.order);
  const kept: PiiCandidate[] = []; // disjoint, sorted by start
  for (const { c } of ranked) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid].start < c.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    if ((before && before.end > c.start) || (after && after.start < c.end)) continue;
    kept.splice(lo, 0, c);
  }
  return kept;
}
