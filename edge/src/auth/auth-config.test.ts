/**
 * @module edge/auth/auth-config.test
 * Auth settings are read from Worker vars with safe defaults, and every bad setting fails with a
 * message naming its variable.
 */
import { describe, expect, it } from 'vitest';
import { ASYMMETRIC_ALGORITHMS, parseAuthConfig } from './auth-config';

const JWKS = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] });
const BASE = { JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'attune', JWKS_URL: 'https://id.example.com/jwks.json' };

describe('parseAuthConfig', () => {
  it('applies the defaults: tid tenant claim, asymmetric algorithms only, 30 s clock tolerance', () => {
    expect(parseAuthConfig(BASE)).toEqual({
      issuer: 'https://id.example.com/',
      audience: 'attune',
      jwksUrl: 'https://id.example.com/jwks.json',
      tenantClaim: 'tid',
      algorithms: [...ASYMMETRIC_ALGORITHMS],
      clockToleranceSeconds: 30,
    });
  });

  it('reads every optional variable', () => {
    const config = parseAuthConfig({
      ...BASE, TENANT_CLAIM: 'org_id', DEFAULT_TENANT: 'public', JWT_ALGORITHMS: 'ES256, RS256 ,', JWT_CLOCK_TOLERANCE_S: '5',
    });
    expect(config).toMatchObject({ tenantClaim: 'org_id', defaultTenant: 'public', algorithms: ['ES256', 'RS256'], clockToleranceSeconds: 5 });
  });

  it('accepts an inline JWKS instead of a URL', () => {
    const { JWKS_URL: _, ...vars } = BASE;
    expect(parseAuthConfig({ ...vars, JWKS_INLINE: JWKS })).toMatchObject({ jwksInline: JWKS });
  });

  it('names JWT_ISSUER when it is missing or blank', () => {
    expect(() => parseAuthConfig({ ...BASE, JWT_ISSUER: undefined })).toThrow('JWT_ISSUER is required');
    expect(() => parseAuthConfig({ ...BASE, JWT_ISSUER: '  ' })).toThrow('JWT_ISSUER is required');
  });

  it('names JWT_AUDIENCE when it is missing', () => {
    expect(() => parseAuthConfig({ ...BASE, JWT_AUDIENCE: undefined })).toThrow('JWT_AUDIENCE is required');
  });

  it('rejects both JWKS_URL and JWKS_INLINE at once', () => {
    expect(() => parseAuthConfig({ ...BASE, JWKS_INLINE: JWKS })).toThrow('JWKS_URL and JWKS_INLINE are exclusive: set exactly one');
  });

  it('rejects a config with neither JWKS_URL nor JWKS_INLINE', () => {
    expect(() => parseAuthConfig({ ...BASE, JWKS_URL: undefined })).toThrow('JWKS_URL or JWKS_INLINE is required: set exactly one');
  });

  it('rejects HS256 in JWT_ALGORITHMS, naming it', () => {
    expect(() => parseAuthConfig({ ...BASE, JWT_ALGORITHMS: 'ES256,HS256' }))
      .toThrow('JWT_ALGORITHMS must not contain HS256: only asymmetric algorithms are accepted');
  });

  it('rejects none in JWT_ALGORITHMS, naming it', () => {
    expect(() => parseAuthConfig({ ...BASE, JWT_ALGORITHMS: 'none' }))
      .toThrow('JWT_ALGORITHMS must not contain none: only asymmetric algorithms are accepted');
  });

  it('rejects an unknown algorithm and an empty list', () => {
    expect(() => parseAuthConfig({ ...BASE, JWT_ALGORITHMS: 'ES999' })).toThrow(/JWT_ALGORITHMS contains unsupported algorithm ES999/);
    expect(() => parseAuthConfig({ ...BASE, JWT_ALGORITHMS: ' , ' })).toThrow('JWT_ALGORITHMS must list at least one algorithm');
  });

  it('rejects a JWKS_URL that is not https unless it points at localhost', () => {
    expect(() => parseAuthConfig({ ...BASE, JWKS_URL: 'http://id.example.com/jwks.json' }))
      .toThrow('JWKS_URL must use https (http is allowed only for localhost)');
    expect(() => parseAuthConfig({ ...BASE, JWKS_URL: 'not a url' })).toThrow('JWKS_URL must be an absolute URL');
    expect(parseAuthConfig({ ...BASE, JWKS_URL: 'http://127.0.0.1:8788/jwks' }).jwksUrl).toBe('http://127.0.0.1:8788/jwks');
  });

  it('rejects a JWKS_INLINE that is not a JWKS', () => {
    const { JWKS_URL: _, ...vars } = BASE;
    expect(() => parseAuthConfig({ ...vars, JWKS_INLINE: '{nope' })).toThrow('JWKS_INLINE must be a JSON Web Key Set (invalid JSON)');
    expect(() => parseAuthConfig({ ...vars, JWKS_INLINE: '{"keys":[]}' })).toThrow(/JWKS_INLINE must be a JSON Web Key Set with a non-empty "keys" array/);
  });

  it('rejects a clock tolerance that is negative, fractional or over 300 s', () => {
    for (const value of ['-1', '1.5', '301', 'soon']) {
      expect(() => parseAuthConfig({ ...BASE, JWT_CLOCK_TOLERANCE_S: value })).toThrow('JWT_CLOCK_TOLERANCE_S must be an integer from 0 to 300');
    }
  });
});
