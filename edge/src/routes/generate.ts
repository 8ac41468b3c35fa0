/**
 * @module edge/routes/generate
 * `POST /v1/generate`: personalizes the prompt (profile, learned preferences, memories: see
 * submit-job.ts), registers the webhook (whose URL stays at the edge), and queues the job. 202 only after Redis stored the job.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { generateAcceptedSchema, generateRequestSchema } from '../../../shared/api/generate';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { submitJob } from '../jobs/submit-job';
import { newJobId } from '../queue/generate-queue';
import type { WebhookDelivery } from '../webhooks/webhook-delivery';
import { authedErrors, unavailableResponse } from './route-helpers';

export function registerGenerateRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post', path: '/v1/generate', summary: 'Queue a personalized generation',
      request: { body: { required: true, content: { 'application/json': { schema: generateRequestSchema } } } },
      responses: { 202: { description: 'queued', content: { 'application/json': { schema: generateAcceptedSchema } } }, ...authedErrors, ...unavailableResponse },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const jobId = newJobId();
      if (body.webhook_url) {
        // The delivery object applies the URL policy (public https only) and keeps the URL at the edge.
        const stub = c.env.WEBHOOK_DELIVERY.get(c.env.WEBHOOK_DELIVERY.idFromName(jobId)) as unknown as DurableObjectStub<WebhookDelivery>;
        const verdict = await stub.register({ jobId, url: body.webhook_url, tenantKey: c.get('tenantKey') });
        if (!verdict.ok) throw new ApiHttpError(400, 'validation_failed', verdict.reason, 'webhook_url');
      }
      await submitJob(c, {
        jobId, kind: 'generate', messages: [{ role: 'user', content: body.prompt }], domain: body.domain,
        params: { max_new_tokens: body.max_tokens ?? 256, temperature: body.temperature ?? 0.7, top_p: body.top_p ?? 1, ...(body.seed !== undefined ? { seed: body.seed } : {}), stop: [] },
        stream: false, webhook: !!body.webhook_url, useMemories: body.use_memories, bestOf: body.best_of,
      });
      return c.json({ job_id: jobId, status_url: `/v1/jobs/${jobId}` }, 202);
    },
  );
}
