/**
 * @module edge/auth/middleware.test
 * A Hono app guarded by requireAuth and requireScope lets valid bearer tokens through with their
 * principal, and answers every refusal with a 401/403 `{error:{code,message}}` body and an RFC 6750
 * challenge that never echo the token.
 */
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, type AuthConfig } from './auth-config';
import { bearerToken, requireAuth, requireScope, type AuthEnv } from './middleware';
import { createTestIssuer, hmacToken, nowSeconds, tamperedToken, TEST_AUDIENCE, TEST_ISSUER, unsecuredToken, type TestIssuer } from './test-issuer';

let issuer: TestIssuer;
let stranger: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer('key-1');
  stranger = await createTestIssuer('key-2');
});

/** The app under test: `/health` is public, `/v1/*` needs a token, `/v1/admin` also scope admin. */
function appWith(config: () => AuthConfig) {
  const app = new Hono<AuthEnv>();
  app.get('/health', (c) => c.json({ ok: true }));
  app.use('/v1/*', requireAuth(config));
  app.get('/v1/me', (c) => c.json(c.get('principal')));
  app.get('/v1/admin', requireScope('admin'), (c) => c.json({ admin: c.get('principal').user }));
  app.onError((err, c) => c.json({ error: { code: 'internal', message: err.message } }, 500));
  return app;
}

function get(app: Hono<AuthEnv>, path: string, authorization?: string) {
  return app.request(path, authorization === undefined ? {} : { headers: { Authorization: authorization } });
}

/** Asserts the exact error body shape and that neither body nor headers contain `token`. */
async function expectRefusal(res: Response, status: 401 | 403, token?: string) {
  expect(res.status).toBe(status);
  const text = await res.text();
  const body = JSON.parse(text) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
  expect(typeof body.error.message).toBe('string');
  if (token) {
    expect(text).not.toContain(token);
    for (const [, value] of res.headers) expect(value).not.toContain(token);
  }
  return body.error as { code: string; message: string };
}

describe('requireAuth', () => {
  it('lets a valid bearer token through and exposes its principal', async () => {
    const token = await issuer.sign({ sub: 'alice', tid: 'acme', scope: 'generate' });
    const res = await get(appWith(() => issuer.config()), '/v1/me', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: 'alice', tenant: 'acme', scopes: ['generate'] });
  });

  it('accepts the Bearer scheme in any letter case', async () => {
    const res = await get(appWith(() => issuer.config()), '/v1/me', `bEARER ${await issuer.sign()}`);
    expect(res.status).toBe(200);
  });

  it('leaves routes outside /v1 public', async () => {
    expect((await get(appWith(() => issuer.config()), '/health')).status).toBe(200);
  });

  it('answers a request without Authorization with 401 and a bare Bearer challenge', async () => {
    const res = await get(appWith(() => issuer.config()), '/v1/me');
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect((await expectRefusal(res, 401)).message).toBe('a bearer access token is required');
  });

  it('answers Basic credentials with 401 as if no token was sent', async () => {
    const basic = `Basic ${btoa('alice:secret')}`;
    const res = await get(appWith(() => issuer.config()), '/v1/me', basic);
    expect((await expectRefusal(res, 401, btoa('alice:secret'))).message).toBe('a bearer access token is required');
  });

  const invalidTokens: Array<[string, () => Promise<string>, string]> = [
    ['an expired token', () => issuer.sign({ iat: nowSeconds() - 600, exp: nowSeconds() - 120 }), 'the access token has expired'],
    ['a token for another audience', () => issuer.sign({ aud: 'other-api' }), 'the access token is not meant for this API'],
    ['a token from another issuer', () => issuer.sign({ iss: 'https://evil.example/' }), 'the access token was issued by an untrusted issuer'],
    ['a token without exp', () => issuer.sign({ exp: undefined }), 'the access token lacks the "exp" claim'],
    ['an alg none token', async () => unsecuredToken({ scope: 'admin' }), 'the access token uses a signing algorithm this API does not accept'],
    ['an HS256 token signed with a secret', () => hmacToken('a-shared-secret-of-at-least-32-bytes!!'), 'the access token uses a signing algorithm this API does not accept'],
    ['an HS256 token keyed with the public JWK', () => hmacToken(JSON.stringify(issuer.publicJwk), { scope: 'admin' }, issuer.kid), 'the access token uses a signing algorithm this API does not accept'],
    ['a token with an unknown kid', () => stranger.sign(), 'the access token was signed with an unknown key'],
    ['a tampered token', async () => tamperedToken(await issuer.sign(), { sub: 'mallory' }), 'the access token signature is invalid'],
    ['a token without the tenant claim', () => issuer.sign({ tid: undefined }), 'the access token lacks the "tid" claim'],
    ['a garbage token', async () => 'definitely.not.ajwt', 'the access token is malformed'],
  ];

  it.each(invalidTokens)('answers %s with 401 invalid_token', async (_, makeToken, message) => {
    const token = await makeToken();
    const res = await get(appWith(() => issuer.config()), '/v1/me', `Bearer ${token}`);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
    expect((await expectRefusal(res, 401, token)).message).toBe(message);
  });

  it('answers a Bearer header carrying two tokens with 401 malformed', async () => {
    const token = await issuer.sign();
    const res = await get(appWith(() => issuer.config()), '/v1/me', `Bearer ${token} ${token}`);
    expect((await expectRefusal(res, 401, token)).message).toBe('the access token is malformed');
  });

  it('puts a token without the tenant claim in DEFAULT_TENANT when it is set', async () => {
    const res = await get(appWith(() => issuer.config({ DEFAULT_TENANT: 'public' })), '/v1/me', `Bearer ${await issuer.sign({ tid: undefined })}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tenant: 'public' });
  });

  it('reads the tenant from a custom claim name', async () => {
    const token = await issuer.sign({ tid: undefined, org: 'org-7' });
    const res = await get(appWith(() => issuer.config({ TENANT_CLAIM: 'org' })), '/v1/me', `Bearer ${token}`);
    expect(await res.json()).toMatchObject({ tenant: 'org-7' });
  });

  it('lets a config error reach app.onError as a 500 instead of a 401', async () => {
    const app = appWith(() => { throw new Error('JWT_ISSUER is required'); });
    const res = await get(app, '/v1/me', `Bearer ${await issuer.sign()}`);
    expect(res.status).toBe(500);
  });
});

describe('requireScope', () => {
  it('lets in a token with scope admin in its scope string', async () => {
    const res = await get(appWith(() => issuer.config()), '/v1/admin', `Bearer ${await issuer.sign({ sub: 'root', scope: 'generate admin' })}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ admin: 'root' });
  });

  it('lets in a token with admin in its scp array', async () => {
    const res = await get(appWith(() => issuer.config()), '/v1/admin', `Bearer ${await issuer.sign({ scp: ['admin'] })}`);
    expect(res.status).toBe(200);
  });

  it('answers a valid token without scope admin with 403 and an insufficient_scope challenge', async () => {
    const token = await issuer.sign({ scope: 'generate administrator' });
    const res = await get(appWith(() => issuer.config()), '/v1/admin', `Bearer ${token}`);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer error="insufficient_scope", scope="admin"');
    expect(await expectRefusal(res, 403, token)).toEqual({ code: 'forbidden', message: 'this route needs scope admin' });
  });

  it('checks authentication before the scope, so an anonymous admin request gets 401', async () => {
    await expectRefusal(await get(appWith(() => issuer.config()), '/v1/admin'), 401);
  });

  it('refuses a scope that is empty or has spaces when the route is set up', () => {
    expect(() => requireScope('')).toThrow('requireScope: invalid scope ""');
    expect(() => requireScope('a b')).toThrow('requireScope: invalid scope "a b"');
  });

  it('fails loudly when mounted without requireAuth', async () => {
    const app = new Hono<AuthEnv>();
    app.get('/x', requireScope('admin'), (c) => c.text('in'));
    app.onError((err, c) => c.text(err.message, 500));
    const res = await app.request('/x');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('requireScope needs requireAuth to run first');
  });
});

describe('bearerToken', () => {
  it('extracts the token and ignores surrounding whitespace', () => {
    expect(bearerToken('  Bearer abc.def.ghi  ')).toBe('abc.def.ghi');
  });

  it('refuses a missing header, another scheme, or a bare scheme', () => {
    for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer   ', 'Token abc']) {
      expect(() => bearerToken(header)).toThrow('a bearer access token is required');
    }
  });
});

describe('an identity provider outage', () => {
  it('answers 503 with Retry-After, not 401, when the JWKS cannot be fetched', async () => {
    const issuer = await createTestIssuer();
    const app = new Hono<AuthEnv>();
    // Nothing listens on port 9 of the loopback address: the remote key set cannot load.
    const config = parseAuthConfig({ JWT_ISSUER: TEST_ISSUER, JWT_AUDIENCE: TEST_AUDIENCE, JWKS_URL: 'http://127.0.0.1:9/jwks.json' });
    app.use('*', requireAuth(() => config));
    app.get('/x', (c) => c.text('ok'));
    const res = await app.request('/x', { headers: { authorization: `Bearer ${await issuer.sign()}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
  });
});
