/**
 * @module gpu-worker/worker/token-stream tests (real Redis on 127.0.0.1:6379, DB 11, own keys only):
 * entry format and order, batching of one event-loop turn, and the TTL.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, TOKEN_STREAM_TTL_S } from '../../../shared/jobs/generate-job';
import { TokenStreamWriter } from './token-stream';

let redis: Redis;

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379/11');
});
afterAll(async () => {
  await redis.quit();
});

async function entries(key: string): Promise<Record<string, string>[]> {
  const raw = await redis.xrange(key, '-', '+');
  return raw.map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])));
}

describe('TokenStreamWriter', () => {
  it('sends the deltas of one event-loop turn as one token entry and ends with done', async () => {
    const key = redisKeys.tokenStream(`test-${randomUUID()}`);
    const writer = new TokenStreamWriter(redis, key);
    writer.token('Hel');
    writer.token('lo');
    writer.token('');
    await new Promise((r) => setTimeout(r, 10));
    writer.token(', world');
    expect(await writer.done('length', { prompt_tokens: 4, completion_tokens: 3 }, 'tiny')).toBeNull();
    expect(await entries(key)).toEqual([
      { type: 'token', text: 'Hello' },
      { type: 'token', text: ', world' },
      { type: 'done', finish_reason: 'length', usage: '{"prompt_tokens":4,"completion_tokens":3}', model: 'tiny' },
    ]);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(TOKEN_STREAM_TTL_S - 5);
    expect(ttl).toBeLessThanOrEqual(TOKEN_STREAM_TTL_S);
    await redis.del(key);
  });

  it('writes reset before a retry and error at the end of a failure', async () => {
    const key = redisKeys.tokenStream(`test-${randomUUID()}`);
    const writer = new TokenStreamWriter(redis, key, 30);
    writer.reset(2);
    writer.token('par');
    expect(await writer.error('job timed out')).toBeNull();
    expect(await entries(key)).toEqual([
      { type: 'reset', attempt: '2' },
      { type: 'token', text: 'par' },
      { type: 'error', message: 'job timed out' },
    ]);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(30);
    await redis.del(key);
  });
});
