/** @module shared/privacy/pii/recognizers/secret-tokens.test Vendor tokens, JWTs, bearer tokens and PEM keys. */
import { describe, expect, it } from 'vitest';
import { secretTokenRecognizer } from './secret-tokens';

function found(text: string): string[] {
  return secretTokenRecognizer.analyze(text, { defaultCountry: 'US', limit: 1000, onLimit() {} }).map((c) => text.slice(c.start, c.end));
}

describe('secretTokenRecognizer', () => {
  it('finds AWS, GitHub, GitLab, Slack, Stripe and Google keys', () => {
    const tokens = [
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_4fT9kLm2Qx8Zr7Vb1Nc6Hd3Jw0Ps5Ye2Ua9Io',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv',
      'glpat-Zx81MnQp4LkRt7Yv2WsB',
      'xoxb-2048193847-5829384756-Zk3mR8tQvL9pX2wN',
      'sk_live_51HxQ2bK9vLmN3pR7tY8uW0zX',
      'rk_live_51HxQ2bK9vLmN3pR7tY8uW0zX',
      'AIzaSyD3x8Kp2LmQ9vRt7Wn4Yb6Zc1Hf5Jg0aEs',
    ];
    expect(found(tokens.join(' and '))).toEqual(tokens);
  });

  it('finds JWTs and bearer tokens', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    expect(found(`token ${jwt}`)).toEqual([jwt]);
    expect(found('Authorization: Bearer abcdef0123456789ABCDEF==')).toEqual(['abcdef0123456789ABCDEF==']);
  });

  it('takes a PEM private key block from BEGIN to END', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1x9Tz3kVqPbL0rHk2mNfYb8sWj4c\nQeXuA7vGdR5nKp2LmT9o\n-----END RSA PRIVATE KEY-----';
    expect(found(`key:\n${pem}\nthanks`)).toEqual([pem]);
  });

  it('takes a truncated PEM block to the end of its base64 body', () => {
    expect(found('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nwhy?')).toEqual(['-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nwhy']);
  });

  it('ignores public keys, hashes, UUIDs and the bare JWT prefix', () => {
    const text = '-----BEGIN PUBLIC KEY----- 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b 550e8400-e29b-41d4-a716-446655440000 eyJ AKIA123';
    expect(found(text)).toEqual([]);
  });
});
