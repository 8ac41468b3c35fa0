/**
 * @module shared/privacy/pii/recognizers/location
 * LOCATION, by pattern (Presidio finds locations with a language model; these rules cover what
 * identifies a person most, where they live):
 * - street addresses: house number, one to four capitalised words, a street suffix (`Street`,
 *   `St`, `Avenue`, `Rd`, `Blvd`, …), an optional direction and unit (`Apt 4B`), then the city,
 *   state and ZIP or postcode when they follow (`, Springfield, IL 62704`) — score 0.7;
 * - places after "I live in", "based in", "born in", "I'm from", "moved to", … — 0.65;
 * - UK and Canadian postcodes — 0.5 (0.3 unspaced); US ZIP codes — 0.15, so they need a context
 *   word (`zip`, `postal`, `ship`, `address`, …).
 * Addresses written name-first (`Hauptstraße 5`), and towns named without a cue, are not found.
 */
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'LocationRecognizer';
const CONTEXT = contextWords(
  'address addr live lives living located location ship shipping deliver delivery mail send street home office ' +
  'zip zipcode postal postcode billing residence reside resides move moved apartment',
);

const SUFFIXES =
  'Street St Avenue Ave Av Road Rd Lane Ln Boulevard Blvd Drive Dr Court Ct Place Pl Terrace Ter Way Parkway Pkwy ' +
  'Highway Hwy Circle Cir Square Sq Trail Trl Crescent Cres Close Row Alley Plaza Walk Gardens Mews Hill Grove Park';
/** `[Ss]treet|[Ss]t|…`: capitalised or lower-case suffix, longest alternatives first. */
const SUFFIX = SUFFIXES.split(' ')
  .sort((a, b) => b.length - a.length)
  .map((s) => `[${s[0]}${s[0].toLowerCase()}]${s.slice(1)}`)
  .join('|');
const WORD = "\\p{Lu}[\\p{L}'’.-]{0,30}";
const STREET = new RegExp(
  `(?<![\\p{L}\\p{N}_.,/-])\\d{1,6}[A-Za-z]?(?:-\\d{1,6})?[ \\t]{1,3}(?:(?:${WORD}|\\d{1,3}(?:st|nd|rd|th))[ \\t]{1,3}){1,4}(?:${SUFFIX})(?![\\p{L}\\p{N}_])\\.?` +
    `(?:[ \\t]{1,2}(?:NE|NW|SE|SW|N|S|E|W)(?![\\p{L}\\p{N}_])\\.?)?`,
  'gu',
);
const UNIT = /,?[ \t]{1,3}(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)\.?[ \t]{0,3}#?[A-Za-z0-9-]{1,6}(?![\p{L}\p{N}_])/uy;
/** One to three capitalised words (a capital then a lower-case letter, so `NW1` is not a word). */
const CITY = /,?[ \t]{1,3}\p{Lu}\p{Ll}[\p{L}'’-]{0,29}(?:[ \t]\p{Lu}\p{Ll}[\p{L}'’-]{0,29}){0,2}/uy;
const STATE_ZIP = /,?[ \t]{1,3}(?:[A-Z]{2}[ \t]{1,3}(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d)|[A-Z]{2}(?![\p{L}\p{N}_])|\d{5}(?:-\d{4})?)(?![\p{L}\p{N}_])/uy;
const UK_POSTCODE_AFTER = /,?[ \t]{1,3}[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}(?![\p{L}\p{N}_])/uy;
const COUNTRY = /,?[ \t]{1,3}(?:USA|U\.S\.A\.|US|UK|United States|United Kingdom|Canada|Australia|Ireland|Germany|France|India)(?![\p{L}\p{N}_])/uy;
/** What may follow a city for it to be part of the address: end of sentence, line, or text. */
const CITY_END = /(?:[ \t]*(?:[.;!?)\n]|$))/y;

const ZIP = /(?<![\p{L}\p{N}_-])\d{5}(?:-\d{4})?(?![\p{L}\p{N}_]|-\d)/gu;
const UK_POSTCODE = /(?<![\p{L}\p{N}_])[A-Z]{1,2}\d[A-Z\d]?( ?)\d[A-Z]{2}(?![\p{L}\p{N}_])/gu;
const CA_POSTCODE = /(?<![\p{L}\p{N}_])[ABCEGHJ-NPRSTVXY]\d[A-Z]( ?)\d[A-Z]\d(?![\p{L}\p{N}_])/gu;

const PLACE = "\\p{Lu}\\p{Ll}[\\p{L}'’-]{0,29}(?:[ \\t](?:\\p{Lu}\\p{Ll}[\\p{L}'’-]{0,29}|of|de|del|la|le)){0,3}";
const CUE = new RegExp(
  `(?<![\\p{L}\\p{N}_])(?:(?:live|lives|living|lived|reside|resides|residing|based|located|grew up|raised|settled|born)[ \\t]{1,3}(?:in|near)|(?:I'm|I’m|I am|we're|we’re|we are|originally|come|comes|came)[ \\t]{1,3}from|(?:moved|moving|relocated|relocating)(?:[ \\t]{1,3}(?:here|back|away|over))?[ \\t]{1,3}(?:from|to))[ \\t]{1,3}(${PLACE}(?:,[ \\t]{0,2}${PLACE})?)`,
  'gu',
);
/** Capitalised words a cue can be followed by that are not places. */
const NOT_PLACES = new Set(
  ('I The A An This That My Our Your Their His Her It January February March April May June July August September October ' +
    'November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday React Python TypeScript JavaScript Rust Java ' +
    'Kotlin Swift Vue Angular Node Postgres PostgreSQL MySQL Mongo MongoDB Redis Kubernetes Docker Linux Windows Mac Ubuntu ' +
    'GitHub GitLab Slack Teams Notion Jira Excel Google Azure Vercel Heroku Netlify Firebase Supabase Django Flask Rails').split(' '),
);

/** Extends an address at `end` with the parts that follow it (unit, city, state, ZIP, country). */
function extendAddress(text: string, end: number): number {
  const at = (re: RegExp, from: number): number => {
    re.lastIndex = from;
    return re.test(text) ? re.lastIndex : -1;
  };
  let e = at(UNIT, end);
  if (e !== -1) end = e;
  const city = at(CITY, end);
  if (city !== -1) {
    const afterCity = [STATE_ZIP, UK_POSTCODE_AFTER].map((re) => at(re, city)).find((x) => x !== -1);
    if (afterCity !== undefined) end = afterCity;
    else if (at(CITY_END, city) !== -1 || at(COUNTRY, city) !== -1) end = city;
  } else {
    const zip = at(STATE_ZIP, end);
    if (zip !== -1) end = zip;
  }
  e = at(COUNTRY, end);
  if (e !== -1) end = e;
  // A full stop after a whole word ends the sentence; after an abbreviation (`St.`) it is part of it.
  if (text[end - 1] === '.' && /[\p{Ll}]{4,}\.$/u.test(text.slice(Math.max(0, end - 6), end))) end--;
  return end;
}

/** Street addresses, postcodes and "I live in …" places. */
export const locationRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['LOCATION'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    const add = (start: number, end: number, score: number) => list.add('LOCATION', start, end, score);
    eachMatch(STREET, text, (m) => {
      const end = extendAddress(text, m.index + m[0].length);
      STREET.lastIndex = end;
      return add(m.index, end, 0.7);
    });
    eachMatch(CUE, text, (m) => {
      const place = m[1].replace(/[.’']+$/, '').replace(/(?:[ \t](?:of|de|del|la|le))+$/, '');
      const first = place.split(/[ \t,]/)[0];
      if (NOT_PLACES.has(first)) return true;
      const start = m.index + m[0].length - m[1].length;
      return add(start, start + place.length, 0.65);
    });
    eachMatch(UK_POSTCODE, text, (m) => add(m.index, m.index + m[0].length, m[1] ? 0.5 : 0.3));
    eachMatch(CA_POSTCODE, text, (m) => add(m.index, m.index + m[0].length, m[1] ? 0.5 : 0.3));
    eachMatch(ZIP, text, (m) => add(m.index, m.index + m[0].length, 0.15));
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
