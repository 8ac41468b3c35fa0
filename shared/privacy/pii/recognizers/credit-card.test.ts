/** @module shared/privacy/pii/recognizers/credit-card.test Card numbers: Luhn, issuer ranges, layouts. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import { creditCardRecognizer, knownIssuer, luhnValid } from './credit-card';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(text: string): Array<[string, number]> {
  return reported(creditCardRecognizer, text);
}

describe('luhnValid', () => {
  it('accepts the Wikipedia example and rejects a one-digit change', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398714')).toBe(false);
  });
});

describe('knownIssuer', () => {
  it('knows Visa, Mastercard 2-series, Amex and JCB by prefix and length', () => {
    expect(knownIssuer('4111111111111111')).toBe(true);
    expect(knownIssuer('2223003122003222')).toBe(true);
    expect(knownIssuer('378282246310005')).toBe(true);
    expect(knownIssuer('3530111333300000')).toBe(true);
    expect(knownIssuer('378282246310005'.padEnd(16, '0'))).toBe(false);
    expect(knownIssuer('9111111111111111')).toBe(false);
  });
});

describe('creditCardRecognizer', () => {
  it('finds Luhn-valid numbers of known issuers, spaced, dashed or compact, at 0.8', () => {
    expect(found('Visa 4111 1111 1111 1111; MC 5555-5555-5555-4444; Amex 378282246310005.')).toEqual([
      ['4111 1111 1111 1111', 1], // "visa" is a context word
      ['5555-5555-5555-4444', 0.8],
      ['378282246310005', 1], // so is "amex"
    ]);
  });

  it('rejects Luhn-invalid numbers', () => {
    expect(found('card 4111 1111 1111 1112')).toEqual([]);
  });

  it('scores a Luhn-valid number with an unknown prefix 0.3, so only context makes it a card', () => {
    const raw = creditCardRecognizer.analyze('ref 9111 1111 1111 1110', { defaultCountry: 'US', limit: 10, onLimit() {} });
    expect(raw.map((c) => c.score)).toEqual([0.3]);
    expect(found('ref 9111 1111 1111 1110')).toEqual([]);
    expect(found('credit card 9111 1111 1111 1110')).toEqual([['9111 1111 1111 1110', 0.65]]);
  });

  it('ignores numbers that are too short or too long, repeated digits, decimals and digits inside words', () => {
    expect(found('4111 1111 1111 and 0000 0000 0000 0000 and 41111111111111111111111 and 3.4111111111111111 and x4111111111111111')).toEqual([]);
  });

  it('finds a card after an unrelated leading number', () => {
    expect(found('qty 2 4111 1111 1111 1111').map(([v]) => v)).toEqual(['4111 1111 1111 1111']);
  });

  it('stays fast on a million-digit run', () => {
    const started = performance.now();
    expect(found('4'.repeat(1_000_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
