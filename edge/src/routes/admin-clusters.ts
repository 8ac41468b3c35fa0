/**
 * @module edge/routes/admin-clusters
 * The tenant's differentially private population clusters (scope `admin`, guarded by the
 * `/v1/admin/*` middleware of admin.ts): `GET /v1/admin/clusters` shows the open round's size and
 * the latest release; `POST /v1/admin/clusters/release` closes the open round now (when it holds
 * any contribution) instead of waiting for `CLUSTER_ROUND_SIZE`, and publishes the release for
 * cold start and for `attune experts train-clusters`. A release holds only noisy sums turned into
 * centroids and style priors: safe to show.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { STYLES } from '../../../shared/api/profile';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { populationStub, publishRelease, releasePolicy } from '../jobs/cluster-contribution';
import { authedErrors, forbidden, unavailableResponse } from './route-helpers';

const releaseSchema = z
  .object({
    round: z.string(),
    released_at: z.string(),
    sigma: z.number().describe('noise multiplier; noise std on every sum is σ·√3'),
    epsilon: z.number().optional().describe('ε each contributor paid for the round, at `delta`'),
    delta: z.number().optional(),
    clusters: z.array(z.object({
      id: z.string(),
      centroid: z.array(z.number()).describe('noisy centroid: unit vector in the 16-dimensional cluster space'),
      region_centroid: z.array(z.number()).describe('the public prototype members were assigned to; new users are matched against it'),
      style_prior: z.record(z.enum(STYLES), z.number()),
      size: z.number().describe('noisy member count'),
      fallback: z.boolean().describe('too few members to release: public centroid and a uniform prior'),
    })),
  })
  .describe('ClusterRelease');

const statusSchema = z
  .object({
    open_round: z.object({ round: z.string(), contributors: z.number().int() }),
    round_size: z.number().int(),
    epsilon_per_round: z.number(),
    latest: releaseSchema.nullable(),
  })
  .describe('ClusterStatus');

export function registerAdminClusterRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/clusters', summary: "The tenant's population clusters: open round and latest release",
      responses: { 200: { description: 'status', content: { 'application/json': { schema: statusSchema } } }, ...authedErrors, ...forbidden, ...unavailableResponse },
    }),
    async (c) => {
      const population = populationStub(c.env, c.get('tenantKey'));
      const [open, latest, policy] = await Promise.all([population.status(), population.latest(), releasePolicy(c.env, c.get('tenantKey'))]);
      return c.json({ open_round: open, round_size: policy.roundSize, epsilon_per_round: policy.epsilon, latest: latest as z.infer<typeof releaseSchema> | null }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/v1/admin/clusters/release', summary: 'Release the open round now',
      responses: {
        200: { description: 'the release', content: { 'application/json': { schema: releaseSchema } } },
        409: { description: 'the open round holds no contribution' }, ...authedErrors, ...forbidden, ...unavailableResponse,
      },
    }),
    async (c) => {
      const tenantKey = c.get('tenantKey');
      const released = await populationStub(c.env, tenantKey).release(await releasePolicy(c.env, tenantKey));
      if (!released) throw new ApiHttpError(409, 'conflict', 'the open round holds no contribution yet');
      await publishRelease(c.env, tenantKey, released);
      return c.json(released as z.infer<typeof releaseSchema>, 200);
    },
  );
}
