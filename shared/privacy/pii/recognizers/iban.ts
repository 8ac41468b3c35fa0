/**
 * @module shared/privacy/pii/recognizers/iban
 * IBAN_CODE: two letters, two check digits and the country's fixed-length BBAN, in print form
 * (groups of four separated by spaces) or compact; valid only when the length matches the
 * country (SWIFT IBAN registry) and the ISO 7064 mod-97 check gives 1. A valid IBAN scores 1.0,
 * as in Presidio's IbanRecognizer after validation.
 */
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'IbanRecognizer';
const CONTEXT = contextWords('iban bank account transfer wire sepa payment');

/** IBAN length per country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24,
  ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Country code and check digits at a word start; the rest is read by hand (bounded by the length table). */
const START = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])/gu;

/** ISO 7064 mod 97-10 over an IBAN without spaces (upper case): true when the remainder is 1. */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) remainder = (remainder * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) remainder = (remainder * 100 + (c - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Presidio's IbanRecognizer: country length table and mod-97. */
export const ibanRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['IBAN_CODE'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    eachMatch(START, text, (m) => {
      const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
      if (length === undefined) return true;
      // Collect `length` alphanumerics, allowing one space or dash between groups.
      let compact = '';
      let i = m.index;
      while (i < text.length && compact.length < length) {
        const c = text.charCodeAt(i);
        if (isAlnum(c)) {
          compact += text[i];
          i++;
        } else if ((c === 32 || c === 45) && compact.length >= 4 && i + 1 < text.length && isAlnum(text.charCodeAt(i + 1))) {
          i++;
        } else break;
      }
      if (compact.length !== length || (i < text.length && isAlnum(text.charCodeAt(i)))) return true;
      if (!ibanChecksumValid(compact.toUpperCase())) return true;
      START.lastIndex = i;
      return list.add('IBAN_CODE', m.index, i, 1);
    });
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
