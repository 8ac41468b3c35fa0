/** @module shared/privacy/pii/normalize.test The matching view of a text and its way back to original offsets. */
import { describe, expect, it } from 'vitest';
import { normalizeForMatching } from './normalize';

describe('normalizeForMatching', () => {
  it('returns plain text unchanged, without a shift', () => {
    const n = normalizeForMatching('plain ASCII text, é and 中文 too');
    expect(n.text).toBe('plain ASCII text, é and 中文 too');
    expect(n.shifted).toBe(false);
    expect(n.toOriginal(3, 8)).toEqual([3, 8]);
  });

  it('removes zero-width and bidi characters and maps spans back over them', () => {
    const input = 'x j\u200Bane@exa\u202Emple\u2066.com y';
    const n = normalizeForMatching(input);
    expect(n.text).toBe('x jane@example.com y');
    const start = n.text.indexOf('jane');
    const [s, e] = n.toOriginal(start, start + 'jane@example.com'.length);
    expect(input.slice(s, e)).toBe('j\u200Bane@exa\u202Emple\u2066.com');
  });

  it('keeps invisible characters just outside a span out of it', () => {
    const input = '\u200B\u200Bab\u200Bc\u200B\u200Bd';
    const n = normalizeForMatching(input);
    expect(n.text).toBe('abcd');
    expect(n.toOriginal(0, 3)).toEqual([2, 6]);
    expect(input.slice(...n.toOriginal(3, 4))).toBe('d');
  });

  it('folds fullwidth characters, typographic spaces and hyphen-like dashes without changing the length', () => {
    const input = '４１１１\u00A0１１１１\u2011ｊａｎｅ＠ｅｘ．ｃｏｍ\u2013x';
    const n = normalizeForMatching(input);
    expect(n.text).toBe('4111 1111-jane@ex.com-x');
    expect(n.text.length).toBe(input.length);
    expect(n.shifted).toBe(false);
  });

  it('leaves superscripts alone so that 10² does not read as 102', () => {
    expect(normalizeForMatching('10² m²').text).toBe('10² m²');
  });

  it('replaces lone surrogates by U+FFFD and keeps surrogate pairs', () => {
    const n = normalizeForMatching('a\uD800b\uDC00c😀d');
    expect(n.text).toBe('a\uFFFDb\uFFFDc😀d');
    expect(n.text.length).toBe('a\uD800b\uDC00c😀d'.length);
  });
});
