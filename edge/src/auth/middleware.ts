/**
 * @module edge/auth/middleware
 * Hono middleware that guards `/v1` routes: `requireAuth` turns an `Authorization: Bearer` header into
 * `c.get('principal')`, `requireScope` refuses principals without a scope. Refusals are
 * `{error:{code,message}}` bodies with the `WWW-Authenticate` challenge of RFC 6750 §3.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { apiError } from '../../../shared/api/errors';
import type { AuthConfig } from './auth-config';
import { AuthError } from './auth-error';
import type { KeySet } from './key-set';
import { verifyAccessToken, type Principal } from './verify-token';

/** Hono `Variables` the auth middleware sets. */
export type AuthVariables = { principal: Principal };
/** Hono env fragment for apps using the auth middleware: `new Hono<{ Bindings: B } & AuthEnv>()`. */
export type AuthEnv = { Variables: AuthVariables };

/** Options of {@link requireAuth}. */
export interface RequireAuthOptions {
  /** Key set override (tests, custom caching); defaults to `getKeySet(config)`. */
  keySet?: KeySet;
}

// RFC 6750 §3 / §3.1: no error code when the request carried no credentials at all.
function challenge(err: AuthError, scope?: string): string {
  if (err.reason === 'insufficient_scope') return `Bearer error="insufficient_scope", scope="${scope}"`;
  if (err.reason === 'missing_token') return 'Bearer';
  return 'Bearer error="invalid_token"';
}

function refuse(c: Context, err: AuthError, scope?: string): Response {
  // The identity provider's keys could not be fetched: the token was never judged, so this is
  // our outage (503, retry), not the caller's bad credentials (401).
  if (err.reason === 'key_set_unavailable') return c.json(apiError('unavailable', err.message), 503, { 'Retry-After': '5' });
  return c.json(apiError(err.code, err.message), err.status, { 'WWW-Authenticate': challenge(err, scope) });
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else an AuthError. */
export function bearerToken(header: string | undefined): string {
  const match = /^\s*(\S+)(?:\s+(.*?))?\s*$/.exec(header ?? '');
  if (!match || match[1]!.toLowerCase() !== 'bearer' || !match[2]) throw AuthError.unauthorized('missing_token');
  if (/\s/.test(match[2])) throw AuthError.unauthorized('malformed');
  return match[2];
}

/**
 * Authenticates every request: verifies the bearer token and sets `c.get('principal')`; a missing or
 * invalid token gets a 401. `getConfig` runs per request, so it should return a memoised config; an
 * Error it throws (bad setup) is not caught here and reaches `app.onError`.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Bindings: Env } & AuthEnv>();
 * app.use('/v1/*', requireAuth((c) => authConfigOf(c.env)));
 * app.get('/v1/profile', (c) => c.json({ user: c.get('principal').user }));
 * ```
 */
export function requireAuth<E extends Env = AuthEnv>(
  getConfig: (c: Context<E & AuthEnv>) => AuthConfig,
  options: RequireAuthOptions = {},
): MiddlewareHandler<E & AuthEnv> {
  return async function requireAuth(c, next) {
    const config = getConfig(c);
    let principal: Principal;
    try {
      principal = await verifyAccessToken(bearerToken(c.req.header('Authorization')), config, options.keySet);
    } catch (err) {
      if (err instanceof AuthError) return refuse(c, err);
      throw err;
    }
    c.set('principal', principal);
    await next();
  };
}

/**
 * Lets through only principals holding `scope`; others get a 403. Mount after {@link requireAuth}.
 *
 * @throws Error when `scope` is empty or contains whitespace (at setup), or when no principal is set.
 * @example
 * ```ts
 * app.delete('/v1/admin/users/:id', requireScope('admin'), deleteUser);
 * ```
 */
export function requireScope<E extends Env = AuthEnv>(scope: string): MiddlewareHandler<E & AuthEnv> {
  if (!scope || /\s|"/.test(scope)) throw new Error(`requireScope: invalid scope ${JSON.stringify(scope)}`);
  return async function requireScope(c, next) {
    const principal = c.get('principal') as Principal | undefined;
    if (!principal) throw new Error('requireScope needs requireAuth to run first');
    if (!principal.scopes.includes(scope)) return refuse(c, AuthError.forbidden(scope), scope);
    await next();
  };
}
