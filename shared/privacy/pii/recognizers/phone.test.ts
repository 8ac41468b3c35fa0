/** @module shared/privacy/pii/recognizers/phone.test The phone recognizer over libphonenumber-js. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import { phoneRecognizer } from './phone';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(text: string, defaultCountry = 'US'): Array<[string, number]> {
  return reported(phoneRecognizer, text, defaultCountry);
}

describe('phoneRecognizer', () => {
  it('finds formatted national numbers of the default country and international numbers', () => {
    expect(found('Either (415) 555-2671, 503.555.7712 or +44 20 7946 0958.')).toEqual([
      ['(415) 555-2671', 0.6],
      ['503.555.7712', 0.6],
      ['+44 20 7946 0958', 0.7],
    ]);
  });

  it('needs a context word for a bare run of digits', () => {
    expect(found('Order 4155552671 shipped')).toEqual([]);
    expect(found('my mobile: 4155552671')).toEqual([['4155552671', 0.75]]);
  });

  it('reads national numbers by the default country', () => {
    expect(found('ring 020 7946 0018 tonight')).toEqual([]);
    expect(found('ring 020 7946 0018 tonight', 'GB')).toEqual([['020 7946 0018', 0.95]]);
  });

  it('finds two numbers in one run and numbers among long runs of digits', () => {
    expect(found('Tel: 415-555-2671 / 415-555-1234').map(([v]) => v)).toEqual(['415-555-2671', '415-555-1234']);
    const table = `${'12 '.repeat(40)}+1 415 555 2671 ${'34 '.repeat(40)}`;
    expect(found(table).map(([v]) => v)).toEqual(['+1 415 555 2671']);
  });

  it('does not take invalid numbers, dates, dotted quads, card numbers or item numbers for phones', () => {
    const text = 'call 555-0100, 12345678, 2024-03-05 10:22, 52.14.203.119, 4111 1111 1111 1111, item #55-1234-9987';
    expect(found(text)).toEqual([]);
  });

  it('ignores digits glued to letters', () => {
    expect(found('id A4155552671 and 4155552671x')).toEqual([]);
  });
});
