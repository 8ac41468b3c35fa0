/** @module generation/sampling-params.test Defaults and field-naming errors of the sampling params parser. */
import { describe, expect, it } from 'vitest';
import { parseSamplingParams } from './sampling-params';

describe('parseSamplingParams', () => {
  it('fills in every default when given nothing', () => {
    const expected = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, maxNewTokens: 128, stop: [] };
    expect(parseSamplingParams(undefined)).toEqual(expected);
    expect(parseSamplingParams({})).toEqual(expected);
  });

  it('keeps valid values, including the edges of each range', () => {
    const params = parseSamplingParams({
      temperature: 0,
      topK: 40,
      topP: 1,
      repetitionPenalty: 0.5,
      maxNewTokens: 4096,
      stop: ['###', 'x'.repeat(64)],
      seed: -7,
    });
    expect(params).toEqual({
      temperature: 0,
      topK: 40,
      topP: 1,
      repetitionPenalty: 0.5,
      maxNewTokens: 4096,
      stop: ['###', 'x'.repeat(64)],
      seed: -7,
    });
    expect(parseSamplingParams({ maxNewTokens: 1, topP: 0.001 }).maxNewTokens).toBe(1);
  });

  it.each([
    [{ temperature: -0.1 }, 'temperature must be >= 0'],
    [{ temperature: 'hot' }, 'temperature must be a finite number'],
    [{ temperature: Number.POSITIVE_INFINITY }, 'temperature must be a finite number'],
    [{ temperature: Number.NaN }, 'temperature must be a finite number'],
    [{ topK: -1 }, 'topK must be >= 0'],
    [{ topK: 2.5 }, 'topK must be an integer'],
    [{ topP: 0 }, 'topP must be > 0'],
    [{ topP: 1.01 }, 'topP must be <= 1'],
    [{ repetitionPenalty: 0 }, 'repetitionPenalty must be > 0'],
    [{ repetitionPenalty: -1 }, 'repetitionPenalty must be > 0'],
    [{ maxNewTokens: 0 }, 'maxNewTokens must be >= 1'],
    [{ maxNewTokens: 4097 }, 'maxNewTokens must be <= 4096'],
    [{ maxNewTokens: 10.5 }, 'maxNewTokens must be an integer'],
    [{ stop: 'END' }, 'stop must be an array of strings'],
    [{ stop: Array.from({ length: 9 }, (_, i) => `s${i}`) }, 'stop must have at most 8 strings'],
    [{ stop: [''] }, 'stop strings must be at least 1 character'],
    [{ stop: ['y'.repeat(65)] }, 'stop strings must be at most 64 characters'],
    [{ stop: [3] }, 'stop strings must be strings'],
    [{ seed: 1.5 }, 'seed must be a safe integer'],
    [{ seed: 2 ** 60 }, 'seed must be a safe integer'],
    [{ seed: '42' }, 'seed must be a finite number'],
  ])('rejects %j with an error naming the field', (input, message) => {
    expect(() => parseSamplingParams(input)).toThrow(message);
  });

  it('rejects unknown keys, naming them', () => {
    expect(() => parseSamplingParams({ top_p: 0.9 })).toThrow(/top_p/);
  });

  it('rejects a non-object', () => {
    expect(() => parseSamplingParams(null)).toThrow('sampling params must be an object');
    expect(() => parseSamplingParams(5)).toThrow('sampling params must be an object');
  });

  it('names every offending field when several are wrong', () => {
    expect(() => parseSamplingParams({ temperature: -1, topP: 2 })).toThrow(
      'invalid sampling params: temperature must be >= 0; topP must be <= 1',
    );
  });
});
