/**
 * @module shared/privacy/pii/recognizers/url
 * URL: `http://`, `https://` and `www.` addresses (bare domains such as `example.com` are not
 * reported: in code and prose they are far more often names than links to a person's page).
 * Score 0.6 (Presidio's UrlRecognizer: 0.5), raised by `url`, `link`, `website`, …. A URL that
 * carries `user:password@` is reported as a SECRET as well, by the URL-credentials recognizer.
 */
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';
import { urlEnd } from './url-extent';

const NAME = 'UrlRecognizer';
const CONTEXT = contextWords('url link website site page homepage profile visit blog portfolio');

const START = /(?<![\p{L}\p{N}_])(?:https?:\/\/|www\.)(?=[\p{L}\p{N}[])/giu;
/** Host: a dotted name, `localhost`, or a bracketed IPv6 address, after optional userinfo. */
const HOST = /^(?:https?:\/\/)?(?:[^\s/@]{1,256}@)?(?:\[[0-9A-Fa-f:.]{2,45}\]|localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,10}[\p{L}\p{N}-]{2,63})(?::\d{1,5})?(?=$|[/?#])/iu;

/** Presidio's UrlRecognizer, limited to explicit links. */
export const urlRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['URL'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    eachMatch(START, text, (m) => {
      const end = urlEnd(text, m.index);
      const url = text.slice(m.index, end);
      START.lastIndex = end;
      if (!HOST.test(url)) return true;
      return list.add('URL', m.index, end, 0.6);
    });
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
