/**
 * @module gpu-worker/worker/retention-sweep
 * The worker-side half of data retention: on an interval, removes finished `generate` jobs older
 * than the retention period from Redis (BullMQ's `Queue.clean`). Finished jobs normally leave much
 * sooner (removeOnComplete: 1 day, removeOnFail: 7 days, set at enqueue); the sweep is the bound
 * that holds even if those settings are raised. Only one worker's sweep does work at a time: a
 * Redis lock (SET NX PX) makes the others skip that round.
 */
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { GENERATE_QUEUE, QUEUE_PREFIX } from '../../../shared/jobs/generate-job';
import type { Logger } from '../runtime/logger';

/** Options of {@link startRetentionSweep}. */
export interface RetentionSweepOptions {
  /** Jobs finished longer ago than this are removed, in milliseconds. */
  retentionMs: number;
  /** Milliseconds between sweeps. @default 3_600_000 */
  intervalMs?: number;
  logger: Logger;
}

const LOCK_KEY = 'attune:{workers}:retention-sweep-lock';

/** Runs one sweep; returns how many jobs were removed (0 when another worker holds the lock). */
export async function sweepFinishedJobs(redis: Redis, retentionMs: number, lockMs = 60_000): Promise<number> {
  if ((await redis.set(LOCK_KEY, '1', 'PX', lockMs, 'NX')) !== 'OK') return 0;
  const queue = new Queue(GENERATE_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  try {
    let removed = 0;
    for (const state of ['completed', 'failed'] as const) {
      for (;;) {
        const ids = await queue.clean(retentionMs, 1000, state);
        removed += ids.length;
        if (ids.length < 1000) break;
      }
    }
    return removed;
  } finally {
    await queue.close().catch(() => {});
    await redis.del(LOCK_KEY).catch(() => {});
  }
}

/** Starts sweeping on an interval; `stop()` ends it. */
export function startRetentionSweep(redis: Redis, options: RetentionSweepOptions): { stop(): void } {
  const run = () =>
    sweepFinishedJobs(redis, options.retentionMs)
      .then((removed) => removed && options.logger.info('retention sweep removed finished jobs', { removed }))
      .catch((error: Error) => options.logger.warn('retention sweep failed', { error: error.message }));
  const timer = setInterval(run, options.intervalMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
