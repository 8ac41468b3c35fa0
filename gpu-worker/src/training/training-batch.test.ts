/**
 * Training feeds: rows are left-padded like the runtime's, positions start at each row's first
 * token, and only labels that are response tokens count.
 */
import { describe, expect, it } from 'vitest';
import { buildBatchFeeds } from './training-batch';

describe('buildBatchFeeds', () => {
  it('aligns labels with the next token and masks everything but the response', () => {
    const f = buildBatchFeeds([{ promptIds: [1, 2], responseIds: [3, 4] }, { promptIds: [5], responseIds: [6] }], 0);
    expect(f.seq).toBe(4);
    expect(Array.from(f.inputIds, Number)).toEqual([1, 2, 3, 4, 0, 0, 5, 6]);
    expect(Array.from(f.attentionMask, Number)).toEqual([1, 1, 1, 1, 0, 0, 1, 1]);
    expect(Array.from(f.positionIds, Number)).toEqual([0, 1, 2, 3, 0, 0, 0, 1]);
    expect(Array.from(f.labels, Number)).toEqual([2, 3, 4, 0, 0, 0, 6, 0]);
    expect(Array.from(f.labelMask)).toEqual([0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it('refuses an empty batch and a sequence without a response', () => {
    expect(() => buildBatchFeeds([])).toThrow(/at least one sequence/);
    expect(() => buildBatchFeeds([{ promptIds: [1], responseIds: [] }])).toThrow(/at least one response token/);
  });
});
