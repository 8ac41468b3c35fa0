/**
 * @module shared/privacy/pii/recognizers/person
 * PERSON, without a language model: the cues people use to name someone, and a list of given
 * names. Presidio finds people with spaCy's NER; these rules trade some recall (a surname alone,
 * names in lower case or ALL CAPS) for running anywhere in linear time.
 *
 * | cue | example | score |
 * |---|---|---|
 * | self-introduction | `my name is Ana Souza` | 0.9 (any capitalised words) |
 * | title | `Dr. Okafor`, `Ms Jane Smith` (span without the title) | 0.85 |
 * | letter greeting | `Dear Mr Lee` → `Lee`; `Dear Priya,` | 0.85 |
 * | sign-off line, then a name line | `Regards,\nJane Doe`; `— Jane` | 0.85 / 0.8 |
 * | introduction with a known name | `I'm Priya`, `this is Tom Baker`, `call me Kate` | 0.85 |
 * | greeting with a known name | `Hi Maria,` | 0.8 |
 * | known given name + capitalised surname | `Grace Hopper`, `Wei Zhang` | 0.8 |
 * | form label | `Patient: Thabo Nkosi`, `Ship to: …` | 0.75 |
 * | known given name alone | `ask Priya` | 0.6 (0.3 if the name is also a word: `Will`, `May`; 0.1 for such a word opening a sentence) |
 *
 * Context words (`friend`, `wife`, `colleague`, `patient`, …) add 0.35.
 */
import { contextWords, enhanceWithContext } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';
import { isAmbiguousFirstName, isFirstName } from './first-names';

const NAME = 'PersonRecognizer';
const CONTEXT = contextWords(
  'name named called friend wife husband son daughter mom mum mother dad father brother sister sibling colleague ' +
  'coworker boss manager patient student teacher tutor client customer partner boyfriend girlfriend fiance fiancee ' +
  'uncle aunt cousin grandma grandmother grandpa grandfather nephew niece neighbor neighbour roommate classmate kid ' +
  'child baby mentor author signed contact met meet meeting told asked',
);

/** A capitalised name word: `Ana`, `O'Brien`, `McDonald`, `Jean-Luc`, `Zoë`. */
const TOKEN = "\\p{Lu}(?:['’]\\p{Lu})?\\p{Ll}{1,30}(?:\\p{Lu}\\p{Ll}{1,30})?(?:-\\p{L}\\p{Ll}{1,30})?";
const PARTICLE = '(?:van|von|de|da|di|del|della|der|den|du|la|le|bin|ibn|al|el|ten|ter|dos|das)';
/** Up to three name words, with middle initials and particles between them. */
const FULL = `${TOKEN}(?:[ \\t]{1,2}(?:\\p{Lu}\\.[ \\t]{1,2})?(?:${PARTICLE}[ \\t]{1,2})?${TOKEN}){0,2}`;
const END = '(?![\\p{L}\\p{N}_])';

const SELF = new RegExp(`(?<![\\p{L}])[Mm]y[ \\t]{1,3}(?:full[ \\t]{1,3})?name(?:'s|’s|[ \\t]{1,3}is)[ \\t]{1,3}(${FULL})${END}`, 'gu');
const TITLE = new RegExp(`(?<![\\p{L}\\p{N}_])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Mme|Mlle|Herr|Frau|Sra|Señor|Señora|Fr|Rev)\\.?[ \\t]{1,3}(${FULL})${END}`, 'gu');
const INTRO = new RegExp(`(?<![\\p{L}])(?:I'm|I’m|I am|[Tt]his is|[Ii]t's|[Ii]t’s|[Cc]all me|named|called)[ \\t]{1,3}(${FULL})${END}`, 'gu');
const GREETING = new RegExp(`(?<![\\p{L}])(Dear|Hi|Hello|Hey|Hiya|Howdy|Morning|Thanks|Thank you|Bonjour|Hola|Ciao|Hallo)[ \\t]{1,3}(${FULL})(?=[ \\t]*(?:[,!:;.\\n]|$))`, 'gu');
/** Form labels after which a name stands: `Patient: Thabo Nkosi`, `Ship to: …`, `Author: …`. */
const LABEL = new RegExp(`(?<![\\p{L}])(?:[Nn]ame|[Ff]ull name|[Pp]atient|[Aa]uthor|[Ff]rom|[Tt]o|[Aa]ttn|[Aa]ttention|[Rr]ecipient|[Cc]ontact|[Cc]ustomer|[Ss]tudent|[Tt]eacher|[Tt]utor|[Ss]igned|[Cc]c|[Rr]eviewer|[Aa]ssignee|[Oo]wner|[Ee]mployee|[Cc]andidate|[Gg]uest|[Pp]assenger|[Cc]lient)[ \\t]*:[ \\t]*(${FULL})${END}`, 'gu');
const NAME_LINE = new RegExp(`^[ \\t]*(${FULL})[ \\t]*[.!]?[ \\t]*$`, 'u');
const DASH_LINE = new RegExp(`^[ \\t]*(—|–|--|-)[ \\t]?(${FULL})[ \\t]*$`, 'u');
const CAPITALISED = new RegExp(`(?<![\\p{L}\\p{N}_.@#/\\\\$])${TOKEN}${END}`, 'gu');
const SURNAME_AFTER = new RegExp(`[ \\t]{1,2}(?:\\p{Lu}\\.[ \\t]{1,2})?(?:${PARTICLE}[ \\t]{1,2})?(${TOKEN})${END}`, 'uy');

/** Sign-off lines (lower case, without trailing punctuation) after which a name line is a signature. */
const SIGN_OFFS = new Set(
  ('regards|best regards|kind regards|warm regards|warmest regards|best wishes|best|cheers|thanks|thank you|' +
    'many thanks|thanks again|sincerely|yours sincerely|sincerely yours|yours truly|yours faithfully|yours|love|' +
    'take care|all the best|xoxo|respectfully|cordially|with thanks|with love|hugs|talk soon|see you soon|warmly').split('|'),
);

/** Capitalised words that are not names even where a name could stand. */
const NOT_NAMES = new Set(
  `I The A An This That These Those My Our Your Their His Her Its We You They He She It Me Us Them And Or But So If
  When Then Also Please Thanks Thank Hi Hello Hey Dear Yes No Ok Okay Sir Madam Team All Everyone Everybody Friends
  Colleagues Customer Customers Support Hiring Manager Managers Recruiter Sales Admin Valued User Users Guest World
  There Here What Who Why How Where Which Today Tomorrow Yesterday Monday Tuesday Wednesday Thursday Friday Saturday
  Sunday January February March April June July August September October November December Mom Mum Dad Grandma
  Grandpa Doctor Nurse Professor Teacher Coach Boss Sorry Just Not Now Good Great Happy Merry Welcome Regards Best
  Cheers Love Sincerely Street Avenue Road Drive Boulevard Court Place Way Square Bank University
  College School Hospital Inc Ltd Corp Company Group Foundation Project Python JavaScript TypeScript Java React
  Node Docker Kubernetes Google Microsoft Apple Amazon Facebook Meta Netflix Twitter Slack Zoom GitHub Linux Windows
  Mr Mrs Ms Miss Mx Dr Prof Rev Fr House Opera Hall Center Centre Tower Bridge Museum Airport Station Theatre Theater
  Church Cathedral Palace Castle River Lake Mountain Beach Island City County State Hotel Restaurant Cafe Mall Market
  Stadium Arena Gallery Library Zoo Harbour Harbor Bay Valley Grove Gardens Terrace Crescent Close Institute Museum`.split(/\s+/),
);

/** Name words of `raw` up to the first word that cannot be part of a name. */
function leadingName(raw: string): string {
  const parts = raw.split(/([ \t]+)/);
  let out = '';
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i];
    if (NOT_NAMES.has(word.replace(/[.’']+$/, ''))) break;
    out += (i > 0 ? parts[i - 1] : '') + word;
  }
  return out;
}

/** True when a `Dr` at `index` is a street suffix (`12 Oak Dr`) rather than a title. */
function isStreetSuffix(text: string, index: number): boolean {
  return /\d{1,6}[A-Za-z]?[ \t]+(?:\p{Lu}\S*[ \t]+){1,3}$/u.test(text.slice(Math.max(0, index - 60), index));
}

/** Given-name list, cues and signatures. */
export const personRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['PERSON'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    /** Adds the name at the end of match `m` (capture `group`), trimmed to its name words. */
    const addName = (m: RegExpExecArray, group: number, score: number, requireKnown: boolean): boolean => {
      const name = leadingName(m[group]);
      if (!name) return true;
      if (requireKnown && !isFirstName(name.split(/[ \t]/)[0])) return true;
      const start = m.index + m[0].lastIndexOf(m[group]);
      return list.add('PERSON', start, start + name.length, score);
    };

    eachMatch(SELF, text, (m) => addName(m, 1, 0.9, false));
    eachMatch(TITLE, text, (m) => (m[0].startsWith('Dr') && isStreetSuffix(text, m.index) ? true : addName(m, 1, 0.85, false)));
    eachMatch(INTRO, text, (m) => addName(m, 1, 0.85, true));
    eachMatch(LABEL, text, (m) => addName(m, 1, 0.75, false));
    eachMatch(GREETING, text, (m) => {
      if (m[1] === 'Dear') return addName(m, 2, 0.85, false);
      return addName(m, 2, 0.8, true);
    });
    addSignatures(text, list);

    eachMatch(CAPITALISED, text, (m) => {
      const first = m[0];
      if (!isFirstName(first)) return true;
      if (/\bSt\.?[ \t]$/.test(text.slice(Math.max(0, m.index - 4), m.index))) return true; // St. Louis
      let end = m.index + first.length;
      let surnames = 0;
      while (surnames < 2) {
        SURNAME_AFTER.lastIndex = end;
        const s = SURNAME_AFTER.exec(text);
        if (!s || NOT_NAMES.has(s[1])) break;
        end = SURNAME_AFTER.lastIndex;
        surnames++;
      }
      CAPITALISED.lastIndex = end;
      // An ambiguous name alone at a sentence start ("Will it rain?", "Grace periods …") is a word.
      const atSentenceStart = /(?:^|[.!?:]\s+|\n\s*)["'“(]?$/.test(text.slice(Math.max(0, m.index - 4), m.index));
      const score = surnames > 0 ? 0.8 : !isAmbiguousFirstName(first) ? 0.6 : atSentenceStart ? 0.1 : 0.3;
      return list.add('PERSON', m.index, end, score);
    });
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};

/** Signatures: a sign-off line (`Best regards,`) followed by a name line, or a `— Name` line. */
function addSignatures(text: string, list: CandidateList): void {
  let lineStart = 0;
  let previous = '';
  while (lineStart <= text.length && !list.full) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    // Only short lines can be a sign-off or a name; long ones are skipped without inspection.
    const line = lineEnd - lineStart <= 80 ? text.slice(lineStart, lineEnd).replace(/\r$/, '') : '';
    if (line) {
      const signOff = SIGN_OFFS.has(previous.trim().replace(/[,.!:;—–-]+$/, '').trim().toLowerCase());
      const named = signOff ? NAME_LINE.exec(line) : null;
      if (named) {
        const name = leadingName(named[1]);
        const start = lineStart + line.indexOf(named[1]);
        if (name && !list.add('PERSON', start, start + name.length, 0.85)) return;
      } else {
        const dashed = DASH_LINE.exec(line);
        if (dashed) {
          const name = leadingName(dashed[2]);
          const known = isFirstName(name.split(/[ \t]/)[0]);
          const start = lineStart + line.indexOf(dashed[2], line.indexOf(dashed[1]) + dashed[1].length);
          if (name && (dashed[1] !== '-' || known) && !list.add('PERSON', start, start + name.length, 0.8)) return;
        }
      }
    }
    previous = lineEnd - lineStart <= 80 ? text.slice(lineStart, lineEnd) : '';
    lineStart = lineEnd + 1;
  }
}
