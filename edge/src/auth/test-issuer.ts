/**
 * @module edge/auth/test-issuer
 * For tests only: a throwaway token issuer with a real ES256 key pair, its public JWKS and helpers
 * that sign (or deliberately mis-sign) access tokens. Runtime-neutral (jose only).
 */
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { parseAuthConfig, type AuthConfig } from './auth-config';

/** Issuer every test token names unless overridden. */
export const TEST_ISSUER = 'https://id.attune.test/';
/** Audience every test token names unless overridden. */
export const TEST_AUDIENCE = 'attune-api';

/** Claims of a test token; a claim set to `undefined` is left out. */
export type TestClaims = Record<string, unknown>;

/** A key pair with its kid, and signers for tokens under it. */
export interface TestIssuer {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  jwks: JSONWebKeySet;
  /** Signs an ES256 token with defaults: iss, aud, sub 'user-1', tid 'tenant-1', iat now, exp in 5 min. */
  sign(claims?: TestClaims, header?: Record<string, unknown>): Promise<string>;
  /** An auth config trusting this issuer through an inline JWKS, with Worker vars overridden by `vars`. */
  config(vars?: Record<string, string | undefined>): AuthConfig;
}

/** Seconds since the Unix epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The claims of a token, with defaults; `undefined` values removed. */
export function testClaims(claims: TestClaims = {}): JWTPayload {
  const now = nowSeconds();
  const merged: TestClaims = { iss: TEST_ISSUER, aud: TEST_AUDIENCE, sub: 'user-1', tid: 'tenant-1', iat: now, exp: now + 300, ...claims };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as JWTPayload;
}

/** Creates an issuer with a fresh ES256 key pair. */
export async function createTestIssuer(kid = 'test-key-1'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  return {
    kid,
    privateKey,
    publicJwk,
    jwks,
    sign: (claims, header) =>
      new SignJWT(testClaims(claims)).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT', ...header }).sign(privateKey),
    config: (vars = {}) =>
      parseAuthConfig({ JWT_ISSUER: TEST_ISSUER, JWT_AUDIENCE: TEST_AUDIENCE, JWKS_INLINE: JSON.stringify(jwks), ...vars }),
  };
}

/** An unsigned `alg: none` token, built by hand since jose refuses to make one. */
export function unsecuredToken(claims?: TestClaims): string {
  const segment = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment(testClaims(claims))}.`;
}

/** An HS256 token signed with `secret`, e.g. the issuer's public JWK as JSON (the alg-confusion attack). */
export function hmacToken(secret: string, claims?: TestClaims, kid?: string): Promise<string> {
  return new SignJWT(testClaims(claims))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) })
    .sign(new TextEncoder().encode(secret));
}

/** `token` with its payload replaced by `claims`, keeping the original header and signature. */
export function tamperedToken(token: string, claims: TestClaims): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url.encode(JSON.stringify(testClaims(claims)))}.${signature}`;
}
