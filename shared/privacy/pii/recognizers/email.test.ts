/** @module shared/privacy/pii/recognizers/email.test The e-mail recognizer: what it finds, what it leaves, and its cost per `@`. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import type { PiiRecognizer } from '../types';
import { emailRecognizer } from './email';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(recognizer: PiiRecognizer, text: string): Array<[string, number]> {
  return reported(recognizer, text);
}

describe('emailRecognizer', () => {
  it('finds addresses with dots, plus tags and subdomains, scoring 1 for a known TLD', () => {
    expect(found(emailRecognizer, 'Mail jane.doe@example.com or J.Smith+news@mail.co.uk.')).toEqual([
      ['jane.doe@example.com', 1],
      ['J.Smith+news@mail.co.uk', 1],
    ]);
  });

  it('scores an address with an unknown alphabetic TLD 0.5', () => {
    expect(found(emailRecognizer, 'ops@build-host.internal')).toEqual([['ops@build-host.internal', 0.5]]);
  });

  it('finds internationalized addresses', () => {
    expect(found(emailRecognizer, 'write to maría.lópez@correo.es or info@müller.de')).toEqual([
      ['maría.lópez@correo.es', 1],
      ['info@müller.de', 1],
    ]);
  });

  it('leaves asset names, package versions, decorators, matrix products and SSH remotes alone', () => {
    const text = 'icon@2x.png pkg@1.13.17 @app.route("/") x = a@b.T git@github.com:acme/app.git @scope/name';
    expect(found(emailRecognizer, text)).toEqual([]);
  });

  it('rejects a local part longer than 64 characters', () => {
    expect(found(emailRecognizer, `${'a'.repeat(65)}@example.com`)).toEqual([]);
    expect(found(emailRecognizer, `${'a'.repeat(64)}@example.com`)).toHaveLength(1);
  });

  it('leaves addresses inside links to the URL recognizers', () => {
    expect(found(emailRecognizer, 'https://x.example/?to=jane@example.com and https://bob:pw@host.example')).toEqual([]);
  });

  it('raises a 0.5 score with a context word', () => {
    expect(found(emailRecognizer, 'my email: ops@build-host.internal')).toEqual([['ops@build-host.internal', 0.85]]);
  });

  it('handles 100,000 repetitions of "a@" in linear time', () => {
    const started = performance.now();
    expect(found(emailRecognizer, 'a@'.repeat(100_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
