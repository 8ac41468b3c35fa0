/** @module edge/state/personalization-store.test The serializer that keeps concurrent read-modify-write steps from losing updates. */
import { describe, expect, it } from 'vitest';
import { createSerializer } from './personalization-store';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('createSerializer', () => {
  it('runs overlapping read-modify-write steps one at a time, so no update is lost', async () => {
    const serialized = createSerializer();
    let stored = 0;
    const increment = async () => {
      const read = stored;
      await tick(); // stands in for WebCrypto between reading and writing
      stored = read + 1;
      return stored;
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => serialized(increment)));
    expect(stored).toBe(20);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('passes a failure to its caller and goes on with the next step', async () => {
    const serialized = createSerializer();
    const failing = serialized(async () => {
      throw new Error('boom');
    });
    const next = serialized(async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
