/**
 * @module shared/privacy/pii/recognizers/date-time
 * DATE_TIME: calendar dates that can identify someone (a birth date, an appointment), in the
 * forms people type — ISO `2024-03-05` (with an optional time), `05/03/2024` and `3/5/24` (day
 * and month either way round, checked against the calendar), `March 5, 1985`, `5 March 1985`,
 * `5th of March`, `Mar 5`. Times on their own, weekdays and relative dates are not reported.
 *
 * Scores: 0.6 for a full numeric or ISO date, 0.7 for a written date with a year, 0.55 for a
 * written day and month without year, 0.5 for a numeric date with a two-digit year, 0.3 for a
 * month and year, a dotted two-digit-year date (which is often a version), or a bare day and
 * month such as `9/23` (as often a fraction). Birth context (`born`, `dob`,
 * `birthday`, `date of birth`, …) adds 0.35, so `born in March 1985` passes and `3/4 cup` never
 * matches at all (no year, and fractions are not dates).
 */
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'DateRecognizer';
const CONTEXT = contextWords(
  'born birth birthday bday dob date dated appointment anniversary deadline due ' +
  'admitted discharged visit surgery scheduled wedding died',
);

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const YEAR = '(?:1\\d{3}|20\\d\\d)';
const TIME = '(?:[T ](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:Z|[+-][01]\\d:?[0-5]\\d)?)?';

const ISO = new RegExp(`(?<![\\p{L}\\p{N}_.:/-])${YEAR}([-/.])(?:0[1-9]|1[0-2])\\1(?:0[1-9]|[12]\\d|3[01])${TIME}(?![\\p{L}\\p{N}_]|[.:/-]\\d)`, 'gu');
const NUMERIC = /(?<![\p{L}\p{N}_.:/-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\p{L}\p{N}_]|[.:/-]\d)/gu;
const MONTH_FIRST = new RegExp(`(?<![\\p{L}\\p{N}_])(${MONTH})\\.?[ \\t]{1,3}(${DAY})(?:,?[ \\t]{1,3}(${YEAR}))?(?![\\p{L}\\p{N}_]|[:.]\\d)`, 'giu');
const DAY_FIRST = new RegExp(`(?<![\\p{L}\\p{N}_.:/-])(${DAY})(?:[ \\t]{1,3}of)?[ \\t]{1,3}(${MONTH})\\.?(?:,?[ \\t]{1,3}(${YEAR}))?(?![\\p{L}\\p{N}_])`, 'giu');
/** Day and month only, `9/23`, `11/05`: as often a fraction or a ratio, so 0.3 and context decides. */
const SHORT_NUMERIC = /(?<![\p{L}\p{N}_.:/-])(\d{1,2})\/(\d{1,2})(?![\p{L}\p{N}_]|[.:/-]\d|[ \t]*[+*×÷=-][ \t]*\d)/gu;
const MONTH_YEAR = new RegExp(`(?<![\\p{L}\\p{N}_])(${MONTH})\\.?(?:[ \\t]{1,3}of)?[ \\t]{1,3}(${YEAR})(?![\\p{L}\\p{N}_])`, 'giu');

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when `day` exists in `month` (1-based; 29 February allowed). */
export function validDayOfMonth(day: number, month: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1];
}

/** True for a Gregorian leap year. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `8 March.` ends a sentence: the full stop belongs to a month only when it is abbreviated (`Mar.`). */
function withoutFullStop(raw: string, month: string): string {
  return raw.endsWith('.') && month.length > 3 && month.toLowerCase() !== 'sept' ? raw.slice(0, -1) : raw;
}

/** Presidio's DateRecognizer, limited to dates. */
export const dateRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['DATE_TIME'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    const add = (start: number, end: number, score: number) => list.add('DATE_TIME', start, end, score);
    eachMatch(ISO, text, (m) => {
      const [year, month, day] = m[0].split(/[-/.T ]/).map(Number);
      if (!validDayOfMonth(day, month) || (month === 2 && day === 29 && !isLeapYear(year))) return true;
      return add(m.index, m.index + m[0].length, 0.6);
    });
    eachMatch(NUMERIC, text, (m) => {
      const [raw, a, separator, b, year] = m;
      const first = Number(a);
      const second = Number(b);
      if (!validDayOfMonth(second, first) && !validDayOfMonth(first, second)) return true;
      if (year.length === 4 && (Number(year) < 1800 || Number(year) > 2099)) return true;
      const score = year.length === 4 ? 0.6 : separator === '.' ? 0.3 : 0.5;
      return add(m.index, m.index + raw.length, score);
    });
    eachMatch(MONTH_FIRST, text, (m) => {
      const [raw, month, , year] = m;
      // "may" in lower case is a verb unless a year follows.
      if (month === 'may' && !year) return true;
      return add(m.index, m.index + withoutFullStop(raw, month).length, year ? 0.7 : 0.55);
    });
    eachMatch(DAY_FIRST, text, (m) => {
      const [raw, , month, year] = m;
      if (month === 'may' && !year) return true;
      return add(m.index, m.index + withoutFullStop(raw, month).length, year ? 0.7 : 0.55);
    });
    eachMatch(SHORT_NUMERIC, text, (m) => {
      const [raw, a, b] = m;
      if (!validDayOfMonth(Number(b), Number(a)) && !validDayOfMonth(Number(a), Number(b))) return true;
      return add(m.index, m.index + raw.length, 0.3);
    });
    eachMatch(MONTH_YEAR, text, (m) => add(m.index, m.index + m[0].length, 0.3));
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
