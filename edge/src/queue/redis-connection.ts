/**
 * @module edge/queue/redis-connection
 * Redis from inside the Worker: ioredis over a TCP socket (nodejs_compat). Workers cannot share
 * a socket between requests, so each request opens its own connection, with tight timeouts so
 * that a dead Redis turns into a 503 within 2 s instead of a hang.
 */
import Redis from 'ioredis';
import { unavailable } from '../http/api-error';

/** Milliseconds allowed to connect, and for each command batch. */
export const REDIS_TIMEOUT_MS = 1500;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A not-yet-connected client that never retries on its own (the request decides). */
export function newRedisClient(url: string, commandTimeoutMs: number): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_TIMEOUT_MS,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
  });
  redis.on('error', () => {}); // failures surface through the awaited commands
  return redis;
}

/** Opens a connection or throws a 503 ApiHttpError. */
export async function connectRedis(url: string, timeoutMs = REDIS_TIMEOUT_MS): Promise<Redis> {
  if (!url) throw unavailable('queue is not configured (REDIS_URL)');
  const redis = newRedisClient(url, timeoutMs);
  try {
    await withTimeout(redis.connect(), timeoutMs, 'redis connect');
  } catch {
    redis.disconnect();
    throw unavailable('queue is unavailable, retry shortly');
  }
  return redis;
}

/** Runs `fn` with a fresh connection, bounded by `timeoutMs`, and always closes it. */
export function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>, timeoutMs = REDIS_TIMEOUT_MS): Promise<T> {
  return withRedisSession(url, (step) => step(fn), timeoutMs);
}

/** Runs one bounded step on an open connection, turning connection failures into a 503. */
export type RedisStep = <T>(fn: (redis: Redis) => Promise<T>) => Promise<T>;

/**
 * Like {@link withRedis}, but only the Redis steps are bounded by `timeoutMs`, not the work
 * between them (a Durable Object call, WebCrypto), so one connection serves a whole request
 * whose other parts may take longer under load. Always closes the connection.
 */
export async function withRedisSession<T>(url: string, fn: (step: RedisStep) => Promise<T>, timeoutMs = REDIS_TIMEOUT_MS): Promise<T> {
  const redis = await connectRedis(url, timeoutMs);
  const step: RedisStep = async (f) => {
    try {
      return await withTimeout(f(redis), timeoutMs, 'redis command');
    } catch (error) {
      if (error instanceof Error && /timed out|Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable/i.test(error.message)) {
        throw unavailable('queue is unavailable, retry shortly');
      }
      throw error;
    }
  };
  try {
    return await fn(step);
  } finally {
    redis.disconnect();
  }
}
