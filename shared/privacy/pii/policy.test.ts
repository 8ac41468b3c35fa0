/** @module shared/privacy/pii/policy.test Tenant PII policies. */
import { describe, expect, it } from 'vitest';
import { actionFor, parsePiiPolicy } from './policy';

describe('actionFor', () => {
  it('uses the type, then the default, then pseudonymize', () => {
    expect(actionFor({ URL: 'allow', default: 'redact' }, 'URL')).toBe('allow');
    expect(actionFor({ URL: 'allow', default: 'redact' }, 'PERSON')).toBe('redact');
    expect(actionFor(undefined, 'PERSON')).toBe('pseudonymize');
  });
});

describe('parsePiiPolicy', () => {
  it('parses a valid policy', () => {
    expect(parsePiiPolicy('{"URL":"allow","default":"redact"}')).toEqual({ URL: 'allow', default: 'redact' });
  });

  it('names the problem: bad JSON, an unknown type, an unknown action', () => {
    expect(() => parsePiiPolicy('{')).toThrow('policy is not valid JSON');
    expect(() => parsePiiPolicy('{"EMAIL":"redact"}')).toThrow('policy: unknown entity type "EMAIL"');
    expect(() => parsePiiPolicy('{"URL":"hide"}')).toThrow('policy: "URL" must be pseudonymize, redact or allow');
    expect(() => parsePiiPolicy('[]')).toThrow('policy: must be a JSON object');
  });
});
