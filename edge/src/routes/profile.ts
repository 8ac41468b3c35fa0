/**
 * @module edge/routes/profile
 * `PUT|GET /v1/profile`: the user's explicit preferences, kept in their UserState object.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { profileSchema, storedProfileSchema } from '../../../shared/api/profile';
import { analyzeReport } from '../../../shared/privacy/pii/analyzer';
import type { AppEnv } from '../env';
import { userStateStub } from '../state/user-state';
import { ApiHttpError } from '../http/api-error';
import { authedErrors, notFound } from './route-helpers';

export function registerProfileRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'put', path: '/v1/profile', summary: 'Set explicit preferences (replaces the profile)',
      request: { body: { required: true, content: { 'application/json': { schema: profileSchema } } } },
      responses: { 200: { description: 'stored profile', content: { 'application/json': { schema: storedProfileSchema } } }, ...authedErrors },
    }),
    async (c) => {
      const profile = c.req.valid('json');
      // Excluded topics travel with every job to the workers, so they must hold no personal data.
      profile.content?.excluded_topics?.forEach((topic, i) => {
        const found = analyzeReport(topic).entities.map((e) => e.type);
        if (found.length) throw new ApiHttpError(400, 'validation_failed', `looks like personal data (${found.join(', ')}); name a topic, not a person or contact`, `content.excluded_topics.${i}`);
      });
      return c.json(await userStateStub(c.env, c.get('ownerKey')).putProfile(c.get('ownerKey'), profile), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/profile', summary: 'Read explicit preferences',
      responses: { 200: { description: 'stored profile', content: { 'application/json': { schema: storedProfileSchema } } }, ...authedErrors, ...notFound },
    }),
    async (c) => {
      const profile = await userStateStub(c.env, c.get('ownerKey')).getProfile(c.get('ownerKey'));
      if (!profile) throw new ApiHttpError(404, 'not_found', 'no data for this user (erased)');
      return c.json(profile, 200);
    },
  );
}
