/**
 * @module edge/auth/auth-config
 * Who may call the edge API: the token issuer, audience, signing keys and accepted algorithms,
 * parsed once from Worker vars with errors that name the variable. Defaults live here only.
 */
import { parseJwks } from './key-set';

/** Signature algorithms the edge accepts: asymmetric only, so holding the public keys never lets anyone mint tokens. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA',
] as const;

/** Default claim that carries the tenant id. */
export const DEFAULT_TENANT_CLAIM = 'tid';
/** Default leeway for `exp`/`nbf`/`iat`, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE_S = 30;
/** Largest accepted leeway, in seconds: more would quietly extend every token's lifetime. */
export const MAX_CLOCK_TOLERANCE_S = 300;

/** How access tokens are verified. */
export interface AuthConfig {
  /** Expected `iss` claim, compared exactly (`JWT_ISSUER`). */
  issuer: string;
  /** Expected `aud` claim (`JWT_AUDIENCE`). */
  audience: string;
  /** URL of the issuer's JWKS (`JWKS_URL`); https, or http on a loopback host. Exclusive with `jwksInline`. */
  jwksUrl?: string;
  /** The JWKS itself as JSON (`JWKS_INLINE`), for local stacks and tests. Exclusive with `jwksUrl`. */
  jwksInline?: string;
  /** Claim holding the tenant id (`TENANT_CLAIM`). @default 'tid' */
  tenantClaim: string;
  /** Tenant of tokens without the tenant claim (`DEFAULT_TENANT`); unset means such tokens are refused. */
  defaultTenant?: string;
  /** Accepted `alg` values (`JWT_ALGORITHMS`, comma list). @default every entry of ASYMMETRIC_ALGORITHMS */
  algorithms: string[];
  /** Leeway for time claims, in seconds (`JWT_CLOCK_TOLERANCE_S`). @default 30 */
  clockToleranceSeconds: number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function optional(vars: Record<string, string | undefined>, name: string): string | undefined {
  const value = vars[name]?.trim();
  return value ? value : undefined;
}

function required(vars: Record<string, string | undefined>, name: string): string {
  const value = optional(vars, name);
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

function parseAlgorithms(text: string | undefined): string[] {
  if (text === undefined) return [...ASYMMETRIC_ALGORITHMS];
  const algorithms = [...new Set(text.split(',').map((alg) => alg.trim()).filter(Boolean))];
  if (algorithms.length === 0) throw new Error('JWT_ALGORITHMS must list at least one algorithm');
  for (const alg of algorithms) {
    if (/^HS\d+$/i.test(alg) || alg.toLowerCase() === 'none') {
      throw new Error(`JWT_ALGORITHMS must not contain ${alg}: only asymmetric algorithms are accepted`);
    }
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new Error(`JWT_ALGORITHMS contains unsupported algorithm ${alg} (accepted: ${ASYMMETRIC_ALGORITHMS.join(', ')})`);
    }
  }
  return algorithms;
}

function parseJwksUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('JWKS_URL must be an absolute URL');
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new Error('JWKS_URL must use https (http is allowed only for localhost)');
  }
  return url.href;
}

function parseClockTolerance(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CLOCK_TOLERANCE_S;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_CLOCK_TOLERANCE_S) {
    throw new Error(`JWT_CLOCK_TOLERANCE_S must be an integer from 0 to ${MAX_CLOCK_TOLERANCE_S}`);
  }
  return seconds;
}

/**
 * Reads the auth settings from Worker vars; blank values count as unset.
 *
 * @throws Error naming the variable that is missing or invalid.
 * @example
 * ```ts
 * const config = parseAuthConfig({ JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'attune',
 *   JWKS_URL: 'https://id.example.com/.well-known/jwks.json' });
 * ```
 */
export function parseAuthConfig(vars: Record<string, string | undefined>): AuthConfig {
  const issuer = required(vars, 'JWT_ISSUER');
  const audience = required(vars, 'JWT_AUDIENCE');
  const jwksUrl = optional(vars, 'JWKS_URL');
  const jwksInline = optional(vars, 'JWKS_INLINE');
  if (jwksUrl !== undefined && jwksInline !== undefined) {
    throw new Error('JWKS_URL and JWKS_INLINE are exclusive: set exactly one');
  }
  if (jwksUrl === undefined && jwksInline === undefined) {
    throw new Error('JWKS_URL or JWKS_INLINE is required: set exactly one');
  }
  if (jwksInline !== undefined) parseJwks(jwksInline);
  const tenantClaim = optional(vars, 'TENANT_CLAIM') ?? DEFAULT_TENANT_CLAIM;
  const defaultTenant = optional(vars, 'DEFAULT_TENANT');
  if (defaultTenant !== undefined && defaultTenant.length > 256) {
    throw new Error('DEFAULT_TENANT must be at most 256 characters');
  }
  return {
    issuer,
    audience,
    ...(jwksUrl !== undefined ? { jwksUrl: parseJwksUrl(jwksUrl) } : {}),
    ...(jwksInline !== undefined ? { jwksInline } : {}),
    tenantClaim,
    ...(defaultTenant !== undefined ? { defaultTenant } : {}),
    algorithms: parseAlgorithms(optional(vars, 'JWT_ALGORITHMS')),
    clockToleranceSeconds: parseClockTolerance(optional(vars, 'JWT_CLOCK_TOLERANCE_S')),
  };
}
