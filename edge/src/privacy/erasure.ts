/**
 * @module edge/privacy/erasure
 * `DELETE /v1/me`: deletes the user's Redis data (BullMQ jobs, token streams, per-user keys), then
 * crypto-shreds their data key and deletes their Durable Object data, then their KV entries.
 * Returns a receipt. (SCAN walks one node: on Redis Cluster, run it per primary.)
 */
import { Queue } from 'bullmq';
import type { Context } from 'hono';
import { GENERATE_QUEUE, QUEUE_PREFIX, redisKeys } from '../../../shared/jobs/generate-job';
import type { AppEnv } from '../env';
import { withRedis } from '../queue/redis-connection';
import { userStateStub } from '../state/user-state';

/** What the user gets back. */
export interface ErasureReceipt {
  receipt_id: string;
  erased_at: string;
  removed: { durable_object: Record<string, number>; redis_jobs: number; redis_keys: number; kv_keys: number };
}

/** Redis keys holding per-user data outside BullMQ (adapters and the like), by the user's hash tag. */
export const userRedisPattern = (owner: string) => `attune:{user:${owner}}:*`;

export async function eraseUser(c: Context<AppEnv>): Promise<ErasureReceipt> {
  const owner = c.get('ownerKey');
  const state = userStateStub(c.env, owner);
  // Redis first: if it is down the request fails with 503 before anything is erased, and a retry
  // still knows the user's job ids. Every key is deleted on its own (cluster-safe: one slot each).
  const jobIds = await state.listJobIds(owner);
  const { jobs, keys } = await withRedis(
    c.env.REDIS_URL,
    async (redis) => {
      const queue = new Queue(GENERATE_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
      let jobCount = 0;
      try {
        for (const jobId of jobIds) jobCount += (await queue.remove(jobId).catch(() => 0)) ? 1 : 0;
      } finally {
        await queue.close().catch(() => {});
      }
      let keyCount = 0;
      for (const id of jobIds) keyCount += await redis.del(redisKeys.tokenStream(id));
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', userRedisPattern(owner), 'COUNT', 500);
        cursor = next;
        for (const key of found) keyCount += await redis.del(key);
      } while (cursor !== '0');
      return { jobs: jobCount, keys: keyCount };
    },
    10_000,
  );
  const result = await state.erase(owner);
  const kvKeys = [`budget:${owner}`, `profile:${owner}`, `users:${owner}`];
  await Promise.all(kvKeys.map((k) => c.env.ATTUNE_KV.delete(k)));
  return {
    receipt_id: `erasure_${crypto.randomUUID().replaceAll('-', '')}`,
    erased_at: result.erased_at,
    removed: { durable_object: result.counts, redis_jobs: jobs, redis_keys: keys, kv_keys: kvKeys.length },
  };
}
