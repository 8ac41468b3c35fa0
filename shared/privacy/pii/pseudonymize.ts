/**
 * @module shared/privacy/pii/pseudonymize
 * Replaces entities by typed placeholders (`<PERSON_1>`, `<EMAIL_ADDRESS_2>`) and keeps the
 * originals in a vault (placeholder → value) that stays at the edge; `restore` puts them back.
 *
 * - Numbering is per type, in order of first appearance; the same value of the same type gets
 *   the same placeholder everywhere in the text.
 * - A placeholder never collides with text already in the input: numbers whose placeholder
 *   occurs in the input (`<PERSON_1>` typed by the user) are skipped, so restoring cannot turn
 *   the user's own text into someone's name.
 * - `restore` replaces exact placeholders of the vault in one left-to-right pass; anything else
 *   (`<PERSON 1>`, `<person_1>`, a placeholder that is not in the vault) is left as it is, and
 *   restored values are never scanned again.
 */
import { actionFor, type PiiPolicy } from './policy';
import type { PiiEntity } from './types';

/** Placeholder → original value, for one request. */
export type PiiVault = Readonly<Record<string, string>>;

/** What {@link pseudonymize} returns. */
export interface PseudonymizedText {
  /** The text with placeholders (and redactions) in place of the entities. */
  readonly text: string;
  /** Placeholder → original value, for the pseudonymized entities only. */
  readonly vault: PiiVault;
}

/** Anything shaped like a placeholder: `<` upper-case type `_` number `>`. */
const PLACEHOLDER = /<[A-Z][A-Z_]{0,39}_\d{1,9}>/g;

/**
 * Pseudonymizes `entities` (disjoint, offsets into `text`, as from `analyze`) under `policy`.
 * Throws on entities that overlap or fall outside the text: silently skipping one would leak it.
 *
 * @example
 * const text = 'Jane Doe <jane@example.com> and Jane Doe';
 * const { text: safe, vault } = pseudonymize(text, analyze(text));
 * // safe: '<PERSON_1> <<EMAIL_ADDRESS_1>> and <PERSON_1>'
 * // vault: { '<PERSON_1>': 'Jane Doe', '<EMAIL_ADDRESS_1>': 'jane@example.com' }
 */
export function pseudonymize(text: string, entities: readonly PiiEntity[], policy?: PiiPolicy): PseudonymizedText {
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (!(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.start < e.end && e.end <= text.length)) {
      throw new RangeError(`entity ${e.type} [${e.start}, ${e.end}) is not a span of the text (length ${text.length})`);
    }
    if (i > 0 && sorted[i - 1].end > e.start) throw new RangeError(`entities overlap at ${e.start}: resolve overlaps first`);
  }
  const taken = new Set(text.match(PLACEHOLDER) ?? []);
  const nextNumber = new Map<string, number>();
  const byValue = new Map<string, string>();
  const vault: Record<string, string> = {};
  const parts: string[] = [];
  let cursor = 0;
  for (const e of sorted) {
    const action = actionFor(policy, e.type);
    if (action === 'allow') continue;
    parts.push(text.slice(cursor, e.start));
    cursor = e.end;
    if (action === 'redact') {
      parts.push(`<${e.type}>`);
      continue;
    }
    const value = text.slice(e.start, e.end);
    const key = `${e.type}\u0000${value}`;
    let placeholder = byValue.get(key);
    if (placeholder === undefined) {
      let n = nextNumber.get(e.type) ?? 1;
      while (taken.has(`<${e.type}_${n}>`)) n++;
      placeholder = `<${e.type}_${n}>`;
      nextNumber.set(e.type, n + 1);
      byValue.set(key, placeholder);
      vault[placeholder] = value;
    }
    parts.push(placeholder);
  }
  parts.push(text.slice(cursor));
  return { text: parts.join(''), vault };
}

/**
 * Puts the vault's values back in place of its placeholders (for the owner's eyes only).
 *
 * @example
 * restore('Hello <PERSON_1>!', { '<PERSON_1>': 'Jane' }); // 'Hello Jane!'
 */
export function restore(text: string, vault: PiiVault): string {
  return text.replace(PLACEHOLDER, (placeholder) => (Object.hasOwn(vault, placeholder) ? vault[placeholder] : placeholder));
}
