/**
 * @module gpu-worker/generation/event-queue tests: items arrive in push order whether pushed before
 * or while the consumer waits; end finishes the iteration and fail rejects the pending read.
 */
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue';

/** Lets pending promise callbacks run. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('EventQueue', () => {
  it('delivers items pushed before and after iteration starts, in order', async () => {
    const queue = new EventQueue<number>();
    queue.push(1);
    queue.push(2);
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const item of queue) seen.push(item);
    })();
    await tick();
    expect(seen).toEqual([1, 2]);
    queue.push(3);
    await tick();
    queue.push(4);
    queue.push(5);
    await tick();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    queue.end();
    await consumer;
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('resolves a waiting read with the next pushed item', async () => {
    const queue = new EventQueue<string>();
    const reader = queue[Symbol.asyncIterator]();
    const pending = reader.next();
    queue.push('a');
    await expect(pending).resolves.toEqual({ value: 'a', done: false });
  });

  it('finishes a waiting read when the queue ends', async () => {
    const queue = new EventQueue<string>();
    const reader = queue[Symbol.asyncIterator]();
    const pending = reader.next();
    queue.end();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    await expect(reader.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('still delivers items pushed before end, then finishes', async () => {
    const queue = new EventQueue<number>();
    queue.push(1);
    queue.push(2);
    queue.end();
    queue.push(3); // ignored after end
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });

  it('rejects the pending read with the error passed to fail', async () => {
    const queue = new EventQueue<number>();
    const reader = queue[Symbol.asyncIterator]();
    const pending = reader.next();
    const error = new Error('model session closed');
    queue.fail(error);
    await expect(pending).rejects.toBe(error);
    // Later reads keep reporting the same failure.
    await expect(reader.next()).rejects.toBe(error);
  });

  it('ends a for-await loop with the failure after the items queued before it', async () => {
    const queue = new EventQueue<number>();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const item of queue) seen.push(item);
    })();
    queue.push(1);
    await tick();
    queue.push(2);
    queue.fail(new Error('engine stopped'));
    await expect(consumer).rejects.toThrow('engine stopped');
    expect(seen).toEqual([1, 2]);
  });

  it('ignores fail after end', async () => {
    const queue = new EventQueue<number>();
    queue.end();
    queue.fail(new Error('late'));
    await expect(queue[Symbol.asyncIterator]().next()).resolves.toEqual({ value: undefined, done: true });
  });
});
