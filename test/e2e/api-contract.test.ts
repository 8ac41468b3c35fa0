/**
 * The edge's contract without a worker: authentication failures (401/403 with JSON bodies) and
 * bad input (400 naming the field, 413 over 1 MiB), and that no input yields a 500. Runs the
 * real Worker bundle in workerd with real Redis.
 */
import { base64url, SignJWT } from 'jose';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle, createTestIssuer, startEdge, TEST_AUDIENCE, TEST_ISSUER, type TestIssuer } from './edge-harness';

let url: string;
let mf: Miniflare;
let issuer: TestIssuer;

beforeAll(async () => {
  const [script, iss] = await Promise.all([buildEdgeBundle(), createTestIssuer()]);
  issuer = iss;
  ({ url, mf } = await startEdge(script, { redisUrl: 'redis://127.0.0.1:6379/7', jwks: issuer.jwks }));
}, 180_000);
afterAll(async () => {
  await mf?.dispose();
});

const get = (path: string, token?: string) => fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = async (path: string, body: string | object, token?: string) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('authentication', () => {
  const unsigned = () => {
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const now = Math.floor(Date.now() / 1000);
    return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 'mallory', tid: 'acme', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: now + 600 })}.`;
  };
  const hs256 = () =>
    new SignJWT({ tid: 'acme' }).setProtectedHeader({ alg: 'HS256', kid: issuer.kid }).setSubject('mallory').setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE).setExpirationTime('10m').sign(new TextEncoder().encode(JSON.stringify(issuer.jwks.keys[0])));
  const unknownKid = () =>
    new SignJWT({ tid: 'acme' }).setProtectedHeader({ alg: 'ES256', kid: 'no-such-key' }).setSubject('mallory').setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE).setExpirationTime('10m').sign(issuer.privateKey);

  const cases: Array<[string, () => Promise<string | undefined> | string | undefined]> = [
    ['no token', () => undefined],
    ['an expired token', () => issuer.token({ user: 'alice', expiresIn: '-2m' })],
    ['a token for another audience', () => issuer.token({ user: 'alice', audience: 'someone-else' })],
    ['a token from another issuer', () => issuer.token({ user: 'alice', issuer: 'https://evil.example' })],
    ['an alg:none token', unsigned],
    ['an HS256 token keyed with the public key', hs256],
    ['a token with an unknown kid', unknownKid],
  ];
  it.each(cases)('answers 401 with a JSON error for %s', async (_name, make) => {
    const res = await get('/v1/profile', await make());
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, any>;
    expect(body.error.code).toBe('unauthorized');
    expect(typeof body.error.message).toBe('string');
  });

  it('answers 403 to a non-admin on an admin route and 200 to an admin', async () => {
    const res = await get('/v1/admin/webhook-secret', await issuer.token({ user: 'alice' }));
    expect(res.status).toBe(403);
    expect(((await res.json()) as Record<string, any>).error.code).toBe('forbidden');
    expect((await get('/v1/admin/webhook-secret', await issuer.token({ user: 'root', scope: 'admin' }))).status).toBe(200);
  });

  it('serves /health, /ready and /openapi.json without a token', async () => {
    expect((await get('/health')).status).toBe(200);
    expect([200, 503]).toContain((await get('/ready')).status);
    const doc = (await (await get('/openapi.json')).json()) as Record<string, any>;
    for (const path of ['/v1/profile', '/v1/generate', '/v1/jobs/{id}', '/v1/feedback', '/v1/chat/completions']) expect(doc.paths[path], path).toBeDefined();
  });
});

describe('bad input', () => {
  let token: string;
  beforeAll(async () => {
    token = await issuer.token({ user: 'alice' });
  });
  const expect400 = async (res: Response, field: string | undefined, code = 'validation_failed') => {
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, any>;
    expect(body.error.code).toBe(code);
    if (field) expect(body.error.field).toBe(field);
  };

  it('rejects invalid JSON', async () => expect400(await post('/v1/generate', '{"prompt": "x"', token), undefined, 'invalid_json'));
  it('names prompt when it is missing', async () => expect400(await post('/v1/generate', { max_tokens: 5 }, token), 'prompt'));
  it('names prompt when it is over 32 KiB', async () => expect400(await post('/v1/generate', { prompt: 'é'.repeat(16 * 1024 + 1) }, token), 'prompt'));
  it('names max_tokens when it is out of range', async () => {
    await expect400(await post('/v1/generate', { prompt: 'x', max_tokens: 0 }, token), 'max_tokens');
    await expect400(await post('/v1/generate', { prompt: 'x', max_tokens: 100_000 }, token), 'max_tokens');
  });
  it('names unknown fields', async () => expect400(await post('/v1/generate', { prompt: 'x', tempreature: 0.5 }, token), 'tempreature'));
  it('names the field of a bad profile value', async () => {
    const res = await fetch(`${url}/v1/profile`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ complexity: 2 }) });
    await expect400(res, 'complexity');
  });
  it('names messages when a chat request has no user message', async () =>
    expect400(await post('/v1/chat/completions', { messages: [{ role: 'system', content: 'x' }] }, token), 'messages'));
  it('answers 413 to a body over 1 MiB', async () => {
    const res = await post('/v1/generate', { prompt: 'x'.repeat(1024 * 1024 + 10) }, token);
    expect(res.status).toBe(413);
    expect(((await res.json()) as Record<string, any>).error.code).toBe('payload_too_large');
  });
  it('never answers 500 to malformed requests', async () => {
    const bodies = ['', 'null', '[]', '"x"', '{"prompt": null}', '{"prompt": {"a": 1}}', '{"messages": "hi"}', '\u0000\u0001', '{"prompt": "\\ud800"}'];
    for (const path of ['/v1/generate', '/v1/chat/completions', '/v1/feedback']) {
      for (const body of bodies) {
        const res = await post(path, body, token);
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      }
    }
    expect((await get('/v1/jobs/..%2F..%2Fetc', token)).status).toBeLessThan(500);
    expect((await fetch(`${url}/v1/profile`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });
});
