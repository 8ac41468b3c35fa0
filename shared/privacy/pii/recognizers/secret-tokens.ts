/**
 * @module shared/privacy/pii/recognizers/secret-tokens
 * SECRET: credentials recognisable by their own shape — AWS access key ids (`AKIA…`, `ASIA…`),
 * GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab tokens (`glpat-`,
 * `glrt-`, …), Slack tokens
 * (`xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`), Stripe secret and restricted keys (`sk_live_`,
 * `rk_live_`; test keys score lower; webhook secrets `whsec_`), Google API keys (`AIza…`), JSON Web Tokens
 * (`eyJ….eyJ….…`), `Authorization: Bearer …` values and PEM private-key blocks. The prefixes
 * and lengths are the vendors' published formats, the same ones GitHub secret scanning and
 * gitleaks match. Every quantifier is bounded and every class excludes what follows it.
 */
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'SecretTokenRecognizer';

const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';
const TOKEN_PATTERNS: ReadonlyArray<readonly [RegExp, number]> = [
  [new RegExp(`${B}(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}${E}`, 'g'), 0.95],
  [new RegExp(`${B}gh[pousr]_[A-Za-z0-9]{36,251}${E}`, 'g'), 0.95],
  [new RegExp(`${B}github_pat_[A-Za-z0-9_]{22,255}${E}`, 'g'), 0.95],
  [new RegExp(`${B}gl(?:pat|rt|dt|ptt|ft|cbt|oas)-[A-Za-z0-9_-]{20,64}${E}`, 'g'), 0.95],
  [new RegExp(`${B}xox[abpre]-[A-Za-z0-9-]{10,250}${E}`, 'g'), 0.95],
  [new RegExp(`${B}(?:sk|rk)_live_[A-Za-z0-9]{10,247}${E}`, 'g'), 0.95],
  [new RegExp(`${B}(?:sk|rk)_test_[A-Za-z0-9]{10,247}${E}`, 'g'), 0.7],
  [new RegExp(`${B}whsec_[A-Za-z0-9+/=]{16,128}${E}`, 'g'), 0.9],
  [new RegExp(`${B}AIza[0-9A-Za-z_-]{35}${E}`, 'g'), 0.95],
  [new RegExp(`${B}eyJ[A-Za-z0-9_-]{5,4096}\\.eyJ[A-Za-z0-9_-]{5,16384}\\.[A-Za-z0-9_-]{0,4096}${E}`, 'g'), 0.95],
];
/** `Bearer <token>` (the token only), in headers and in curl examples. */
const BEARER = /\bBearer[ \t]{1,4}([A-Za-z0-9._~+/-]{16,4096}=*)(?![A-Za-z0-9._~+/=-])/g;
const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
/** Longest PEM block looked for (an 8192-bit RSA key is about 6.5 kB). */
const MAX_PEM = 16_384;

/** Vendor token shapes, JWTs, bearer tokens and PEM private keys. */
export const secretTokenRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['SECRET'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    for (const [pattern, score] of TOKEN_PATTERNS) {
      eachMatch(pattern, text, (m) => list.add('SECRET', m.index, m.index + m[0].length, score));
    }
    eachMatch(BEARER, text, (m) => {
      const start = m.index + m[0].indexOf(m[1]);
      return list.add('SECRET', start, start + m[1].length, 0.9);
    });
    eachMatch(PEM_BEGIN, text, (m) => {
      const window = text.slice(m.index, m.index + MAX_PEM);
      const footer = /-----END (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----/.exec(window);
      // Without its footer (a truncated paste) the block runs to the end of the base64 body.
      const end = footer
        ? m.index + footer.index + footer[0].length
        : m.index + m[0].length + (/^[A-Za-z0-9+/=\s:,-]*/.exec(window.slice(m[0].length))?.[0].trimEnd().length ?? 0);
      PEM_BEGIN.lastIndex = end;
      return list.add('SECRET', m.index, end, 1);
    });
    return list.items;
  },
};
