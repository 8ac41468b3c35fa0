/**
 * @module shared/api/memories
 * `GET|POST|DELETE /v1/memories` and `DELETE /v1/memories/{id}`: what the user asked Attune to
 * remember. Shown without embeddings; texts as stored (personal data replaced by `<TYPE>`).
 */
import { z } from 'zod';
import { MEMORY_KINDS, memoryInputSchema } from '../personalization/memory-store';

/** Body of `POST /v1/memories`: `{ "text": …, "kind": "fact" }` (kind optional). */
export { memoryInputSchema };

export const memorySchema = z
  .object({
    id: z.string().describe('mem_ and 24 hex digits'),
    kind: z.enum(MEMORY_KINDS).describe('"fact": stated by the user'),
    text: z.string().describe('the text as stored: personal data replaced by a typed placeholder such as <EMAIL_ADDRESS>'),
    created_at: z.string(),
  })
  .describe('Memory');
export type MemoryBody = z.infer<typeof memorySchema>;

export const memoryListSchema = z
  .object({
    memories: z.array(memorySchema).describe('oldest first'),
    used_bytes: z.number().int().describe('size of the stored items (texts with their embeddings)'),
    budget_bytes: z.number().int().describe('when a new memory would exceed it, the oldest ones are dropped'),
  })
  .describe('MemoryList');

export const memoryIdParamSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a memory id') });

export const memoriesDeletedSchema = z.object({ deleted: z.number().int().describe('memories removed') }).describe('MemoriesDeleted');
