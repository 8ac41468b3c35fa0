/**
 * @module gpu-worker/training/pretrain/pretrain-data
 * Turns style-corpus examples into the chat sequences the default model learns from, in three
 * prompt formats so that it follows a style however it is asked:
 * - `styled-user` (55%): the style and length stated in the user's message, in the corpus's many wordings;
 * - `system-profile` (30%): the plain request, with the style and length in a system message worded
 *   as the edge's prompt builder words a profile;
 * - `no-instruction` (15%): the plain request alone; the response keeps its random style, so the
 *   model without instructions writes each style about a quarter of the time (the baseline that
 *   personalization by adapter is measured against).
 * Loss is on the response tokens and the closing `<|im_end|>` only.
 */
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import { preferenceInstructions } from '../../../../shared/personalization/prompt-builder';
import type { Domain as ProfileDomain } from '../../../../shared/api/profile';
import type { ChatMessage, TextTokenizer } from '../../tokenizer/load';
import type { LabelledSequence } from '../training-batch';
import type { CorpusExample, Domain, Length, Style } from '../corpus/types';

/** How the style is asked for. */
export const PROMPT_FORMATS = ['styled-user', 'system-profile', 'no-instruction'] as const;
/** One of {@link PROMPT_FORMATS}. */
export type PromptFormat = (typeof PROMPT_FORMATS)[number];

const FORMAT_SHARES: ReadonlyArray<readonly [PromptFormat, number]> = [['styled-user', 0.55], ['system-profile', 0.3], ['no-instruction', 0.15]];

const PROFILE_DOMAIN: Record<Domain, ProfileDomain> = { writing: 'writing', code: 'code', tutor: 'tutoring', shopping: 'shopping', health: 'health' };

/** The system message the edge builds for a profile with this style and length. */
export function instructionFor(domain: Domain, style: Style, length: Length): string {
  return preferenceInstructions({ style, response_length: length }, PROFILE_DOMAIN[domain])!;
}

/** The chat messages of `example` in `format` (the response is not included). */
export function promptMessages(example: CorpusExample, format: PromptFormat): ChatMessage[] {
  switch (format) {
    case 'styled-user': return [{ role: 'user', content: example.styledPrompt }];
    case 'system-profile': return [{ role: 'system', content: instructionFor(example.domain, example.style, example.length) }, { role: 'user', content: example.prompt }];
    case 'no-instruction': return [{ role: 'user', content: example.prompt }];
  }
}

/** The format of the `index`-th training example, drawn from `seed` with the shares above. */
export function formatAt(seed: number, index: number): PromptFormat {
  const u = createSeededRng(seed).fork(index).next();
  let acc = 0;
  for (const [format, share] of FORMAT_SHARES) {
    acc += share;
    if (u < acc) return format;
  }
  return 'no-instruction';
}

/** Prompt ids (chat template with the generation prompt) and response ids ending with EOS. */
export function tokenizeForTraining(tokenizer: TextTokenizer, messages: ChatMessage[], response: string, maxTokens: number): LabelledSequence {
  const promptIds = tokenizer.encode(tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true }));
  const responseIds = [...tokenizer.encode(response), tokenizer.eosTokenIds[0]];
  const room = Math.max(1, maxTokens - promptIds.length);
  return { promptIds, responseIds: responseIds.slice(0, room) };
}
