/**
 * @module shared/privacy/pii/recognizers/secret-assignment
 * SECRET: values assigned to secret-sounding names — `password=…`, `api_key: "…"`,
 * `DB_PASSWORD=…`, `"client_secret": "…"`, `token => '…'` — and passwords stated in prose
 * (`my password is hunter2`). Only the value is the span, so the name stays readable.
 *
 * Code that only refers to a secret is left alone: `password = os.environ["PW"]`,
 * `api_key: string`, `secret=${SECRET}`, `token = get_token()`, `password: ""`, `<your-key>`.
 * Also `curl -u user:password`. Quoted values score 0.85, unquoted ones 0.75, prose 0.8 (0.6
 * without a verb: `passcode 7713`, digits required), curl credentials 0.85.
 */
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'SecretAssignmentRecognizer';

/**
 * A name, an optional closing quote and `=`/`:`/`:=`/`=>`. Each part's class excludes the next
 * part's first character, so matching is linear.
 */
const ASSIGNMENT = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_.-]{0,63})(["']?)([ \t]{0,3})(:=|=>|=|:)([ \t]{0,3})/g;
/** The value after a secret name's operator (read only then, so other assignments cost only their name). */
const VALUE = /(["'`]?)([^\s"'`,;]{1,512})/y;
const PROSE = /\b(?:password|passcode|passphrase|passwd|pin)[ \t]{1,3}(?:(is|was|=)[ \t]{1,3})?["'“]?([^\s"'”]{4,128})/gi;
/** `curl -u user:password`, `--user user:password` (the pair is the span). */
const CURL_USER = /(?<![\S])(?:-u|--user)[ \t]{1,3}["']?([^\s:"']{1,64}:[^\s"']{1,128})/g;

/** Names whose value is a secret (after lower-casing, `-` and `.` read as `_`). */
const SECRET_NAME =
  /(?:^|_)(?:password|passwd|pwd|pass|passphrase|secret|secret_key|api_?key|apikey|access_key|access_token|auth_token|refresh_token|token|client_secret|private_key|credentials?|bearer|session_key|signing_key|encryption_key|master_key)$/;
/** Values that are code or a placeholder, not a secret. */
const NOT_A_VALUE =
  /^(?:[$%{<(\[]|process\.env|os\.environ|os\.getenv|getenv|env\.|env\(|import\.meta|config\.|settings\.|self\.|this\.|args\.|options\.|opts\.|req\.|request\.|none$|null$|nil$|undefined$|true$|false$|required$|optional$|string$|str$|number$|int$|bool$|boolean$|bytes$|any$|secretstr$|type$|text$|password$|secret$|token$|\*+$|x+$|•+$|\.\.\.|…|changeme$|your[_-])/i;
/** Words that follow "password is" without being a password. */
const PROSE_WORDS = new Set(
  'incorrect wrong invalid correct too not the a an expired weak strong required same different case long short missing empty set changed reset stored saved hashed encrypted visible hidden secure safe fine ok okay okay. being still also very really only at in on of for my your their his her our'.split(' '),
);

/** Secret-named assignments and stated passwords. */
export const secretAssignmentRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['SECRET'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    eachMatch(ASSIGNMENT, text, (m) => {
      const [head, name, , spaceBefore, operator, spaceAfter] = m;
      // Not a secret name: go on right after the operator, where the next assignment may start
      // (`localStorage: refresh_token: "…"`).
      if (!SECRET_NAME.test(name.toLowerCase().replace(/[-.]/g, '_'))) return true;
      VALUE.lastIndex = m.index + head.length;
      const v = VALUE.exec(text);
      if (!v) return true;
      const [whole, quote, rawValue] = v;
      const valueStart = v.index + whole.length - rawValue.length;
      let value = rawValue;
      if (!quote) value = value.replace(/[)\]}>:.]+$/, ''); // closing brackets and sentence punctuation
      if (value.length < 4 || NOT_A_VALUE.test(value)) return true;
      if (!quote && value.includes('(')) return true; // a call: token = get_token()
      if (!quote && /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(value)) return true; // a member: cfg.db.password
      // `password: hunter` with spaces is YAML or a type annotation; an unquoted identifier there is code.
      if (!quote && operator !== '=' && /^[A-Za-z_]+$/.test(value) && value.length < 8) return true;
      if (!quote && (spaceBefore || spaceAfter) && operator === '=' && /^[a-z_][a-zA-Z0-9_]*$/.test(value) && !/\d/.test(value)) return true;
      // A number under a token/key name is a count or a size (`max_token: 4096`), not a credential.
      if (/^\d+$/.test(value) && !/pass|pwd|pin/.test(name.toLowerCase())) return true;
      ASSIGNMENT.lastIndex = valueStart + value.length;
      return list.add('SECRET', valueStart, valueStart + value.length, quote ? 0.85 : 0.75);
    });
    eachMatch(PROSE, text, (m) => {
      const [whole, verb, raw] = m;
      const value = raw.replace(/[.,;:!?)]+$/, '');
      if (value.length < 4 || PROSE_WORDS.has(value.toLowerCase()) || NOT_A_VALUE.test(value)) return true;
      if (!verb && !/\d/.test(value)) return true; // "password manager": without "is", only a value with a digit
      const start = m.index + whole.length - raw.length;
      return list.add('SECRET', start, start + value.length, verb ? 0.8 : 0.6);
    });
    eachMatch(CURL_USER, text, (m) => {
      const start = m.index + m[0].length - m[1].length;
      return list.add('SECRET', start, start + m[1].length, 0.85);
    });
    return list.items;
  },
};
