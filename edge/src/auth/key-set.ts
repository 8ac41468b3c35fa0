/**
 * @module edge/auth/key-set
 * The JWKS seam: where the public keys that verify access tokens come from. A remote JWKS is fetched
 * by jose and cached in the resolver; resolvers are kept at module scope so one fetch serves every
 * request an isolate handles (workerd keeps module state between requests of one isolate).
 */
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from './auth-config';

/** A jose key resolver: picks the verification key for a token's protected header. */
export type KeySet = JWTVerifyGetKey;

/** Options of every remote key set; units are milliseconds. */
export const REMOTE_JWKS_OPTIONS = {
  /** No refetch within 30 s of the last fetch, even for an unknown `kid` (caps fetches an attacker can cause). */
  cooldownDuration: 30_000,
  /** Refetch after 10 min so rotated keys are picked up. */
  cacheMaxAge: 600_000,
  /** Give up on a slow JWKS endpoint after 3 s. */
  timeoutDuration: 3000,
} as const;

const remoteKeySets = new Map<string, KeySet>();
const inlineKeySets = new Map<string, KeySet>();

/**
 * Parses a JSON JWKS, as given in `JWKS_INLINE`.
 *
 * @throws Error naming JWKS_INLINE when the text is not JSON or has no `keys` array.
 */
export function parseJwks(text: string): JSONWebKeySet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('JWKS_INLINE must be a JSON Web Key Set (invalid JSON)');
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys) || keys.length === 0) {
    throw new Error('JWKS_INLINE must be a JSON Web Key Set with a non-empty "keys" array');
  }
  return value as JSONWebKeySet;
}

/**
 * Returns the key set of `config`, created once per JWKS URL or inline JWKS text.
 *
 * @throws Error naming JWKS_INLINE for an invalid inline JWKS, or when neither source is set.
 * @example
 * ```ts
 * const keySet = getKeySet(config);
 * await jwtVerify(token, keySet, { issuer: config.issuer });
 * ```
 */
export function getKeySet(config: Pick<AuthConfig, 'jwksUrl' | 'jwksInline'>): KeySet {
  if (config.jwksInline !== undefined) {
    const text = config.jwksInline;
    let keySet = inlineKeySets.get(text);
    if (!keySet) {
      try {
        keySet = createLocalJWKSet(parseJwks(text));
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('JWKS_INLINE')) throw err;
        throw new Error('JWKS_INLINE must be a JSON Web Key Set', { cause: err });
      }
      inlineKeySets.set(text, keySet);
    }
    return keySet;
  }
  if (config.jwksUrl !== undefined) {
    const url = new URL(config.jwksUrl).href;
    let keySet = remoteKeySets.get(url);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(url), { ...REMOTE_JWKS_OPTIONS });
      remoteKeySets.set(url, keySet);
    }
    return keySet;
  }
  throw new Error('exactly one of JWKS_URL or JWKS_INLINE must be set');
}
