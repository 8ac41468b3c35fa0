/**
 * @module edge/routes/admin
 * Tenant administration (scope `admin`): the tenant's webhook signing secret, and queue depth.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { Queue } from 'bullmq';
import { GENERATE_QUEUE, QUEUE_PREFIX } from '../../../shared/jobs/generate-job';
import { requireScope } from '../auth/middleware';
import type { AppEnv } from '../env';
import { withRedis } from '../queue/redis-connection';
import { deriveTenantWebhookSecret } from '../webhooks/signing';
import { readRedactions } from '../privacy/redaction-metrics';
import { authedErrors, forbidden, unavailableResponse } from './route-helpers';

export function registerAdminRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use('/v1/admin/*', requireScope<AppEnv>('admin'));

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/webhook-secret', summary: "The tenant's Standard Webhooks signing secret (whsec_…)",
      responses: { 200: { description: 'secret', content: { 'application/json': { schema: z.object({ secret: z.string() }) } } }, ...authedErrors, ...forbidden },
    }),
    async (c) => c.json({ secret: await deriveTenantWebhookSecret(c.env.WEBHOOK_MASTER_KEY, c.get('tenantKey')) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/privacy-metrics', summary: "The tenant's output-scan redactions (personal data the model produced that was not in the user's input)",
      responses: {
        200: { description: 'counts', content: { 'application/json': { schema: z.object({ output_pii_redactions: z.object({ total: z.number(), by_type: z.record(z.string(), z.number()) }) }) } } },
        ...authedErrors, ...forbidden, ...unavailableResponse,
      },
    }),
    async (c) => c.json({ output_pii_redactions: await readRedactions(c.env.REDIS_URL, c.get('tenantKey')) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/queue', summary: 'Job counts of the generate queue (all tenants)',
      responses: { 200: { description: 'counts by state', content: { 'application/json': { schema: z.record(z.string(), z.number()) } } }, ...authedErrors, ...forbidden, ...unavailableResponse },
    }),
    async (c) => {
      const counts = await withRedis(c.env.REDIS_URL, async (redis) => {
        const queue = new Queue(GENERATE_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
        try {
          return await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
        } finally {
          await queue.close().catch(() => {});
        }
      });
      return c.json(counts, 200);
    },
  );
}
