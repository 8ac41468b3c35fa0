/**
 * @module gpu-worker/worker/heartbeat
 * Announces that this worker is alive: `ZADD redisKeys.workerHeartbeats <now ms> <workerId>`
 * at start and every interval, trimming beats older than {@link HEARTBEAT_RETENTION_MS} so the
 * set only holds workers seen recently; on stop the worker removes its own entry.
 */
import type { Redis } from 'ioredis';
import { redisKeys } from '../../../shared/jobs/generate-job';
import { silentLogger, type Logger } from '../runtime/logger';

/** Beats older than this are removed by every beat (10 minutes, in ms). */
export const HEARTBEAT_RETENTION_MS = 10 * 60_000;

/** Options for {@link startHeartbeat}. */
export interface HeartbeatOptions {
  /** Member name in the sorted set. */
  workerId: string;
  /** Milliseconds between beats. @default 5000 */
  intervalMs?: number;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
  /** @default silentLogger */
  logger?: Logger;
}

/** A running heartbeat. */
export interface Heartbeat {
  /** Resolves after the first beat was written (or failed and was logged). */
  readonly ready: Promise<void>;
  /** Stops beating and removes this worker's entry. */
  stop(): Promise<void>;
}

/**
 * Starts beating on `redis`.
 *
 * @example
 * const heartbeat = startHeartbeat(redis, { workerId: 'gpu-0-123', intervalMs: 5000 });
 * await heartbeat.stop();
 */
export function startHeartbeat(redis: Redis, options: HeartbeatOptions): Heartbeat {
  const intervalMs = options.intervalMs ?? 5_000;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const key = redisKeys.workerHeartbeats;
  let stopped = false;
  let failing = false;
  let inFlight: Promise<void> = Promise.resolve();

  const beat = (): Promise<void> => {
    const t = now();
    inFlight = redis
      .multi()
      .zadd(key, t, options.workerId)
      .zremrangebyscore(key, '-inf', `(${t - HEARTBEAT_RETENTION_MS}`)
      .exec()
      .then(() => {
        if (failing) logger.info('heartbeat restored', { workerId: options.workerId });
        failing = false;
      })
      .catch((error: Error) => {
        // Log the first failure of a run, not every beat while Redis is away.
        if (!failing) logger.warn('heartbeat failed', { workerId: options.workerId, error: error.message });
        failing = true;
      });
    return inFlight;
  };

  const ready = beat();
  const timer = setInterval(() => {
    if (!stopped) void beat();
  }, intervalMs);
  timer.unref();

  return {
    ready,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await inFlight;
      await redis.zrem(key, options.workerId).catch((error: Error) => {
        logger.warn('could not remove heartbeat entry', { workerId: options.workerId, error: error.message });
      });
    },
  };
}
