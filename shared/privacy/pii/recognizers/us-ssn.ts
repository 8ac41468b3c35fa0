/**
 * @module shared/privacy/pii/recognizers/us-ssn
 * US_SSN: `AAA-GG-SSSS` (dashes 0.6, spaces 0.4, nine bare digits 0.2 — the bare form needs a
 * context word such as `ssn` or `social security`). Numbers the SSA never issues are dropped:
 * area 000, 666 or 900–999, group 00, serial 0000, and one digit repeated. The two famous
 * examples (078-05-1120 from a 1938 wallet insert, 123-45-6789 from every form template) score
 * 0.3: they pass only with context. Mirrors Presidio's UsSsnRecognizer and its invalidation.
 */
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'UsSsnRecognizer';
const CONTEXT = contextWords('ssn ssns ss social security tax taxpayer tin itin ssa');

/** Three groups with the same separator (dash, space or none) throughout. */
const CANDIDATE = /(?<![\p{L}\p{N}_\-.])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}_]|[-.]\d)/gu;

const WELL_KNOWN_EXAMPLES = new Set(['078051120', '123456789']);

/** True when the SSA could have issued `area-group-serial`. */
export function ssnIssuable(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !/^(\d)\1{8}$/.test(area + group + serial);
}

/** Presidio's UsSsnRecognizer. */
export const usSsnRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['US_SSN'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    eachMatch(CANDIDATE, text, (m) => {
      const [raw, area, separator, group, serial] = m;
      if (!ssnIssuable(area, group, serial)) return true;
      let score = separator === '-' ? 0.6 : separator === ' ' ? 0.4 : 0.2;
      if (WELL_KNOWN_EXAMPLES.has(area + group + serial)) score = Math.min(score, 0.3);
      return list.add('US_SSN', m.index, m.index + raw.length, score);
    });
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
