/**
 * @module edge/app
 * The edge API: one OpenAPIHono app with body limits, JSON errors, authentication on /v1,
 * and every route described in /openapi.json.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { apiError, validationError } from '../../shared/api/errors';
import { tenantStorageKey, userStorageKey } from '../../shared/crypto/hmac';
import { parseAuthConfig, type AuthConfig } from './auth/auth-config';
import { requireAuth } from './auth/middleware';
import type { AppEnv, EdgeEnv } from './env';
import { handleError } from './http/api-error';
import { registerAdminRoutes } from './routes/admin';
import { registerAdminClusterRoutes } from './routes/admin-clusters';
import { registerAdminMetricsRoutes } from './routes/admin-metrics';
import { registerAdminPrivacyRoutes } from './routes/admin-privacy';
import { registerChatRoutes } from './routes/chat-completions';
import { registerFeedbackRoutes } from './routes/feedback';
import { registerGenerateRoutes } from './routes/generate';
import { registerHealthRoutes } from './routes/health';
import { registerInsightRoutes } from './routes/insights';
import { registerInternalRoutes } from './routes/internal';
import { registerJobRoutes } from './routes/jobs';
import { registerMeRoutes } from './routes/me';
import { registerMemoryRoutes } from './routes/memories';
import { registerProfileRoutes } from './routes/profile';

const authConfigs = new WeakMap<object, AuthConfig>();
/** Auth settings parsed once per env object (one per isolate). */
function authConfigOf(env: EdgeEnv): AuthConfig {
  let config = authConfigs.get(env);
  if (!config) authConfigs.set(env, (config = parseAuthConfig(env as unknown as Record<string, string | undefined>)));
  return config;
}

/** Builds the app. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationError(result.error.issues as never), 400);
    },
  });
  app.onError(handleError);
  app.notFound((c) => c.json(apiError('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404));

  app.use('*', async function limitBody(c, next) {
    const maxSize = Number(c.env.MAX_BODY_BYTES) || 1024 * 1024;
    return bodyLimit({ maxSize, onError: (cx) => cx.json(apiError('payload_too_large', `request body exceeds ${maxSize} bytes`), 413) })(c, next);
  });

  app.use('/v1/*', requireAuth<AppEnv>((c) => authConfigOf(c.env)));
  app.use('/v1/*', async function storageKeys(c, next) {
    const p = c.get('principal');
    c.set('ownerKey', await userStorageKey(c.env.STORAGE_PEPPER, p.tenant, p.user));
    c.set('tenantKey', await tenantStorageKey(c.env.STORAGE_PEPPER, p.tenant));
    await next();
  });

  registerHealthRoutes(app);
  registerProfileRoutes(app);
  registerGenerateRoutes(app);
  registerJobRoutes(app);
  registerFeedbackRoutes(app);
  registerChatRoutes(app);
  registerMeRoutes(app);
  registerInsightRoutes(app);
  registerMemoryRoutes(app);
  registerAdminRoutes(app); // installs the admin-scope guard for every /v1/admin route below
  registerAdminPrivacyRoutes(app);
  registerAdminMetricsRoutes(app);
  registerAdminClusterRoutes(app);
  registerInternalRoutes(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Attune API', version: '0.1.0', description: 'Personalized, private generative AI. All /v1 routes need a Bearer JWT.' },
    security: [{ bearer: [] }],
  });
  return app;
}
