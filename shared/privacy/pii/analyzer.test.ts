/** @module shared/privacy/pii/analyzer.test `analyze`: the recognizers together, thresholds, offsets and caps. */
import { describe, expect, it } from 'vitest';
import { analyze, analyzeReport } from './analyzer';
import type { PiiEntity } from './types';

const values = (text: string, entities: readonly PiiEntity[]) => entities.map((e) => [e.type, text.slice(e.start, e.end)]);

describe('analyze', () => {
  it('finds entities of several types, disjoint and sorted by start', () => {
    const text = 'Hi, I am Jane Doe (jane.doe@example.com, +44 20 7946 0958), card 4111 1111 1111 1111, from 203.0.113.42.';
    expect(values(text, analyze(text))).toEqual([
      ['PERSON', 'Jane Doe'],
      ['EMAIL_ADDRESS', 'jane.doe@example.com'],
      ['PHONE_NUMBER', '+44 20 7946 0958'],
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['IP_ADDRESS', '203.0.113.42'],
    ]);
  });

  it('reports a URL with credentials as a SECRET rather than a URL', () => {
    const text = 'clone https://deploy:gh0stR1der99@git.example.com/infra.git now';
    expect(values(text, analyze(text))).toEqual([['SECRET', 'https://deploy:gh0stR1der99@git.example.com/infra.git']]);
  });

  it('applies the threshold', () => {
    const text = 'ref 4155552671';
    expect(analyze(text)).toEqual([]);
    expect(values(text, analyze(text, { threshold: 0.4 }))).toEqual([['PHONE_NUMBER', '4155552671']]);
  });

  it('returns only the requested entity types', () => {
    const text = 'Jane Doe, jane@example.com';
    expect(values(text, analyze(text, { entities: ['EMAIL_ADDRESS'] }))).toEqual([['EMAIL_ADDRESS', 'jane@example.com']]);
  });

  it('uses the default country for national phone numbers', () => {
    const text = 'ring me on 020 7946 0018 please';
    expect(analyze(text)).toEqual([]);
    expect(values(text, analyze(text, { defaultCountry: 'GB' }))).toEqual([['PHONE_NUMBER', '020 7946 0018']]);
  });

  it('still finds an e-mail and a card broken up by zero-width and RTL characters, with offsets into the input', () => {
    const text = 'mail j\u200Bane@exa\u202Emple.com, card 4111\u200B1111\u2067 1111 1111 now';
    const found = analyze(text);
    expect(values(text, found)).toEqual([
      ['EMAIL_ADDRESS', 'j\u200Bane@exa\u202Emple.com'],
      ['CREDIT_CARD', '4111\u200B1111\u2067 1111 1111'],
    ]);
  });

  it('does not crash on lone surrogates and keeps offsets aligned around them', () => {
    const text = '\uD800 jane@example.com \uDFFF\uD83D';
    expect(values(text, analyze(text))).toEqual([['EMAIL_ADDRESS', 'jane@example.com']]);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => analyze('x', { threshold: 2 })).toThrow('threshold must be a number in 0..1, got 2');
    expect(() => analyze('x', { defaultCountry: 'XX' })).toThrow('defaultCountry must be an ISO 3166-1 alpha-2 code with phone metadata, got "XX"');
    expect(() => analyze('x', { maxEntities: 0 })).toThrow('maxEntities must be a positive integer, got 0');
    expect(() => analyze('x', { entities: ['EMAIL' as never] })).toThrow('entities: unknown entity type EMAIL');
  });
});

describe('analyzeReport', () => {
  it('caps the number of entities and says the scan was truncated', () => {
    const text = Array.from({ length: 30 }, (_, i) => `user${i}@example.com`).join(' ');
    const report = analyzeReport(text, { maxEntities: 10 });
    expect(report.entities).toHaveLength(10);
    expect(report.truncated).toBe(true);
    expect(report.stoppedEarly).toContain('EmailRecognizer');
  });

  it('reports a complete scan as not truncated', () => {
    expect(analyzeReport('nothing to see').truncated).toBe(false);
  });
});
