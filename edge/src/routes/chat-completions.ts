/**
 * @module edge/routes/chat-completions
 * `POST /v1/chat/completions`, OpenAI-compatible: the conversation is personalized and queued
 * like any job; with `stream: true` tokens arrive as server-sent events (`chat.completion.chunk`)
 * as the worker produces them, ending with `data: [DONE]`; otherwise one `chat.completion`.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { chatCompletionRequestSchema, chatCompletionSchema, openAiFinishReason, type ChatCompletion } from '../../../shared/api/chat';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { submitJob } from '../jobs/submit-job';
import { createStreamRestorer, restoreText } from '../privacy/restore-output';
import { tenantPrivacy } from '../privacy/tenant-config';
import type { PiiPolicy } from '../../../shared/privacy/pii/policy';
import { readTokenStream } from '../queue/token-stream';
import { authedErrors, unavailableResponse } from './route-helpers';

export function registerChatRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post', path: '/v1/chat/completions', summary: 'OpenAI-compatible chat completion (optionally streamed as SSE)',
      request: { body: { required: true, content: { 'application/json': { schema: chatCompletionRequestSchema } } } },
      responses: {
        200: { description: 'completion, or an SSE stream of chat.completion.chunk events when stream is true', content: { 'application/json': { schema: chatCompletionSchema } } },
        ...authedErrors, ...unavailableResponse,
        504: { description: 'the model did not answer in time' },
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const stop = body.stop === undefined ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
      const policy = (await tenantPrivacy(c.env, c.get('tenantKey'))).piiPolicy;
      const { jobId, personalized, personalizationSkipped, vault } = await submitJob(c, {
        kind: 'chat', messages: body.messages.map((m) => ({ role: m.role, content: m.content })),
        params: { max_new_tokens: body.max_completion_tokens ?? body.max_tokens ?? 256, temperature: body.temperature ?? 0.7, top_p: body.top_p ?? 1, ...(body.seed !== undefined ? { seed: body.seed } : {}), stop },
        stream: true, webhook: false, useMemories: body.use_memories, bestOf: body.best_of,
      });
      const id = `chatcmpl-${jobId.slice(4)}`;
      const skipped = personalizationSkipped ? { personalization_skipped: personalizationSkipped } : {};
      const created = Math.floor(Date.now() / 1000);
      const model = c.env.MODEL_NAME;
      const deadline = Date.now() + (Number(c.env.CHAT_TIMEOUT_MS) || 120_000);

      if (body.stream) {
        return streamSSE(c, async (sse) => {
          const chunk = (delta: Record<string, string>, finish: string | null) =>
            sse.writeSSE({ data: JSON.stringify({ id, object: 'chat.completion.chunk', created, model, personalized, ...skipped, choices: [{ index: 0, delta, finish_reason: finish }] }) });
          await chunk({ role: 'assistant', content: '' }, null);
          let restorer = createStreamRestorer(vault, policy);
          for await (const entry of readTokenStream(c.env.REDIS_URL, jobId, deadline)) {
            if (entry.type === 'token') {
              const text = restorer.push(entry.text);
              if (text) await chunk({ content: text }, null);
            } else if (entry.type === 'reset') {
              // A worker died mid-job and another attempt starts over: a named event tells
              // Attune-aware clients to discard the text so far (plain OpenAI clients ignore it).
              await sse.writeSSE({ event: 'restart', data: JSON.stringify({ id, attempt: entry.attempt }) });
              restorer = createStreamRestorer(vault, policy);
            } else if (entry.type === 'done') {
              const tail = restorer.flush();
              if (tail) await chunk({ content: tail }, null);
              await chunk({}, openAiFinishReason(entry.finish_reason));
            } else {
              await sse.writeSSE({ data: JSON.stringify({ error: { code: entry.message.startsWith('timed out') ? 'timeout' : 'internal', message: entry.message.startsWith('timed out') ? entry.message : 'generation failed' } }) });
            }
          }
          await sse.writeSSE({ data: '[DONE]' });
        });
      }

      let text = '';
      for await (const entry of readTokenStream(c.env.REDIS_URL, jobId, deadline)) {
        if (entry.type === 'token') text += entry.text;
        else if (entry.type === 'reset') text = '';
        else if (entry.type === 'error') {
          // The worker's own error text stays in its logs; the caller learns only which kind of failure.
          if (entry.message.startsWith('timed out')) throw new ApiHttpError(504, 'timeout', entry.message);
          throw new ApiHttpError(502, 'internal', 'generation failed');
        }
        else {
          const completion: ChatCompletion = {
            id, object: 'chat.completion', created, model, personalized, ...skipped,
            choices: [{ index: 0, message: { role: 'assistant', content: restoreText(text, vault, policy).text }, finish_reason: openAiFinishReason(entry.finish_reason) }],
            usage: { prompt_tokens: entry.usage.prompt_tokens, completion_tokens: entry.usage.completion_tokens, total_tokens: entry.usage.prompt_tokens + entry.usage.completion_tokens },
          };
          return c.json(completion, 200);
        }
      }
      throw new ApiHttpError(504, 'timeout', 'the model did not answer in time');
    },
  );
}
