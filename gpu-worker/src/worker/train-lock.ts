/**
 * @module gpu-worker/worker/train-lock
 * The per-user training lock: at most one `train-adapter` job trains a user's adapter at a time,
 * across all workers. `SET <key> <token> NX PX <ttl>` takes it; a compare-and-delete script
 * releases it only while this holder's token is still there (the single-instance lock of the
 * Redis documentation, "Distributed Locks with Redis"). A running job extends it every third of
 * the TTL, so a long job keeps it and a crashed worker's lock expires on its own.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { adapterRedisKeys } from '../../../shared/jobs/train-adapter-job';

/** Default lock lifetime without renewal, in milliseconds. */
export const TRAIN_LOCK_TTL_MS = 600_000;

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const EXTEND_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

/** A held lock. */
export interface TrainLock {
  readonly token: string;
  /** Stops the renewal and deletes the lock if this holder still owns it; idempotent. */
  release(): Promise<void>;
}

/**
 * Takes the user's training lock, or returns null when another job holds it.
 *
 * @param ttlMs - lifetime of the lock between renewals, in milliseconds. @default 600000
 * @example
 * const lock = await acquireTrainLock(redis, owner);
 * if (!lock) throw new Error('another training job for this user is running');
 * try { … } finally { await lock.release(); }
 */
export async function acquireTrainLock(redis: Redis, owner: string, ttlMs = TRAIN_LOCK_TTL_MS): Promise<TrainLock | null> {
  const key = adapterRedisKeys.trainLock(owner);
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return null;
  const renewal = setInterval(() => {
    redis.eval(EXTEND_SCRIPT, 1, key, token, String(ttlMs)).catch(() => {});
  }, Math.max(1_000, Math.floor(ttlMs / 3)));
  renewal.unref();
  let released: Promise<void> | null = null;
  return {
    token,
    release: () =>
      (released ??= (async () => {
        clearInterval(renewal);
        await redis.eval(RELEASE_SCRIPT, 1, key, token);
      })()),
  };
}
