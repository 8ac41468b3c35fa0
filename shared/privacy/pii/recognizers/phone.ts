/**
 * @module shared/privacy/pii/recognizers/phone
 * PHONE_NUMBER, validated by libphonenumber-js (Google's libphonenumber metadata): international
 * numbers with `+`, and national numbers of the default country.
 *
 * libphonenumber's own text search slows down badly on long runs of digits and spaces (about 9 s
 * per MB of `12 12 12 …`), so the text is first cut, in one linear pass, into runs of the
 * characters a phone number is written with; only runs of 7+ digits reach `findNumbers`, one
 * short run at a time. Runs longer than 64 characters (tables, digit blobs) are searched only
 * for `+`-prefixed and North-American shapes. Each call to libphonenumber is charged to a work
 * budget; when it is spent the scan stops and reports it (see `RecognizerOptions.onLimit`).
 *
 * Scores: 0.7 for an international number (`+44 20 7946 0958`), 0.6 for a formatted national
 * number (`(415) 555-2671`), 0.4 for bare digits (`4155552671`), which need a context word
 * (`call`, `phone`, `mobile`, …) to pass the default threshold — Presidio's PhoneRecognizer
 * scores 0.4 throughout and relies on context in the same way.
 */
import { findNumbers, isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch, isWordChar } from './candidate-list';

const NAME = 'PhoneRecognizer';
const CONTEXT = contextWords(
  'phone telephone tel cell cellphone mobile mob call calling text sms whatsapp signal fax landline number no ' +
  'contact reach ring dial hotline helpline line extension ext',
);

/** Characters a phone number is written with; one maximal run per match (linear: one class). */
const RUN = /[+(]?\d[\d \t().\-/]*/g;
/** Shapes looked for inside long runs: `+CC …` and `(NPA) NXX-NNNN`. No trailing assertion, so no backtracking. */
const LONG_RUN_SHAPES = /\+\d{1,3}(?:[ .\-]?\(?\d{1,5}\)?){1,6}|\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}/g;
const MAX_SHORT_RUN = 64;
/** Shapes libphonenumber can accept that are something else: dates, times of a log line, dotted quads. */
const NOT_A_PHONE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{1,3}(?:\.\d{1,3}){3})(?:\D|$)/;
/** libphonenumber calls allowed per text (each costs 10–150 µs). */
export const PHONE_VALIDATION_BUDGET = 50_000;

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) n++;
  }
  return n;
}

function scoreOf(number: string): number {
  if (number.startsWith('+')) return 0.7;
  if (/[\s().\-/]/.test(number)) return 0.6;
  return 0.4;
}

/** Presidio's PhoneRecognizer over libphonenumber-js, with linear pre-scanning. */
export const phoneRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['PHONE_NUMBER'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    const country: CountryCode | undefined = isSupportedCountry(options.defaultCountry) ? options.defaultCountry : undefined;
    let budget = PHONE_VALIDATION_BUDGET;
    // maxTries (honoured by libphonenumber-js, missing from its typings) bounds inner-match retries.
    const searchOptions = { defaultCountry: country, v2: true as const, maxTries: 8 };

    /**
     * Validates `piece` (at `offset` in text); adds what libphonenumber finds and returns how many
     * it added, or -1 to stop. With `mustStartAtZero`, only a number starting the piece counts.
     */
    const validate = (piece: string, offset: number, mustStartAtZero: boolean): number => {
      if (budget-- <= 0) {
        list.stopEarly();
        return -1;
      }
      let added = 0;
      for (const found of findNumbers(piece, searchOptions)) {
        if (mustStartAtZero && found.startsAt !== 0) continue;
        const number = piece.slice(found.startsAt, found.endsAt);
        if (NOT_A_PHONE.test(number)) continue;
        if (!list.add('PHONE_NUMBER', offset + found.startsAt, offset + found.endsAt, scoreOf(number))) return -1;
        added++;
      }
      return added;
    };

    eachMatch(RUN, text, (m) => {
      const start = m.index;
      let run = m[0];
      run = run.replace(/[^\d]+$/, ''); // trailing separators are not part of a number
      if (isWordChar(text[start - 1]) || isWordChar(text[start + run.length])) return true;
      if (text[start - 1] === '#') return true; // an order or item number: #55-1234-9987
      if (countDigits(run) < 7) return true;
      if (run.length <= MAX_SHORT_RUN) return validate(run, start, false) >= 0;
      // A long run: only look for unmistakable shapes, and validate each; a `+` shape may have
      // swallowed the groups after the number, so shorter prefixes are tried too (≤ 6).
      let keepGoing = true;
      eachMatch(LONG_RUN_SHAPES, run, (shape) => {
        const before = run[shape.index - 1];
        if (before !== undefined && /\d/.test(before)) return true;
        let piece = shape[0];
        for (;;) {
          const added = validate(piece, start + shape.index, true);
          if (added < 0) return (keepGoing = false);
          const shorter = piece.replace(/[ .\-]?\(?\d{1,5}\)?$/, '');
          if (added > 0 || shorter === piece || !/^\+\d{1,3}[ .\-]?\(?\d/.test(shorter)) return true;
          piece = shorter;
        }
      });
      return keepGoing && !list.full;
    });
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
