/**
 * @module edge/auth
 * Authentication of edge API requests: config from Worker vars, JWKS key sets, token verification
 * and the Hono middleware that guards `/v1` routes.
 */
export { parseAuthConfig, ASYMMETRIC_ALGORITHMS, DEFAULT_TENANT_CLAIM, DEFAULT_CLOCK_TOLERANCE_S, type AuthConfig } from './auth-config';
export { AuthError, type AuthFailureReason } from './auth-error';
export { getKeySet, parseJwks, type KeySet } from './key-set';
export { verifyAccessToken, type Principal } from './verify-token';
export { requireAuth, requireScope, bearerToken, type AuthEnv, type AuthVariables, type RequireAuthOptions } from './middleware';
