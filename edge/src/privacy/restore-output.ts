/**
 * @module edge/privacy/restore-output
 * What the owner receives: generated text is scanned for personal data that was not in the
 * user's own input (redacted as `<TYPE>` and counted), then the request's placeholders are
 * replaced by the original values from the job's vault. Streams hold back a partial placeholder
 * or word at a chunk's end until the next chunk completes it.
 */
import { restore } from '../../../shared/privacy/pii/pseudonymize';
import { scanOutput } from '../../../shared/privacy/pii/output-scan';
import type { PiiPolicy } from '../../../shared/privacy/pii/policy';

/** Scans then restores one complete text. */
export function restoreText(text: string, vault: Record<string, string>, policy: PiiPolicy = {}): { text: string; redacted: number; byType: Record<string, number> } {
  const scanned = scanOutput(text, vault, policy);
  return { text: restore(scanned.text, vault), redacted: scanned.redactedCount, byType: { ...scanned.byType } as Record<string, number> };
}

/** Longest tail kept back while waiting for a placeholder or word to complete. */
const MAX_HOLD = 64;

/** Incremental {@link restoreText} for token streams: releases text up to the last whitespace. */
export function createStreamRestorer(vault: Record<string, string>, policy: PiiPolicy = {}) {
  let pending = '';
  let redacted = 0;
  const release = (segment: string) => {
    const r = restoreText(segment, vault, policy);
    redacted += r.redacted;
    return r.text;
  };
  return {
    push(chunk: string): string {
      pending += chunk;
      const openAngle = pending.lastIndexOf('<');
      const holdFromAngle = openAngle >= 0 && !pending.includes('>', openAngle) && pending.length - openAngle <= MAX_HOLD ? openAngle : pending.length;
      const lastSpace = Math.max(pending.lastIndexOf(' '), pending.lastIndexOf('\n'));
      let cut = Math.min(holdFromAngle, lastSpace >= 0 ? lastSpace + 1 : 0);
      if (pending.length - cut > MAX_HOLD) cut = pending.length - MAX_HOLD;
      if (cut <= 0) return '';
      const out = release(pending.slice(0, cut));
      pending = pending.slice(cut);
      return out;
    },
    flush(): string {
      const out = pending ? release(pending) : '';
      pending = '';
      return out;
    },
    get redacted(): number {
      return redacted;
    },
  };
}
