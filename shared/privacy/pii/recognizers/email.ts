/**
 * @module shared/privacy/pii/recognizers/email
 * EMAIL_ADDRESS, found from each `@` outwards rather than by one big regex: the local part is
 * scanned left (at most 64 characters, RFC 5321) and the domain right (at most 253), so the
 * work per `@` is bounded and `a@a@a@…` costs one step per character. Scores follow Presidio's
 * EmailRecognizer: 1.0 for a well-formed address whose TLD is known, 0.5 for an unknown
 * alphabetic TLD (`user@host.internal`); file extensions (`icon@2x.png`) are not TLDs.
 */
import { enhanceWithContext, contextWords } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList } from './candidate-list';
import { isFileExtension, isKnownTld } from './top-level-domains';

const CONTEXT = contextWords('email e mail mail address contact reach write inbox');

const NAME = 'EmailRecognizer';
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const LABEL = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)$/u;
const TLD = /^(?:\p{L}{2,24}|xn--[a-z0-9-]{1,59})$/iu;

function isLocalChar(code: number): boolean {
  if (code < 0x80) {
    return (
      (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ||
      code === 0x2e || code === 0x5f || code === 0x25 || code === 0x2b || code === 0x2d // . _ % + -
    );
  }
  return /[\p{L}\p{N}]/u.test(String.fromCharCode(code));
}

function isDomainChar(code: number): boolean {
  if (code < 0x80) {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2e || code === 0x2d;
  }
  return /[\p{L}\p{N}]/u.test(String.fromCharCode(code));
}

/**
 * True when the address is part of a URL that other recognizers report whole: the
 * `user:pass@host` of any scheme, or anything inside an http(s)/www link (`…?user=x@y.com`).
 */
function insideUrl(text: string, localStart: number): boolean {
  const before = text.slice(Math.max(0, localStart - 256), localStart);
  const token = before.slice(before.search(/\S*$/));
  if (text[localStart - 1] === ':' && token.includes('://')) return true;
  return /(?:https?:\/\/|(?:^|[^\p{L}\p{N}_])www\.)/iu.test(token);
}

/** Presidio's EmailRecognizer, scanning from each `@`. */
export const emailRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['EMAIL_ADDRESS'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > 0 && at - start < MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) start--;
      if (start > 0 && at - start >= MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) continue; // local part too long
      while (start < at && text[start] === '.') start++; // a local part cannot start with a dot
      if (start === at || text[at - 1] === '.') continue;
      let end = at + 1;
      while (end < text.length && end - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(end))) end++;
      while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--; // sentence full stop
      const domain = text.slice(at + 1, end);
      const labels = domain.split('.');
      if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) continue;
      const tld = labels[labels.length - 1];
      if (!TLD.test(tld) || isFileExtension(tld)) continue;
      if (insideUrl(text, start)) continue;
      const local = text.slice(start, at);
      if (local === 'git' && text[end] === ':') continue; // git@github.com:owner/repo.git is an SSH remote
      if (!list.add('EMAIL_ADDRESS', start, end, isKnownTld(tld) ? 1 : 0.5)) break;
    }
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
