/**
 * @module shared/privacy/pii/output-scan
 * Scans what a model wrote before it leaves the edge. The model only ever saw placeholders, so
 * PII in its output is either the user's own (a placeholder, or a value the vault already holds)
 * or something it produced itself: memorised training data, or another user's data leaking
 * through a shared component. The latter is redacted to `<TYPE>` and counted per type for the
 * privacy metrics; types the tenant's policy allows are left alone.
 */
import { analyze, type AnalyzeOptions } from './analyzer';
import { actionFor, type PiiPolicy } from './policy';
import type { PiiVault } from './pseudonymize';
import type { PiiEntityType } from './types';

/** What {@link scanOutput} returns. */
export interface OutputScanResult {
  /** The output with foreign PII replaced by `<TYPE>`. */
  readonly text: string;
  /** Entities redacted. */
  readonly redactedCount: number;
  /** Entities redacted, per type. */
  readonly byType: Readonly<Partial<Record<PiiEntityType, number>>>;
}

const PLACEHOLDER = /<[A-Z][A-Z_]{0,39}_\d{1,9}>/g;

/** Case-, width- and spacing-insensitive form used to compare a value with the vault's. */
function comparable(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/[\s\u00ad\u200b-\u200f\u2060\ufeff]+/g, ' ').trim();
}

/**
 * Redacts PII in `generatedText` that is neither one of `vault`'s placeholders nor one of its
 * values (nor part of one: `Jane` when the vault holds `Jane Doe`).
 *
 * @example
 * scanOutput('Ask <PERSON_1> or mail bob@corp.example.com', { '<PERSON_1>': 'Jane' });
 * // { text: 'Ask <PERSON_1> or mail <EMAIL_ADDRESS>', redactedCount: 1, byType: { EMAIL_ADDRESS: 1 } }
 */
export function scanOutput(generatedText: string, vault: PiiVault, policy?: PiiPolicy, options?: AnalyzeOptions): OutputScanResult {
  const own = Object.values(vault).map(comparable).filter(Boolean);
  const ownSet = new Set(own);
  const placeholderSpans: Array<[number, number]> = [];
  for (const m of generatedText.matchAll(PLACEHOLDER)) {
    if (Object.hasOwn(vault, m[0])) placeholderSpans.push([m.index, m.index + m[0].length]);
  }
  const touchesPlaceholder = (start: number, end: number) => placeholderSpans.some(([s, e]) => s < end && start < e);

  const byType: Partial<Record<PiiEntityType, number>> = {};
  let redactedCount = 0;
  const parts: string[] = [];
  let cursor = 0;
  for (const entity of analyze(generatedText, options)) {
    if (actionFor(policy, entity.type) === 'allow') continue;
    if (touchesPlaceholder(entity.start, entity.end)) continue;
    const value = comparable(generatedText.slice(entity.start, entity.end));
    if (ownSet.has(value) || own.some((v) => v.includes(value))) continue;
    parts.push(generatedText.slice(cursor, entity.start), `<${entity.type}>`);
    cursor = entity.end;
    redactedCount++;
    byType[entity.type] = (byType[entity.type] ?? 0) + 1;
  }
  parts.push(generatedText.slice(cursor));
  return { text: parts.join(''), redactedCount, byType };
}
