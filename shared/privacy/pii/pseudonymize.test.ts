/** @module shared/privacy/pii/pseudonymize.test Placeholders, the vault, restoring, and the tenant policy. */
import { describe, expect, it } from 'vitest';
import { analyze } from './analyzer';
import { pseudonymize, restore } from './pseudonymize';
import type { PiiEntity } from './types';

const span = (text: string, type: PiiEntity['type'], value: string, from = 0): PiiEntity => {
  const start = text.indexOf(value, from);
  return { type, start, end: start + value.length, score: 1 };
};

describe('pseudonymize', () => {
  it('numbers placeholders per type in order of appearance', () => {
    const text = 'Ana, Bo and Cy wrote to a@x.com and b@x.com';
    const entities = [span(text, 'PERSON', 'Ana'), span(text, 'PERSON', 'Bo'), span(text, 'PERSON', 'Cy'), span(text, 'EMAIL_ADDRESS', 'a@x.com'), span(text, 'EMAIL_ADDRESS', 'b@x.com')];
    const { text: safe, vault } = pseudonymize(text, entities);
    expect(safe).toBe('<PERSON_1>, <PERSON_2> and <PERSON_3> wrote to <EMAIL_ADDRESS_1> and <EMAIL_ADDRESS_2>');
    expect(vault).toEqual({ '<PERSON_1>': 'Ana', '<PERSON_2>': 'Bo', '<PERSON_3>': 'Cy', '<EMAIL_ADDRESS_1>': 'a@x.com', '<EMAIL_ADDRESS_2>': 'b@x.com' });
  });

  it('gives the same value of the same type the same placeholder', () => {
    const text = 'Jane Doe met Tom; later Jane Doe called.';
    const entities = [span(text, 'PERSON', 'Jane Doe'), span(text, 'PERSON', 'Tom'), span(text, 'PERSON', 'Jane Doe', 20)];
    const { text: safe, vault } = pseudonymize(text, entities);
    expect(safe).toBe('<PERSON_1> met <PERSON_2>; later <PERSON_1> called.');
    expect(Object.keys(vault)).toHaveLength(2);
  });

  it('round-trips through restore', () => {
    const text = 'Hi, I am Jane Doe, mail jane@example.com or call +44 20 7946 0958. Jane Doe.';
    const { text: safe, vault } = pseudonymize(text, analyze(text));
    expect(safe).not.toContain('jane@example.com');
    expect(restore(safe, vault)).toBe(text);
  });

  it('skips numbers whose placeholder already occurs in the input', () => {
    const text = 'The template says <PERSON_1> and <PERSON_2>; my name is Jane Doe.';
    const { text: safe, vault } = pseudonymize(text, [span(text, 'PERSON', 'Jane Doe')]);
    expect(safe).toBe('The template says <PERSON_1> and <PERSON_2>; my name is <PERSON_3>.');
    expect(vault).toEqual({ '<PERSON_3>': 'Jane Doe' });
    expect(restore(safe, vault)).toBe(text);
  });

  it('redacts without a vault entry and leaves allowed types untouched', () => {
    const text = 'Jane Doe, jane@example.com, https://x.example';
    const entities = [span(text, 'PERSON', 'Jane Doe'), span(text, 'EMAIL_ADDRESS', 'jane@example.com'), span(text, 'URL', 'https://x.example')];
    const { text: safe, vault } = pseudonymize(text, entities, { EMAIL_ADDRESS: 'redact', URL: 'allow' });
    expect(safe).toBe('<PERSON_1>, <EMAIL_ADDRESS>, https://x.example');
    expect(vault).toEqual({ '<PERSON_1>': 'Jane Doe' });
  });

  it('applies the policy default to types it does not name', () => {
    const text = 'Jane Doe, jane@example.com';
    const entities = [span(text, 'PERSON', 'Jane Doe'), span(text, 'EMAIL_ADDRESS', 'jane@example.com')];
    expect(pseudonymize(text, entities, { default: 'redact', PERSON: 'pseudonymize' }).text).toBe('<PERSON_1>, <EMAIL_ADDRESS>');
  });

  it('refuses overlapping or out-of-range entities instead of leaking one', () => {
    const text = 'Jane Doe';
    expect(() => pseudonymize(text, [span(text, 'PERSON', 'Jane Doe'), span(text, 'PERSON', 'Doe')])).toThrow('entities overlap at 5');
    expect(() => pseudonymize(text, [{ type: 'PERSON', start: 0, end: 99, score: 1 }])).toThrow(RangeError);
  });
});

describe('restore', () => {
  const vault = { '<PERSON_1>': 'Jane', '<EMAIL_ADDRESS_1>': 'jane@example.com' };

  it('replaces exact placeholders only and leaves mangled ones as the model wrote them', () => {
    expect(restore('Dear <PERSON_1>, <PERSON 1>, <person_1>, <PERSON_1, PERSON_1>, <PERSON_2>', vault)).toBe(
      'Dear Jane, <PERSON 1>, <person_1>, <PERSON_1, PERSON_1>, <PERSON_2>',
    );
  });

  it('does not expand placeholder-like text inside restored values', () => {
    expect(restore('<PERSON_1>', { '<PERSON_1>': '<EMAIL_ADDRESS_1>', '<EMAIL_ADDRESS_1>': 'x' })).toBe('<EMAIL_ADDRESS_1>');
  });

  it('ignores inherited object keys', () => {
    expect(restore('<CONSTRUCTOR_1> <__PROTO___1>', {})).toBe('<CONSTRUCTOR_1> <__PROTO___1>');
  });
});
