/** @module shared/privacy/pii/overlap-resolution.test One disjoint set of entities from many recognizers. */
import { describe, expect, it } from 'vitest';
import { resolveOverlaps } from './overlap-resolution';
import type { PiiCandidate, PiiEntityType } from './types';

const c = (type: PiiEntityType, start: number, end: number, score: number): PiiCandidate => ({ type, start, end, score, recognizer: 'test' });

describe('resolveOverlaps', () => {
  it('keeps the higher score when spans of different types overlap', () => {
    expect(resolveOverlaps([c('URL', 0, 30, 0.6), c('SECRET', 0, 30, 0.95)])).toEqual([c('SECRET', 0, 30, 0.95)]);
  });

  it('keeps the longer span when scores tie', () => {
    expect(resolveOverlaps([c('IP_ADDRESS', 7, 18, 0.6), c('URL', 0, 18, 0.6)])).toEqual([c('URL', 0, 18, 0.6)]);
  });

  it('lets a span absorb a contained span of the same type, with its higher score', () => {
    expect(resolveOverlaps([c('LOCATION', 0, 40, 0.7), c('LOCATION', 33, 40, 0.85)])).toEqual([c('LOCATION', 0, 40, 0.85)]);
  });

  it('keeps disjoint spans, sorted by start, and drops empty ones', () => {
    expect(resolveOverlaps([c('PERSON', 20, 25, 0.6), c('EMAIL_ADDRESS', 0, 10, 1), c('PERSON', 12, 12, 1)])).toEqual([
      c('EMAIL_ADDRESS', 0, 10, 1),
      c('PERSON', 20, 25, 0.6),
    ]);
  });

  it('treats touching spans as disjoint', () => {
    expect(resolveOverlaps([c('PERSON', 0, 5, 0.6), c('PERSON', 5, 9, 0.6)])).toHaveLength(2);
  });
});
