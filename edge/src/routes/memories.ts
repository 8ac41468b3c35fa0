/**
 * @module edge/routes/memories
 * `GET|POST|DELETE /v1/memories` and `DELETE /v1/memories/{id}`: facts the user asks Attune to
 * remember. A posted text passes the same PII step as a prompt and is stored with bare typed
 * placeholders (`<EMAIL_ADDRESS>`): the values are not kept. Memories are sealed in the user's
 * UserState object; the submit path adds the most relevant ones to a prompt as a user turn.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { memoriesDeletedSchema, memoryIdParamSchema, memoryInputSchema, memoryListSchema, memorySchema } from '../../../shared/api/memories';
import { storedMemoryText } from '../../../shared/personalization/personalize-request';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { sanitizeTurns } from '../privacy/sanitize-request';
import type { MemoryOperation, MemoryOperationResult } from '../state/memory-records';
import { userStateStub } from '../state/user-state';
import { authedErrors, notFound } from './route-helpers';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

export function registerMemoryRoutes(app: OpenAPIHono<AppEnv>): void {
  const run = async (c: Context<AppEnv>, operation: MemoryOperation): Promise<MemoryOperationResult> => {
    const owner = c.get('ownerKey');
    const result = await userStateStub(c.env, owner).memories(owner, operation);
    if (result.refused) {
      const { status, message, field } = result.refused;
      throw new ApiHttpError(status, status === 404 ? 'not_found' : 'validation_failed', message, field);
    }
    return result;
  };

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/memories', summary: "The caller's memories (without embeddings)",
      responses: { 200: { description: 'memories', ...json(memoryListSchema) }, ...authedErrors },
    }),
    async (c) => {
      const result = await run(c, { op: 'list' });
      return c.json({ memories: result.memories, used_bytes: result.usedBytes, budget_bytes: result.budgetBytes }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/v1/memories', summary: 'Remember a fact (personal data in it is replaced by a placeholder)',
      request: { body: { required: true, ...json(memoryInputSchema) } },
      responses: { 201: { description: 'stored', ...json(memorySchema) }, ...authedErrors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { messages, vault } = await sanitizeTurns(c, [{ role: 'user', content: body.text }], 'text');
      const result = await run(c, { op: 'add', kind: body.kind, text: storedMemoryText(messages[0].content, vault) });
      return c.json(result.added!, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/v1/memories/{id}', summary: 'Forget one memory',
      request: { params: memoryIdParamSchema },
      responses: { 200: { description: 'deleted', ...json(memoriesDeletedSchema) }, ...authedErrors, ...notFound },
    }),
    async (c) => c.json({ deleted: (await run(c, { op: 'remove', id: c.req.valid('param').id })).removed }, 200),
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/v1/memories', summary: 'Forget all memories',
      responses: { 200: { description: 'deleted', ...json(memoriesDeletedSchema) }, ...authedErrors },
    }),
    async (c) => c.json({ deleted: (await run(c, { op: 'clear' })).removed }, 200),
  );
}
