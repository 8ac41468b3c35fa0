/**
 * @module edge/routes/me
 * The user's own data: `GET /v1/me/export` (everything stored about them, decrypted),
 * `GET /v1/me/privacy` (this period's privacy budget), `DELETE /v1/me` (erasure with a receipt).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { eraseUser } from '../privacy/erasure';
import { tenantPrivacy } from '../privacy/tenant-config';
import { userStateStub } from '../state/user-state';
import { authedErrors, notFound, unavailableResponse } from './route-helpers';

const receiptSchema = z.object({
  receipt_id: z.string(),
  erased_at: z.string(),
  removed: z.object({ durable_object: z.record(z.string(), z.number()), redis_jobs: z.number(), redis_keys: z.number(), kv_keys: z.number() }),
});
const budgetSchema = z.object({ period: z.string(), epsilon_spent: z.number(), epsilon_remaining: z.number(), epsilon_cap: z.number(), delta: z.number() });

export function registerMeRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/me/export', summary: 'Everything stored about the caller, as JSON',
      responses: { 200: { description: 'export', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...authedErrors, ...notFound },
    }),
    async (c) => {
      const owner = c.get('ownerKey');
      const data = await userStateStub(c.env, owner).exportAll(owner);
      if (!data) throw new ApiHttpError(404, 'not_found', 'no data for this user (erased)');
      return c.json({ exported_at: new Date().toISOString(), ...(data as Record<string, unknown>) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/me/privacy', summary: "The caller's differential-privacy budget this period",
      responses: { 200: { description: 'budget', content: { 'application/json': { schema: budgetSchema } } }, ...authedErrors },
    }),
    async (c) => {
      const owner = c.get('ownerKey');
      const settings = await tenantPrivacy(c.env, c.get('tenantKey'));
      const b = await userStateStub(c.env, owner).budget(owner, settings.budget);
      return c.json({ period: b.period, epsilon_spent: b.spent, epsilon_remaining: b.remaining, epsilon_cap: b.cap, delta: settings.budget.delta }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/v1/me', summary: 'Erase the caller: destroy their data key and delete their data everywhere',
      responses: { 202: { description: 'erased; receipt', content: { 'application/json': { schema: receiptSchema } } }, ...authedErrors, ...unavailableResponse },
    }),
    async (c) => c.json(await eraseUser(c), 202),
  );
}
