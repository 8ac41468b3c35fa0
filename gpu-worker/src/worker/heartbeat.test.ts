/**
 * @module gpu-worker/worker/heartbeat tests (real Redis on 127.0.0.1:6379, DB 11, own members only):
 * beats land in the shared sorted set, old beats are trimmed, and stopping removes the entry.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../../shared/jobs/generate-job';
import { HEARTBEAT_RETENTION_MS, startHeartbeat } from './heartbeat';

const KEY = redisKeys.workerHeartbeats;
let redis: Redis;

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379/11');
});
afterAll(async () => {
  await redis.quit();
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startHeartbeat', () => {
  it('writes the current time for the worker at once and again every interval', async () => {
    const workerId = `hb-${randomUUID()}`;
    const heartbeat = startHeartbeat(redis, { workerId, intervalMs: 100 });
    try {
      await heartbeat.ready;
      const first = Number(await redis.zscore(KEY, workerId));
      expect(Math.abs(Date.now() - first)).toBeLessThan(1000);
      await waitFor(async () => Number(await redis.zscore(KEY, workerId)) > first, 2000);
    } finally {
      await heartbeat.stop();
    }
  });

  it('trims beats older than ten minutes and keeps younger ones', async () => {
    const now = 1_900_000_000_000;
    const stale = `hb-stale-${randomUUID()}`;
    const young = `hb-young-${randomUUID()}`;
    const workerId = `hb-${randomUUID()}`;
    await redis.zadd(KEY, now - HEARTBEAT_RETENTION_MS - 1, stale, now - HEARTBEAT_RETENTION_MS + 60_000, young);
    const heartbeat = startHeartbeat(redis, { workerId, intervalMs: 60_000, now: () => now });
    try {
      await heartbeat.ready;
      expect(await redis.zscore(KEY, stale)).toBeNull();
      expect(await redis.zscore(KEY, young)).not.toBeNull();
      expect(Number(await redis.zscore(KEY, workerId))).toBe(now);
    } finally {
      await heartbeat.stop();
      await redis.zrem(KEY, young);
    }
  });

  it('removes its own entry on stop and leaves other workers alone', async () => {
    const workerId = `hb-${randomUUID()}`;
    const other = `hb-other-${randomUUID()}`;
    await redis.zadd(KEY, Date.now(), other);
    const heartbeat = startHeartbeat(redis, { workerId, intervalMs: 100 });
    await heartbeat.ready;
    await heartbeat.stop();
    expect(await redis.zscore(KEY, workerId)).toBeNull();
    expect(await redis.zscore(KEY, other)).not.toBeNull();
    await redis.zrem(KEY, other);
  });
});
