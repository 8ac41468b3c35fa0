/**
 * @module edge/routes/admin-privacy
 * Tenant privacy administration (scope `admin`): the tenant's privacy settings (budget cap and
 * period, what costs budget, PII policy, retention) kept in KV, and resetting one user's budget
 * for the current period (recorded in that user's audit log).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { userStorageKey } from '../../../shared/crypto/hmac';
import type { AppEnv } from '../env';
import { forgetTenantPrivacy, tenantConfigSchema, tenantPrivacy } from '../privacy/tenant-config';
import { userStateStub } from '../state/user-state';
import { authedErrors, forbidden } from './route-helpers';

const resetSchema = z.strictObject({
  user: z.string().min(1).max(256).describe('the user id (token subject) within the caller’s tenant'),
  reason: z.string().min(1).max(500),
});

export function registerAdminPrivacyRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'put', path: '/v1/admin/tenant-config', summary: "Set the tenant's privacy settings (budget, costs, PII policy, retention)",
      request: { body: { required: true, content: { 'application/json': { schema: tenantConfigSchema } } } },
      responses: { 200: { description: 'stored; effective within 60 s everywhere', content: { 'application/json': { schema: tenantConfigSchema } } }, ...authedErrors, ...forbidden },
    }),
    async (c) => {
      const config = c.req.valid('json');
      const tenantKey = c.get('tenantKey');
      await c.env.ATTUNE_KV.put(`tenant:${tenantKey}:config`, JSON.stringify(config));
      forgetTenantPrivacy(tenantKey);
      return c.json(config, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/tenant-config', summary: "The tenant's effective privacy settings (defaults with the tenant's overrides)",
      responses: { 200: { description: 'settings', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...authedErrors, ...forbidden },
    }),
    async (c) => {
      const s = await tenantPrivacy(c.env, c.get('tenantKey'));
      return c.json({ budget: s.budget, costs: s.costs, pii_policy: s.piiPolicy, retention_days: s.retentionDays }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/v1/admin/budget-reset', summary: "Reset one user's privacy budget for the current period (audited)",
      request: { body: { required: true, content: { 'application/json': { schema: resetSchema } } } },
      responses: { 200: { description: 'reset', content: { 'application/json': { schema: z.object({ removed_charges: z.number().int() }) } } }, ...authedErrors, ...forbidden },
    }),
    async (c) => {
      const { user, reason } = c.req.valid('json');
      const owner = await userStorageKey(c.env.STORAGE_PEPPER, c.get('principal').tenant, user);
      const settings = await tenantPrivacy(c.env, c.get('tenantKey'));
      const { removed } = await userStateStub(c.env, owner).resetBudget(owner, settings.budget, reason);
      await c.env.ATTUNE_KV.delete(`budget:${owner}`);
      return c.json({ removed_charges: removed }, 200);
    },
  );
}
