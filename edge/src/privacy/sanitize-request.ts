/**
 * @module edge/privacy/sanitize-request
 * Replaces personal data in a request's messages with typed placeholders before anything is
 * queued, stored or logged. All messages of a request share one vault, so the same value gets the
 * same placeholder everywhere in the conversation. The vault never leaves the edge: it is sealed in
 * the user's UserState object and used only to restore values in what the owner receives.
 */
import type { Context } from 'hono';
import { analyzeReport } from '../../../shared/privacy/pii/analyzer';
import { ApiHttpError } from '../http/api-error';
import { pseudonymize } from '../../../shared/privacy/pii/pseudonymize';
import type { PiiPolicy } from '../../../shared/privacy/pii/policy';
import type { ChatTurn } from '../../../shared/personalization/prompt-builder';
import type { AppEnv } from '../env';
import { tenantPrivacy } from './tenant-config';

/** Sanitized messages and the placeholder → value vault. */
export interface SanitizedTurns {
  messages: ChatTurn[];
  vault: Record<string, string>;
}

/** Letters only: recognizers never match it, so it survives pseudonymization unchanged. */
function separator(): string {
  const letters = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => String.fromCharCode(65 + (b % 26))).join('');
  return `\n\u241E${letters}\u241E\n`;
}

/** Detects and pseudonymizes PII in every message under the tenant's policy. */
export async function sanitizeTurns(c: Context<AppEnv>, turns: ChatTurn[], field = 'messages'): Promise<SanitizedTurns> {
  const { piiPolicy } = await tenantPrivacy(c.env, c.get('tenantKey'));
  let sep = separator();
  while (turns.some((t) => t.content.includes(sep.trim()))) sep = separator();
  const joined = turns.map((t) => t.content).join(sep);
  const report = analyzeReport(joined);
  // A scan cut short by its caps may have missed personal data: refuse rather than forward it.
  if (report.truncated) throw new ApiHttpError(400, 'validation_failed', 'the text holds more personal data than can be pseudonymized safely; split it into smaller requests', field);
  const entities = report.entities;
  const { text, vault } = pseudonymize(joined, entities, piiPolicy);
  const parts = text.split(sep);
  if (parts.length !== turns.length) throw new Error('pseudonymization changed the message boundaries');
  return { messages: turns.map((t, i) => ({ role: t.role, content: parts[i] })), vault: { ...vault } };
}
