/**
 * @module edge/routes/health
 * `GET /health` (the Worker answers) and `GET /ready` (Redis answers and a worker heartbeat is
 * under 30 s old).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { redisKeys } from '../../../shared/jobs/generate-job';
import type { AppEnv } from '../env';
import { withRedis } from '../queue/redis-connection';

/** A worker counts as alive when its last heartbeat is younger than this. */
export const HEARTBEAT_MAX_AGE_MS = 30_000;

const readySchema = z.object({
  ready: z.boolean(),
  redis: z.enum(['ok', 'unavailable']),
  workers: z.number().int().describe('workers with a heartbeat under 30 s old'),
  last_heartbeat_age_ms: z.number().nullable(),
});

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({ method: 'get', path: '/health', security: [], responses: { 200: { description: 'alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } } }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/ready', security: [],
      responses: {
        200: { description: 'ready to serve', content: { 'application/json': { schema: readySchema } } },
        503: { description: 'not ready', content: { 'application/json': { schema: readySchema } } },
      },
    }),
    async (c) => {
      try {
        const beats = await withRedis(c.env.REDIS_URL, async (redis) => {
          await redis.ping();
          return redis.zrangebyscore(redisKeys.workerHeartbeats, Date.now() - HEARTBEAT_MAX_AGE_MS, '+inf', 'WITHSCORES');
        });
        const scores = beats.filter((_, i) => i % 2 === 1).map(Number);
        const newest = scores.length ? Math.max(...scores) : null;
        const body = { ready: scores.length > 0, redis: 'ok' as const, workers: scores.length, last_heartbeat_age_ms: newest === null ? null : Math.max(0, Date.now() - newest) };
        return c.json(body, body.ready ? 200 : 503);
      } catch {
        return c.json({ ready: false, redis: 'unavailable' as const, workers: 0, last_heartbeat_age_ms: null }, 503, { 'Retry-After': '5' });
      }
    },
  );
}
