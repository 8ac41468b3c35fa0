/**
 * @module shared/personalization/personalize-request
 * What one request gets from the engine, and the messages the model then sees:
 *
 * 1. domain: the request's `domain`; else the classifier's guess (`classifyDomain`); when the
 *    classifier knows no word of the prompt, the profile's only domain if it lists exactly one,
 *    else `general`;
 * 2. template: `chooseTemplate` — explicit profile fields win, then per attribute the most likely
 *    value once the posterior is confident, a Thompson draw while it is not (or in drift mode) —
 *    rendered with `renderSystemTemplate` (the wording the default model was trained on);
 * 3. memories: the best `MEMORY_RETRIEVAL.k` memories by similarity to the prompt × recency, above
 *    `MEMORY_RETRIEVAL.minScore`, as ONE extra user turn placed before the conversation.
 *
 * User text never enters the system message: the template is built from the library's sentences
 * only, and memories (user-written) travel in a user turn.
 */
import type { Domain, Profile } from '../api/profile';
import type { UniformRng } from './dirichlet';
import type { DomainClassification } from './domain-classifier';
import { searchMemories, type MemoryState } from './memory-store';
import type { PreferenceState } from './preference-model';
import type { ChatTurn } from './prompt-builder';
import { chooseTemplate, renderSystemTemplate, type ChoiceSource, type ChosenAttribute, type TemplateChoice } from './template-library';

/** Retrieval settings of the submit path. */
export const MEMORY_RETRIEVAL = { k: 3, minScore: 0.25 } as const;
/** First line of the memory turn. */
export const MEMORY_PREAMBLE = 'Things I told you before:';

/** The domain a request is served in (see the module comment). */
export function resolveDomain(requested: Domain | undefined, classification: DomainClassification, profile: Profile | null): Domain {
  if (requested) return requested;
  const p = Object.values(classification.probabilities);
  const knowsNothing = Math.max(...p) - Math.min(...p) < 1e-12;
  if (!knowsNothing) return classification.domain;
  return profile?.domains?.length === 1 ? profile.domains[0] : 'general';
}

export interface PlanInput {
  preferences: PreferenceState;
  profile: Profile | null;
  domain: Domain;
  /** The user's memories, or null to leave them out (`use_memories: false`). */
  memories: MemoryState | null;
  /** Embedding of the sanitized prompt (`embedText`). */
  queryEmbedding: ArrayLike<number>;
  now: number;
  rng: UniformRng;
  /** Attributes the template states from what was learned (`chooseTemplate`). @default every attribute */
  learnedAttributes?: readonly ChosenAttribute[];
}

export interface PersonalizationPlan {
  choice: TemplateChoice;
  sources: Record<ChosenAttribute, ChoiceSource>;
  /** The rendered system message. */
  system: string;
  /** Texts of the retrieved memories, best first. */
  memoryTexts: string[];
  /** Whether any attribute came from the posteriors (not all explicit), i.e. the request used what feedback taught. */
  usedPosterior: boolean;
}

/**
 * Chooses the template and retrieves memories for one request.
 *
 * @example
 * const plan = planPersonalization({ preferences, profile, domain: 'code', memories, queryEmbedding: embedText(prompt), now: Date.now(), rng });
 * const messages = composeMessages(plan.system, plan.memoryTexts, userMessages);
 */
export function planPersonalization(input: PlanInput): PersonalizationPlan {
  const { choice, sources } = chooseTemplate(input.preferences, { rng: input.rng, explicit: input.profile, domain: input.domain, learnedAttributes: input.learnedAttributes });
  const hits = input.memories ? searchMemories(input.memories, input.queryEmbedding, { k: MEMORY_RETRIEVAL.k, minScore: MEMORY_RETRIEVAL.minScore, now: input.now }) : [];
  return {
    choice, sources, system: renderSystemTemplate(choice), memoryTexts: hits.map((h) => h.item.text),
    usedPosterior: Object.values(sources).some((s) => s === 'exploit' || s === 'explore'),
  };
}

/**
 * The memory turn: the preamble, then one bullet per memory (line breaks inside a memory become
 * spaces, so a memory cannot fake further structure).
 *
 * @example memoryTurn(['I am vegetarian']) // { role: 'user', content: 'Things I told you before:\n- I am vegetarian' }
 */
export function memoryTurn(texts: readonly string[]): ChatTurn {
  return { role: 'user', content: [MEMORY_PREAMBLE, ...texts.map((t) => `- ${t.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`)].join('\n') };
}

/**
 * The messages the model sees: the system template (when given), the caller's own leading system
 * messages, the memory turn (when there are memories), then the rest of the conversation unchanged.
 */
export function composeMessages(system: string | null, memoryTexts: readonly string[], messages: readonly ChatTurn[]): ChatTurn[] {
  const out: ChatTurn[] = system ? [{ role: 'system', content: system }] : [];
  let i = 0;
  while (i < messages.length && messages[i].role === 'system') out.push(messages[i++]);
  if (memoryTexts.length) out.push(memoryTurn(memoryTexts));
  return [...out, ...messages.slice(i)];
}

/**
 * The text of a memory as stored: numbered placeholders (`<EMAIL_ADDRESS_1>`) from the request's
 * pseudonymization become bare types (`<EMAIL_ADDRESS>`). The vault is not kept with a memory, and
 * a numbered placeholder would otherwise be restored with whatever value a later request's vault
 * gives the same number.
 *
 * @example storedMemoryText('Mail <EMAIL_ADDRESS_1>', { '<EMAIL_ADDRESS_1>': 'a@b.example' }) // 'Mail <EMAIL_ADDRESS>'
 */
export function storedMemoryText(sanitized: string, vault: Record<string, string>): string {
  let text = sanitized;
  for (const placeholder of Object.keys(vault)) text = text.replaceAll(placeholder, placeholder.replace(/_\d+>$/, '>'));
  return text;
}

/** The last user turn's text: what retrieval, classification and the interaction embedding look at. */
export function promptOf(messages: readonly ChatTurn[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].content;
  return '';
}
