/**
 * @module shared/personalization/prompt-builder
 * Turns explicit preferences into a system message placed before the user's own messages.
 * User text is never spliced into the system message; it stays in its own user turn.
 * The edge's submit path now renders system messages with `template-library.ts` (explicit and
 * learned preferences), whose sentences equal these; this module stays the reference wording the
 * default model is trained on (gpu-worker pretraining data) and the `ChatTurn` type.
 */
import type { Domain, Profile } from '../api/profile';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

const DOMAIN_ROLE: Record<Domain, string> = {
  writing: 'a writing assistant',
  code: 'a programming assistant',
  tutoring: 'a patient tutor',
  shopping: 'a shopping assistant',
  health: 'a health information assistant (general information only, not medical advice)',
  general: 'a helpful assistant',
};

const LENGTH_RULE = { concise: 'Keep the answer short: a few sentences.', balanced: 'Give a complete but focused answer.', detailed: 'Give a detailed, thorough answer.' } as const;

function complexityRule(c: number): string {
  if (c < 0.34) return 'Use plain, everyday language and avoid jargon.';
  if (c < 0.67) return 'Use clear language; explain technical terms briefly.';
  return 'Assume an expert reader; precise technical language is welcome.';
}

/** The personalization instructions for a profile, or null when the profile states nothing. */
export function preferenceInstructions(profile: Profile | null, domain?: Domain): string | null {
  const p = profile ?? {};
  const rules: string[] = [];
  if (p.style) rules.push(`Write in a ${p.style} style.`);
  if (p.tone) rules.push(`Use a ${p.tone} tone.`);
  if (p.response_length) rules.push(LENGTH_RULE[p.response_length]);
  if (p.complexity !== undefined) rules.push(complexityRule(p.complexity));
  if (p.locale) rules.push(`Answer in the language of the locale ${p.locale} unless asked otherwise.`);
  const area = domain ?? (p.domains?.length === 1 ? p.domains[0] : undefined);
  if (!rules.length && !area) return null;
  return [`You are Attune, ${DOMAIN_ROLE[area ?? 'general']}.`, ...rules].join(' ');
}

/**
 * Builds the messages the model sees: Attune's system message (when the profile says
 * anything), then the caller's messages unchanged.
 */
export function buildPersonalizedMessages(profile: Profile | null, messages: ChatTurn[], domain?: Domain): { messages: ChatTurn[]; personalized: boolean } {
  const instructions = preferenceInstructions(profile, domain);
  if (!instructions) return { messages, personalized: false };
  return { messages: [{ role: 'system', content: instructions }, ...messages], personalized: true };
}
