/**
 * @module shared/privacy/pii/recognizers/url-credentials
 * SECRET: URLs of any scheme with a password in them, `scheme://user:password@host…`
 * (database DSNs, `jdbc:mysql://…`, `https://user:token@github.com/…`). The whole URL is the span, the same span
 * the URL recognizer reports for http(s), and the higher score (0.95) makes SECRET win the overlap.
 */
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';
import { urlEnd } from './url-extent';

const NAME = 'UrlCredentialsRecognizer';

/** `scheme://user:password@` with bounded parts; the classes exclude the delimiters that follow them. */
const CREDENTIALS = /(?<![\p{L}\p{N}_+.-])(?:jdbc:)?[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\/[^\s:/@]{0,128}:[^\s/@]{1,256}@(?=[\p{L}\p{N}[])/gu;

/** Finds credentials in URLs. */
export const urlCredentialsRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['SECRET'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    eachMatch(CREDENTIALS, text, (m) => {
      const end = urlEnd(text, m.index);
      const password = m[0].slice(m[0].lastIndexOf(':') + 1, -1);
      if (/^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\*+|x+|<[^>]*>|password|pass|secret)$/i.test(password)) return true; // a template, not a secret
      CREDENTIALS.lastIndex = end;
      return list.add('SECRET', m.index, end, 0.95);
    });
    return list.items;
  },
};
