/** @module shared/privacy/pii/recognizers/url-credentials.test Passwords inside URLs. */
import { describe, expect, it } from 'vitest';
import { urlCredentialsRecognizer } from './url-credentials';

function found(text: string): string[] {
  return urlCredentialsRecognizer.analyze(text, { defaultCountry: 'US', limit: 1000, onLimit() {} }).map((c) => text.slice(c.start, c.end));
}

describe('urlCredentialsRecognizer', () => {
  it('reports the whole URL when it carries user:password', () => {
    expect(found('DSN postgres://app:Xk92!mqL@db.internal:5432/orders, and https://deploy:tok3n@git.example.com/x.git.')).toEqual([
      'postgres://app:Xk92!mqL@db.internal:5432/orders',
      'https://deploy:tok3n@git.example.com/x.git',
    ]);
  });

  it('handles JDBC URLs', () => {
    expect(found('jdbc:mysql://root:toor@10.1.2.3:3306/shop')).toEqual(['jdbc:mysql://root:toor@10.1.2.3:3306/shop']);
  });

  it('ignores URLs without a password and templated passwords', () => {
    expect(found('redis://localhost:6379/0, https://user@host.example, postgres://u:${PGPASSWORD}@db/x, mysql://u:****@db/x')).toEqual([]);
  });
});
