/**
 * @module edge/auth/key-set.test
 * Key sets are created once per source: a remote JWKS is fetched once for many verifications and not
 * refetched for unknown keys during the cooldown; an unreachable JWKS refuses tokens with 401.
 * The JWKS is served by a real HTTP server on 127.0.0.1 (node:http is fine in tests, not in edge code).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig } from './auth-config';
import { AuthError } from './auth-error';
import { getKeySet, parseJwks } from './key-set';
import { createTestIssuer, TEST_AUDIENCE, TEST_ISSUER, type TestIssuer } from './test-issuer';
import { verifyAccessToken } from './verify-token';

let issuer: TestIssuer;
let stranger: TestIssuer;
const servers: Server[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer('remote-key-1');
  stranger = await createTestIssuer('remote-key-2');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Serves `body` with `status` at /jwks.json on an ephemeral port; `hits` counts requests. */
async function serveJwks(body: unknown, status = 200): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/jwks.json`, hits: () => hits };
}

function remoteConfig(url: string) {
  return parseAuthConfig({ JWT_ISSUER: TEST_ISSUER, JWT_AUDIENCE: TEST_AUDIENCE, JWKS_URL: url });
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AuthError);
  return (err as AuthError).reason;
}

describe('getKeySet with JWKS_URL', () => {
  it('fetches the JWKS once for two verifications', async () => {
    const jwks = await serveJwks(issuer.jwks);
    const config = remoteConfig(jwks.url);
    await expect(verifyAccessToken(await issuer.sign({ sub: 'alice' }), config)).resolves.toMatchObject({ user: 'alice' });
    await expect(verifyAccessToken(await issuer.sign({ sub: 'bob' }), config)).resolves.toMatchObject({ user: 'bob' });
    expect(jwks.hits()).toBe(1);
  });

  it('returns the same key set for the same URL', async () => {
    const jwks = await serveJwks(issuer.jwks);
    expect(getKeySet(remoteConfig(jwks.url))).toBe(getKeySet(remoteConfig(jwks.url)));
  });

  it('does not refetch for an unknown kid during the cooldown', async () => {
    const jwks = await serveJwks(issuer.jwks);
    const config = remoteConfig(jwks.url);
    await verifyAccessToken(await issuer.sign(), config);
    expect(await reasonOf(verifyAccessToken(await stranger.sign(), config))).toBe('unknown_key');
    expect(await reasonOf(verifyAccessToken(await stranger.sign(), config))).toBe('unknown_key');
    expect(jwks.hits()).toBe(1);
  });

  it('refuses tokens with key_set_unavailable when the JWKS endpoint fails', async () => {
    const jwks = await serveJwks({ error: 'down' }, 500);
    expect(await reasonOf(verifyAccessToken(await issuer.sign(), remoteConfig(jwks.url)))).toBe('key_set_unavailable');
  });

  it('refuses tokens with key_set_unavailable when nothing listens at the JWKS URL', async () => {
    const { url } = await serveJwks(issuer.jwks);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await reasonOf(verifyAccessToken(await issuer.sign(), remoteConfig(url)))).toBe('key_set_unavailable');
  });
});

describe('getKeySet with JWKS_INLINE', () => {
  it('returns the same key set for the same inline JWKS', () => {
    const config = issuer.config();
    expect(getKeySet(config)).toBe(getKeySet({ jwksInline: config.jwksInline }));
  });

  it('names JWKS_INLINE when the inline JWKS is not JSON or has an unusable key', () => {
    expect(() => getKeySet({ jwksInline: '{not json' })).toThrow('JWKS_INLINE must be a JSON Web Key Set (invalid JSON)');
    expect(() => parseJwks('[1]')).toThrow(/JWKS_INLINE/);
    expect(() => getKeySet({ jwksInline: '{"keys":["nope"]}' })).toThrow(/JWKS_INLINE/);
  });

  it('throws a setup error when neither source is given', () => {
    expect(() => getKeySet({})).toThrow('exactly one of JWKS_URL or JWKS_INLINE must be set');
  });
});
