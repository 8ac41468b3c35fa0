/** @module generation/stop-strings.test Stop strings split across tokens are caught and never emitted. */
import { describe, expect, it } from 'vitest';
import { StopStringMatcher } from './stop-strings';

/** Feeds `pieces` in order and returns everything emitted (including the final flush) and the stop flag. */
function stream(stops: string[], pieces: string[]): { text: string; stopped: boolean; emits: string[] } {
  const matcher = new StopStringMatcher(stops);
  const emits: string[] = [];
  let stopped = false;
  for (const piece of pieces) {
    const result = matcher.push(piece);
    emits.push(result.emit);
    stopped = result.stopped;
    if (stopped) break;
  }
  const rest = matcher.flush();
  return { text: emits.join('') + rest, stopped, emits };
}

describe('StopStringMatcher', () => {
  it('catches "###" split as "Hel", "lo#", "##": emits "Hello", then stops, never emitting "#"', () => {
    const matcher = new StopStringMatcher(['###']);
    expect(matcher.push('Hel')).toEqual({ emit: 'Hel', stopped: false });
    expect(matcher.push('lo#')).toEqual({ emit: 'lo', stopped: false });
    expect(matcher.push('##')).toEqual({ emit: '', stopped: true });
    expect(matcher.stopped).toBe(true);
    expect(matcher.matched).toBe('###');
    expect(matcher.push('more ###')).toEqual({ emit: '', stopped: true });
    expect(matcher.flush()).toBe('');
  });

  it('emits a partial match that never completes in full, by the next push or by flush', () => {
    const matcher = new StopStringMatcher(['###']);
    expect(matcher.push('a#')).toEqual({ emit: 'a', stopped: false });
    expect(matcher.push('#')).toEqual({ emit: '', stopped: false });
    expect(matcher.push('b')).toEqual({ emit: '##b', stopped: false });
    expect(matcher.push('c##')).toEqual({ emit: 'c', stopped: false });
    expect(matcher.flush()).toBe('##');
    expect(matcher.flush()).toBe('');
    expect(matcher.stopped).toBe(false);
  });

  it('returns the text before a stop string that arrives inside one piece, dropping what follows', () => {
    expect(stream(['</s>'], ['The end.</s>Ignored'])).toEqual({
      text: 'The end.',
      stopped: true,
      emits: ['The end.'],
    });
  });

  it('stops at the earliest of several stop strings', () => {
    const result = stream(['STOP', 'END'], ['a', 'bEN', 'DcSTOP']);
    expect(result.text).toBe('ab');
    expect(result.stopped).toBe(true);
  });

  it('holds back the longest tail that could start any stop string', () => {
    const matcher = new StopStringMatcher(['abc', 'bcd']);
    // "xab": "ab" could start "abc"; "b" alone could start "bcd" — hold the longer.
    expect(matcher.push('xab')).toEqual({ emit: 'x', stopped: false });
    // "abx": no stop string can start in it any more.
    expect(matcher.push('x')).toEqual({ emit: 'abx', stopped: false });
    expect(matcher.push('bc')).toEqual({ emit: '', stopped: false });
    expect(matcher.push('d')).toEqual({ emit: '', stopped: true });
    expect(matcher.matched).toBe('bcd');
  });

  it('handles a stop string whose prefix repeats (overlapping partial matches)', () => {
    // "aab" inside "aaab": the first "a" is not part of the match.
    const result = stream(['aab'], ['a', 'a', 'a', 'b', 'tail']);
    expect(result.text).toBe('a');
    expect(result.stopped).toBe(true);
  });

  it('passes every piece through unchanged when there are no stop strings', () => {
    const result = stream([], ['Hello', ' ', 'world', '###']);
    expect(result.emits).toEqual(['Hello', ' ', 'world', '###']);
    expect(result.text).toBe('Hello world###');
    expect(result.stopped).toBe(false);
  });

  it('loses no text: what it emits plus the flush is the input up to the stop', () => {
    const input = 'one #two ## three #### four';
    for (let size = 1; size <= 5; size++) {
      const pieces = input.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];
      const result = stream(['###'], pieces);
      expect(result.text).toBe('one #two ## three ');
      expect(result.stopped).toBe(true);
      expect(result.emits.join('')).not.toContain('###');
    }
  });

  it('rejects an empty stop string', () => {
    expect(() => new StopStringMatcher(['ok', ''])).toThrow('stop strings must not be empty');
  });
});
