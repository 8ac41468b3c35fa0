/** @module shared/privacy/pii/recognizers/us-ssn.test US social security numbers and the ranges never issued. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import { ssnIssuable, usSsnRecognizer } from './us-ssn';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(text: string): Array<[string, number]> {
  return reported(usSsnRecognizer, text);
}

describe('ssnIssuable', () => {
  it('excludes area 000, 666 and 900–999, group 00, serial 0000 and one repeated digit', () => {
    expect(ssnIssuable('536', '22', '8190')).toBe(true);
    for (const [a, g, s] of [['000', '12', '3456'], ['666', '12', '3456'], ['900', '12', '3456'], ['999', '12', '3456'], ['536', '00', '8190'], ['536', '22', '0000'], ['111', '11', '1111']]) {
      expect(ssnIssuable(a, g, s)).toBe(false);
    }
  });
});

describe('usSsnRecognizer', () => {
  it('scores the dashed form 0.6, the spaced form 0.4 and bare digits 0.2', () => {
    const text = 'a 536-22-8190 b 401 73 2256 c 536228190';
    const raw = usSsnRecognizer.analyze(text, { defaultCountry: 'US', limit: 10, onLimit() {} });
    expect(raw.map((c) => [text.slice(c.start, c.end), c.score])).toEqual([
      ['536-22-8190', 0.6],
      ['401 73 2256', 0.4],
      ['536228190', 0.2],
    ]);
    expect(found(text)).toEqual([['536-22-8190', 0.6]]);
  });

  it('raises the score with SSN context', () => {
    expect(found('my SSN is 536228190')).toEqual([['536228190', 0.55]]);
    expect(found('Social security: 401 73 2256')).toEqual([['401 73 2256', 0.75]]);
  });

  it('drops numbers in invalid ranges', () => {
    expect(found('SSN 000-12-3456, 666-12-3456, 912-34-5678, 536-00-8190, 536-22-0000')).toEqual([]);
  });

  it('lowers the two famous example numbers below the threshold unless context vouches for them', () => {
    const text = 'e.g. 078-05-1120 or 123-45-6789';
    const raw = usSsnRecognizer.analyze(text, { defaultCountry: 'US', limit: 10, onLimit() {} });
    expect(raw.map((c) => c.score)).toEqual([0.3, 0.3]);
    expect(found(text)).toEqual([]);
    expect(found('SSN 123-45-6789')).toEqual([['123-45-6789', 0.65]]);
  });

  it('rejects mixed separators and longer numbers', () => {
    expect(found('536-22 8190 and 1536-22-8190 and 536-22-81901')).toEqual([]);
  });
});
