/**
 * @module edge/auth/verify-token
 * Verifies a bearer access token (RFC 9068-style JWT) and turns it into the Principal a request acts
 * as. Every failure becomes an AuthError with a stable reason; jose's messages are not passed on.
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { ASYMMETRIC_ALGORITHMS, type AuthConfig } from './auth-config';
import { AuthError } from './auth-error';
import { getKeySet, type KeySet } from './key-set';

/** Who a request acts as. */
export interface Principal {
  /** User id: the token's `sub`. */
  user: string;
  /** Tenant id: the configured tenant claim, else the default tenant. */
  tenant: string;
  /** Granted scopes, from `scope` (space-separated) or `scp` (array or string). */
  scopes: string[];
  /** The token's `jti`, when it has one. */
  tokenId?: string;
  /** When the token expires: its `exp`, in seconds since the Unix epoch. */
  expiresAt: number;
}

/** Longest accepted token, in characters; longer input is refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
/** Longest accepted user or tenant id. */
export const MAX_ID_LENGTH = 256;

const REQUIRED_CLAIMS = ['exp', 'sub', 'iss', 'aud'];

function identifier(value: unknown, claim: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw AuthError.claim('invalid_claim', claim);
  }
  return value;
}

function scopeList(value: unknown, claim: string): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) return value.filter(Boolean);
  throw AuthError.claim('invalid_claim', claim);
}

function scopesOf(payload: JWTPayload): string[] {
  const scopes = new Set<string>();
  if (payload.scope !== undefined) for (const scope of scopeList(payload.scope, 'scope')) scopes.add(scope);
  if (payload.scp !== undefined) for (const scope of scopeList(payload.scp, 'scp')) scopes.add(scope);
  return [...scopes];
}

function tenantOf(payload: JWTPayload, config: AuthConfig): string {
  const value = payload[config.tenantClaim];
  if (value !== undefined) return identifier(value, config.tenantClaim);
  if (config.defaultTenant !== undefined) return config.defaultTenant;
  throw AuthError.claim('missing_claim', config.tenantClaim);
}

/** Maps what jose (or the key fetch) threw to an AuthError. */
function toAuthError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof errors.JWTExpired) return AuthError.unauthorized('expired', err);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return AuthError.claim('missing_claim', err.claim, err);
    if (err.claim === 'aud') return AuthError.unauthorized('bad_audience', err);
    if (err.claim === 'iss') return AuthError.unauthorized('bad_issuer', err);
    if (err.claim === 'nbf' || err.claim === 'iat') return AuthError.unauthorized('not_yet_valid', err);
    return AuthError.claim('invalid_claim', err.claim, err);
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return AuthError.unauthorized('unsupported_alg', err);
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return AuthError.unauthorized('unknown_key', err);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return AuthError.unauthorized('bad_signature', err);
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JWKInvalid) {
    return AuthError.unauthorized('malformed', err);
  }
  // JWKSTimeout, JWKSInvalid, a non-200 JWKS response (plain JOSEError) or a failed fetch (TypeError).
  return AuthError.unauthorized('key_set_unavailable', err);
}

/**
 * Verifies `token` (signature, `iss`, `aud`, `exp`, algorithm allow-list) and returns its Principal.
 *
 * @param keySet - where verification keys come from; defaults to {@link getKeySet}(config).
 * @throws AuthError (401) for any invalid token; Error when `config.algorithms` lists a symmetric algorithm.
 * @example
 * ```ts
 * const principal = await verifyAccessToken(token, config);
 * principal.scopes.includes('admin');
 * ```
 */
export async function verifyAccessToken(token: string, config: AuthConfig, keySet?: KeySet): Promise<Principal> {
  const unsafe = config.algorithms.filter((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg));
  if (unsafe.length > 0) throw new Error(`AuthConfig.algorithms must be asymmetric; got ${unsafe.join(', ')}`);
  if (token.length === 0) throw AuthError.unauthorized('missing_token');
  if (token.length > MAX_TOKEN_LENGTH) throw AuthError.unauthorized('malformed');

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySet ?? getKeySet(config), {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: config.clockToleranceSeconds,
    }));
  } catch (err) {
    throw toAuthError(err);
  }

  return {
    user: identifier(payload.sub, 'sub'),
    tenant: tenantOf(payload, config),
    scopes: scopesOf(payload),
    ...(typeof payload.jti === 'string' && payload.jti ? { tokenId: payload.jti } : {}),
    expiresAt: payload.exp as number,
  };
}
