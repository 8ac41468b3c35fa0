/**
 * @module shared/privacy/pii/recognizers/credit-card
 * CREDIT_CARD: 13–19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.
 * A number whose prefix is a known issuer range (IIN) for its length scores 0.8; a Luhn-valid
 * number with an unknown prefix scores 0.3 and needs a context word (`card`, `visa`, …). Presidio
 * scores its CreditCardRecognizer 0.3 before validation and 1.0 after the Luhn check alone; the
 * issuer check here is what keeps one in ten random 16-digit order numbers from being a "card".
 */
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'CreditCardRecognizer';
const CONTEXT = contextWords(
  'card credit debit visa mastercard master amex american express discover diners jcb unionpay maestro cc ' +
  'payment pay paid charge charged billing checkout cvv expiry exp number',
);

/**
 * One digit and an optional separator, 12–18 times, then a digit. Separator and digit classes
 * are disjoint and the lookbehind pins the start, so a failed attempt costs at most ~40 steps.
 */
const CANDIDATE = /(?<![\p{L}\p{N}_.,-])\d(?:[ -]?\d){12,18}(?![\p{L}\p{N}_]|[.,]\d)/gu;

/** True when `digits` passes the Luhn (mod 10) check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** [prefix range low, high, digits of prefix, allowed lengths] of the main card schemes. */
const ISSUERS: ReadonlyArray<readonly [number, number, number, readonly number[]]> = [
  [4, 4, 1, [13, 16, 19]], // Visa
  [51, 55, 2, [16]], // Mastercard
  [2221, 2720, 4, [16]], // Mastercard 2-series
  [34, 34, 2, [15]], // American Express
  [37, 37, 2, [15]],
  [6011, 6011, 4, [16, 17, 18, 19]], // Discover
  [644, 649, 3, [16, 17, 18, 19]],
  [65, 65, 2, [16, 17, 18, 19]],
  [300, 305, 3, [14, 15, 16, 17, 18, 19]], // Diners Club
  [36, 36, 2, [14, 15, 16, 17, 18, 19]],
  [38, 39, 2, [14, 15, 16, 17, 18, 19]],
  [3528, 3589, 4, [16, 17, 18, 19]], // JCB
  [62, 62, 2, [16, 17, 18, 19]], // UnionPay
  [2200, 2204, 4, [16, 17, 18, 19]], // Mir
  [50, 50, 2, [12, 13, 14, 15, 16, 17, 18, 19]], // Maestro
  [56, 58, 2, [12, 13, 14, 15, 16, 17, 18, 19]],
  [67, 69, 2, [12, 13, 14, 15, 16, 17, 18, 19]],
];

/** True when `digits` starts with a known issuer prefix and has a length that issuer uses. */
export function knownIssuer(digits: string): boolean {
  return ISSUERS.some(([low, high, width, lengths]) => {
    const prefix = Number(digits.slice(0, width));
    return prefix >= low && prefix <= high && lengths.includes(digits.length);
  });
}

/** Presidio's CreditCardRecognizer: Luhn plus issuer ranges. */
export const creditCardRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['CREDIT_CARD'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    eachMatch(CANDIDATE, text, (m) => {
      // The run may start with an unrelated number ("qty 2 4111 1111 …"): then try without its first group.
      const firstGap = m[0].search(/[ -]/);
      for (const offset of firstGap > 0 ? [0, firstGap + 1] : [0]) {
        const raw = m[0].slice(offset);
        const digits = raw.replace(/[ -]/g, '');
        if (digits.length < 13 || !luhnValid(digits) || /^(\d)\1+$/.test(digits)) continue;
        return list.add('CREDIT_CARD', m.index + offset, m.index + m[0].length, knownIssuer(digits) ? 0.8 : 0.3);
      }
      return true;
    });
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
