/** @module shared/privacy/pii/recognizers/date-time.test Calendar dates in the forms people type. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import { dateRecognizer, validDayOfMonth } from './date-time';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(text: string): Array<[string, number]> {
  return reported(dateRecognizer, text);
}

describe('dateRecognizer', () => {
  it('finds ISO dates with an optional time, and numeric dates either way round', () => {
    expect(found('on 2024-03-05T10:30:00Z, 14/03/2024 and 03/14/1990')).toEqual([
      ['2024-03-05T10:30:00Z', 0.6],
      ['14/03/2024', 0.6],
      ['03/14/1990', 0.6],
    ]);
  });

  it('finds written dates with and without a year', () => {
    expect(found('March 3, 1985; 5 February 2024; 3rd of May 2019; Nov 4; 8 March.').map(([v]) => v)).toEqual([
      'March 3, 1985',
      '5 February 2024',
      '3rd of May 2019',
      'Nov 4',
      '8 March',
    ]);
  });

  it('rejects dates that do not exist', () => {
    expect(found('2024-02-30, 2023-02-29, 31/02/2024, 2024-13-45, 13/13/2020')).toEqual([]);
    expect(validDayOfMonth(29, 2)).toBe(true);
    expect(validDayOfMonth(31, 4)).toBe(false);
  });

  it('does not take fractions, ratios, scores or versions for dates', () => {
    const text = 'Add 3/4 cup; 24/7 support; 87/100; 12/4 + 6/3; won 3-1; version 2.0.1; score 10-12';
    expect(found(text).filter(([, s]) => s >= 0.5)).toEqual([]);
  });

  it('raises a date with birth context, so a month and year of birth passes', () => {
    expect(found('born in March 1985')).toEqual([['March 1985', 0.65]]);
    expect(found('My birthday is 9/23')).toEqual([['9/23', 0.65]]);
    expect(found('DOB 1952-11-03')).toEqual([['1952-11-03', 0.95]]);
  });

  it('reads lower-case "may" as a verb unless a year follows', () => {
    expect(found('you may 5 times, may 5 2020').map(([v]) => v)).toEqual(['may 5 2020']);
  });
});
