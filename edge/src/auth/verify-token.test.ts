/**
 * @module edge/auth/verify-token.test
 * Access tokens are accepted only when signed by a trusted asymmetric key for this API, and each
 * kind of bad token is refused with its own stable reason and a message that never echoes it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from './auth-error';
import { createTestIssuer, hmacToken, nowSeconds, tamperedToken, unsecuredToken, type TestIssuer } from './test-issuer';
import { MAX_TOKEN_LENGTH, verifyAccessToken } from './verify-token';

let issuer: TestIssuer;
let stranger: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer('key-1');
  stranger = await createTestIssuer('key-2');
});

/** Verifies `token` and returns the AuthError it was refused with. */
async function refusal(token: string, vars?: Record<string, string | undefined>): Promise<AuthError> {
  const err = await verifyAccessToken(token, issuer.config(vars)).then(
    () => { throw new Error('expected the token to be refused'); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthError);
  const authError = err as AuthError;
  expect(authError.status).toBe(401);
  expect(authError.code).toBe('unauthorized');
  if (token) expect(authError.message).not.toContain(token);
  return authError;
}

describe('verifyAccessToken', () => {
  it('returns the principal of a valid token: user, tenant, scopes, token id and expiry', async () => {
    const exp = nowSeconds() + 120;
    const token = await issuer.sign({ sub: 'alice', tid: 'acme', scope: 'profile:read generate', jti: 'tok-9', exp });
    await expect(verifyAccessToken(token, issuer.config())).resolves.toEqual({
      user: 'alice', tenant: 'acme', scopes: ['profile:read', 'generate'], tokenId: 'tok-9', expiresAt: exp,
    });
  });

  it('reads scopes from an scp array and from an scp string', async () => {
    const fromArray = await verifyAccessToken(await issuer.sign({ scp: ['admin', 'generate'] }), issuer.config());
    const fromString = await verifyAccessToken(await issuer.sign({ scp: 'admin generate' }), issuer.config());
    expect(fromArray.scopes).toEqual(['admin', 'generate']);
    expect(fromString.scopes).toEqual(['admin', 'generate']);
  });

  it('gives a token without scope claims no scopes, and refuses a scope claim of the wrong type', async () => {
    expect((await verifyAccessToken(await issuer.sign(), issuer.config())).scopes).toEqual([]);
    expect((await refusal(await issuer.sign({ scp: [1, 2] }))).reason).toBe('invalid_claim');
  });

  it('refuses an empty token as missing', async () => {
    expect((await refusal('')).reason).toBe('missing_token');
  });

  it('refuses garbage and oversized tokens as malformed', async () => {
    expect((await refusal('not-a-jwt')).reason).toBe('malformed');
    expect((await refusal('a.b.c')).reason).toBe('malformed');
    expect((await refusal('x'.repeat(MAX_TOKEN_LENGTH + 1))).reason).toBe('malformed');
  });

  it('refuses an expired token', async () => {
    const err = await refusal(await issuer.sign({ iat: nowSeconds() - 600, exp: nowSeconds() - 120 }));
    expect(err.reason).toBe('expired');
    expect(err.message).toBe('the access token has expired');
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const token = await issuer.sign({ exp: nowSeconds() - 5 });
    await expect(verifyAccessToken(token, issuer.config())).resolves.toMatchObject({ user: 'user-1' });
    expect((await refusal(token, { JWT_CLOCK_TOLERANCE_S: '0' })).reason).toBe('expired');
  });

  it('refuses a token that is not valid yet', async () => {
    expect((await refusal(await issuer.sign({ nbf: nowSeconds() + 600 }))).reason).toBe('not_yet_valid');
  });

  it('refuses a token for another audience', async () => {
    expect((await refusal(await issuer.sign({ aud: 'some-other-api' }))).reason).toBe('bad_audience');
  });

  it('refuses a token from another issuer', async () => {
    expect((await refusal(await issuer.sign({ iss: 'https://evil.example/' }))).reason).toBe('bad_issuer');
  });

  it('refuses a token without exp, sub, iss or aud as missing a claim', async () => {
    for (const claim of ['exp', 'sub', 'iss', 'aud']) {
      const err = await refusal(await issuer.sign({ [claim]: undefined }));
      expect(err.reason).toBe('missing_claim');
      expect(err.message).toBe(`the access token lacks the "${claim}" claim`);
    }
  });

  it('refuses an empty or over-long sub', async () => {
    expect((await refusal(await issuer.sign({ sub: '' }))).reason).toBe('invalid_claim');
    expect((await refusal(await issuer.sign({ sub: 'u'.repeat(257) }))).reason).toBe('invalid_claim');
  });

  it('refuses an unsigned alg none token', async () => {
    expect((await refusal(unsecuredToken({ scope: 'admin' }))).reason).toBe('unsupported_alg');
  });

  it('refuses an HS256 token signed with some secret', async () => {
    expect((await refusal(await hmacToken('a-shared-secret-of-at-least-32-bytes!!'))).reason).toBe('unsupported_alg');
  });

  it('refuses an HS256 token whose HMAC secret is the public JWK (key confusion)', async () => {
    const token = await hmacToken(JSON.stringify(issuer.publicJwk), { scope: 'admin' }, issuer.kid);
    expect((await refusal(token)).reason).toBe('unsupported_alg');
  });

  it('refuses a token signed with a key whose kid is not in the JWKS', async () => {
    expect((await refusal(await stranger.sign())).reason).toBe('unknown_key');
  });

  it('refuses a token signed by a stranger who reuses the trusted kid', async () => {
    const forged = await stranger.sign({}, { kid: issuer.kid });
    expect((await refusal(forged)).reason).toBe('bad_signature');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = tamperedToken(await issuer.sign({ sub: 'alice' }), { sub: 'mallory', scope: 'admin' });
    expect((await refusal(token)).reason).toBe('bad_signature');
  });

  it('refuses an algorithm left out of JWT_ALGORITHMS', async () => {
    expect((await refusal(await issuer.sign(), { JWT_ALGORITHMS: 'RS256' })).reason).toBe('unsupported_alg');
  });

  it('refuses a token without the tenant claim when there is no default tenant', async () => {
    const err = await refusal(await issuer.sign({ tid: undefined }));
    expect(err.reason).toBe('missing_claim');
    expect(err.message).toBe('the access token lacks the "tid" claim');
  });

  it('puts a token without the tenant claim in the default tenant when one is set', async () => {
    const principal = await verifyAccessToken(await issuer.sign({ tid: undefined }), issuer.config({ DEFAULT_TENANT: 'public' }));
    expect(principal.tenant).toBe('public');
  });

  it('prefers the token tenant over the default tenant', async () => {
    const principal = await verifyAccessToken(await issuer.sign({ tid: 'acme' }), issuer.config({ DEFAULT_TENANT: 'public' }));
    expect(principal.tenant).toBe('acme');
  });

  it('reads the tenant from a custom claim name', async () => {
    const config = issuer.config({ TENANT_CLAIM: 'org_id' });
    expect((await verifyAccessToken(await issuer.sign({ org_id: 'org-7' }), config)).tenant).toBe('org-7');
    expect((await refusal(await issuer.sign({ org_id: undefined }), { TENANT_CLAIM: 'org_id' })).reason).toBe('missing_claim');
  });

  it('refuses a tenant claim that is not a non-empty string of at most 256 characters', async () => {
    for (const tid of [42, '', 't'.repeat(257)]) {
      expect((await refusal(await issuer.sign({ tid }))).reason).toBe('invalid_claim');
    }
  });

  it('throws a setup error when the config allows a symmetric algorithm', async () => {
    const config = { ...issuer.config(), algorithms: ['ES256', 'HS256'] };
    await expect(verifyAccessToken(await issuer.sign(), config)).rejects.toThrow('AuthConfig.algorithms must be asymmetric; got HS256');
  });
});
