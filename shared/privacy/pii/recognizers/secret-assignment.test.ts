/** @module shared/privacy/pii/recognizers/secret-assignment.test Secret-named assignments and stated passwords. */
import { describe, expect, it } from 'vitest';
import { secretAssignmentRecognizer } from './secret-assignment';

function found(text: string): string[] {
  return secretAssignmentRecognizer.analyze(text, { defaultCountry: 'US', limit: 1000, onLimit() {} }).map((c) => text.slice(c.start, c.end));
}

describe('secretAssignmentRecognizer', () => {
  it('takes the value of .env, YAML, JSON and code assignments, not the name', () => {
    const text = 'DB_PASSWORD=Tr0ub4dor&3\napi_key: "3f9a7c2e1b8d"\n{"client_secret": "Qm9vY2xp"}\ntoken = \'tk_9Xv2Lq8R\'';
    expect(found(text)).toEqual(['Tr0ub4dor&3', '3f9a7c2e1b8d', 'Qm9vY2xp', 'tk_9Xv2Lq8R']);
  });

  it('leaves references, types, templates, calls and placeholders alone', () => {
    const text = [
      'password = os.environ["DB_PASSWORD"]',
      'interface F { password: string }',
      'password: ${DB_PASSWORD}',
      'token = get_token()',
      'api_key = "<your-api-key>"',
      'secret = None',
      'password: ""',
      'max_token: 4096',
      'token = cfg.auth.token',
    ].join('\n');
    expect(found(text)).toEqual([]);
  });

  it('finds passwords stated in prose but not descriptions of a password', () => {
    expect(found('my password is hunter2, the pin is 4821')).toEqual(['hunter2', '4821']);
    expect(found('My password is incorrect. Password is required. The password was reset.')).toEqual([]);
  });

  it('finds curl credentials', () => {
    expect(found('curl -u admin:Pa55w0rd! http://localhost:9200')).toEqual(['admin:Pa55w0rd!']);
  });

  it('finds an assignment that starts inside the value of another', () => {
    expect(found('localStorage: refresh_token: "def50200a1b2c3d4"')).toEqual(['def50200a1b2c3d4']);
  });
});
