/** @module shared/privacy/pii/recognizers/iban.test IBANs: country lengths and the mod-97 check. */
import { describe, expect, it } from 'vitest';
import { ibanChecksumValid, ibanRecognizer } from './iban';

function found(text: string): string[] {
  return ibanRecognizer.analyze(text, { defaultCountry: 'US', limit: 1000, onLimit() {} }).map((c) => text.slice(c.start, c.end));
}

describe('ibanChecksumValid', () => {
  it('accepts registry examples and rejects a changed check digit', () => {
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true);
    expect(ibanChecksumValid('GB29NWBK60161331926819')).toBe(true);
    expect(ibanChecksumValid('GB28NWBK60161331926819')).toBe(false);
  });
});

describe('ibanRecognizer', () => {
  it('finds IBANs in print form and compact form, at score 1', () => {
    const text = 'Pay DE89 3704 0044 0532 0130 00 or FR1420041010050500013M02606, thanks.';
    const candidates = ibanRecognizer.analyze(text, { defaultCountry: 'US', limit: 10, onLimit() {} });
    expect(candidates.map((c) => [text.slice(c.start, c.end), c.score])).toEqual([
      ['DE89 3704 0044 0532 0130 00', 1],
      ['FR1420041010050500013M02606', 1],
    ]);
  });

  it('rejects mod-97-invalid IBANs', () => {
    expect(found('IBAN GB28 NWBK 6016 1331 9268 19 and NL91 ABNA 0417 1643 01')).toEqual([]);
  });

  it('rejects the wrong length for the country and unknown countries', () => {
    expect(found('DE89 3704 0044 0532 0130 0 and DE89 3704 0044 0532 0130 001 and ZZ89370400440532013000')).toEqual([]);
  });

  it('accepts lower case', () => {
    expect(found('gb29 nwbk 6016 1331 9268 19')).toEqual(['gb29 nwbk 6016 1331 9268 19']);
  });
});
