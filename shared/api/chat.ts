/**
 * @module shared/api/chat
 * OpenAI-compatible `POST /v1/chat/completions` request, response and stream-chunk shapes.
 * Fields Attune does not implement are rejected by name rather than silently ignored.
 */
import { z } from 'zod';
import { bestOfField, promptText, samplingFields, useMemoriesField } from './generate';

export const chatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: promptText(),
  name: z.string().max(64).optional(),
});

export const chatCompletionRequestSchema = z
  .strictObject({
    model: z.string().max(128).optional().describe('accepted for compatibility; the deployment serves one base model'),
    messages: z.array(chatMessageSchema).min(1).max(64),
    ...samplingFields,
    max_completion_tokens: samplingFields.max_tokens,
    stream: z.boolean().optional(),
    stop: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).max(4)]).optional(),
    n: z.literal(1).optional().describe('only 1 is supported'),
    user: z.string().max(256).optional().describe('ignored: the user is the token subject'),
    use_memories: useMemoriesField,
    best_of: bestOfField,
  })
  .refine((r) => r.messages.some((m) => m.role === 'user'), { message: 'must contain at least one user message', path: ['messages'] })
  .describe('ChatCompletionRequest');
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

export const chatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string() }),
      finish_reason: z.enum(['stop', 'length', 'content_filter']),
    })),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
    personalized: z.boolean(),
    personalization_skipped: z.string().optional().describe('why the answer is not personalized, e.g. the privacy budget is spent'),
  })
  .describe('ChatCompletion');
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

/** OpenAI's finish reasons from the engine's. */
export function openAiFinishReason(reason: string): 'stop' | 'length' | 'content_filter' {
  return reason === 'length' || reason === 'content_filter' ? reason : 'stop';
}
