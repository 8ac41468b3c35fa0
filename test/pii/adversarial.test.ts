/**
 * @module test/pii/adversarial tests: the PII analyzer on hostile and huge inputs finishes in
 * bounded time — 10 MB of text, long runs of one character, `a@` repeated 100,000 times, lone
 * surrogates, invisible characters inside PII — timing every recognizer separately. The bounds
 * are generous (CI machines vary) but far below what a super-linear regex would need. The
 * measured table is printed at the end (figures in docs/pii.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, analyzeReport } from '../../shared/privacy/pii/analyzer';
import { pseudonymize } from '../../shared/privacy/pii/pseudonymize';
import { DEFAULT_RECOGNIZERS } from '../../shared/privacy/pii/recognizers/index';

const timings: string[] = [];

function time<T>(label: string, run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  const ms = performance.now() - started;
  timings.push(`${label.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms`);
  return { value, ms };
}

const HOSTILE: Record<string, string> = {
  '"a@" × 100,000': 'a@'.repeat(100_000),
  '1,000,000 digits': '7'.repeat(1_000_000),
  '1,000,000 dots': '.'.repeat(1_000_000),
  '1,000,000 dashes': '-'.repeat(1_000_000),
  '"1-" × 500,000': '1-'.repeat(500_000),
  '"12 " × 333,333': '12 '.repeat(333_333),
  '"a:" × 500,000': 'a:'.repeat(500_000),
  '"1.2." × 250,000': '1.2.'.repeat(250_000),
  '"http://" × 142,857': 'http://'.repeat(142_857),
  '"eyJ." × 250,000': 'eyJ.'.repeat(250_000),
  '"password=" × 111,111': 'password='.repeat(111_111),
  '"Regards,\\n" × 111,111': 'Regards,\n'.repeat(111_111),
  'lone surrogates × 1,000,000': '\uD800'.repeat(500_000) + '\uDC00x'.repeat(250_000),
  'zero-width × 1,000,000': '\u200B'.repeat(1_000_000),
  '"Aa" × 500,000': 'Aa'.repeat(500_000),
  '"1 Aa " × 200,000': '1 Aa '.repeat(200_000),
  '"Dear Aa " × 125,000': 'Dear Aa '.repeat(125_000),
  '63 × "x" then "@", × 15,000': `${'x'.repeat(63)}@`.repeat(15_000),
};

describe('each recognizer on hostile input', () => {
  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`finishes ${name} well under a second per recognizer`, () => {
      for (const recognizer of DEFAULT_RECOGNIZERS) {
        const { ms } = time(`${recognizer.name} on ${name}`, () => recognizer.analyze(text, { defaultCountry: 'US', limit: 20_000, onLimit() {} }));
        expect(ms, recognizer.name).toBeLessThan(1500);
      }
      const { ms } = time(`analyze on ${name}`, () => analyzeReport(text));
      expect(ms).toBeLessThan(4000);
    });
  }

  it('stops the phone recognizer at its validation budget on a flood of phone-like numbers, and says so', () => {
    const { value, ms } = time('analyze on "1234567," × 200,000', () => analyzeReport('1234567,'.repeat(200_000)));
    expect(value.truncated).toBe(true);
    expect(value.stoppedEarly).toContain('PhoneRecognizer');
    expect(ms).toBeLessThan(6000);
  });
});

describe('analyze on 10 MB', () => {
  const examples = readFileSync(join(import.meta.dirname, '../fixtures/pii/labelled.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { text: string }).text);

  it('handles 10 MB of prose with PII every few kilobytes in under 15 s, without hitting a cap', () => {
    const filler = 'The quarterly review covered budgets, hiring plans and the roadmap for the next release. Several teams reported progress on testing, documentation and onboarding. ';
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 10_000_000; i++) {
      const part = i % 12 === 0 ? `${examples[(i / 12) % examples.length]}\n` : filler;
      parts.push(part);
      size += part.length;
    }
    const text = parts.join('');
    const { value, ms } = time('analyze on 10 MB of prose with PII', () => analyzeReport(text));
    expect(ms).toBeLessThan(15_000);
    expect(value.truncated).toBe(false);
    expect(value.entities.length).toBeGreaterThan(1000);
    const { ms: pms } = time('pseudonymize those entities', () => pseudonymize(text, value.entities));
    expect(pms).toBeLessThan(2000);
  });

  it('handles 10 MB made only of PII-laden examples in under 15 s, capping at 10,000 entities and saying so', () => {
    let text = examples.join('\n');
    while (text.length < 10_000_000) text += `\n${text}`;
    text = text.slice(0, 10_000_000);
    const { value, ms } = time('analyze on 10 MB of dense PII', () => analyzeReport(text));
    expect(ms).toBeLessThan(15_000);
    expect(value.entities).toHaveLength(10_000);
    expect(value.truncated).toBe(true);
  });
});

describe('evasion with invisible characters', () => {
  it('still finds an e-mail address and a card number with zero-width and RTL characters inside', () => {
    const text = 'write to j\u200Do\u200Ch\u200Bn@exa\u2060mple\uFEFF.com or pay with 4111\u202E1111\u2066 1111\u200F1111';
    const found = analyze(text).map((e) => [e.type, text.slice(e.start, e.end)]);
    expect(found).toEqual([
      ['EMAIL_ADDRESS', 'j\u200Do\u200Ch\u200Bn@exa\u2060mple\uFEFF.com'],
      ['CREDIT_CARD', '4111\u202E1111\u2066 1111\u200F1111'],
    ]);
    const { text: safe } = pseudonymize(text, analyze(text));
    expect(safe).toBe('write to <EMAIL_ADDRESS_1> or pay with <CREDIT_CARD_1>');
  });

  it('finds a phone number in fullwidth digits', () => {
    const text = 'call ＋４４ ２０ ７９４６ ０９５８';
    expect(analyze(text).map((e) => [e.type, text.slice(e.start, e.end)])).toEqual([['PHONE_NUMBER', '＋４４ ２０ ７９４６ ０９５８']]);
  });
});

afterAll(() => {
  process.stdout.write(`\nPII analyzer timings (${new Date().toISOString().slice(0, 10)}):\n${timings.join('\n')}\n`);
});
