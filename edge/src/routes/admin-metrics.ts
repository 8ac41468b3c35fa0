/**
 * @module edge/routes/admin-metrics
 * `GET /v1/admin/metrics` (scope `admin`, guarded by the `/v1/admin/*` middleware of admin.ts):
 * the caller's tenant's personalization rate, budget exhaustions and adaptation-time percentiles
 * (definitions in metrics/personalization-metrics.ts).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { adminMetricsSchema } from '../../../shared/api/admin-metrics';
import type { AppEnv } from '../env';
import { readPersonalizationMetrics } from '../metrics/personalization-metrics';
import { authedErrors, forbidden, unavailableResponse } from './route-helpers';

export function registerAdminMetricsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/metrics', summary: "The tenant's personalization metrics",
      responses: { 200: { description: 'metrics', content: { 'application/json': { schema: adminMetricsSchema } } }, ...authedErrors, ...forbidden, ...unavailableResponse },
    }),
    async (c) => c.json(await readPersonalizationMetrics(c.env.REDIS_URL, c.get('tenantKey')), 200),
  );
}
