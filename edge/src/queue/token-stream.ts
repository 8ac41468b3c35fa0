/**
 * @module edge/queue/token-stream
 * Reads a job's token stream (a Redis stream the worker appends to) for server-sent events and
 * for non-streaming chat completions. Uses its own connection, since XREAD BLOCK holds it.
 */
import { redisKeys } from '../../../shared/jobs/generate-job';
import { unavailable } from '../http/api-error';
import { newRedisClient } from './redis-connection';

/** One entry of the stream, as the worker writes it. */
export type TokenStreamEntry =
  | { type: 'token'; text: string }
  /** The job restarted on another attempt (a worker died): text received so far is void. */
  | { type: 'reset'; attempt: number }
  | { type: 'done'; finish_reason: string; usage: { prompt_tokens: number; completion_tokens: number }; model: string }
  | { type: 'error'; message: string };

function parseEntry(fields: string[]): TokenStreamEntry | null {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]] = fields[i + 1];
  if (map.type === 'token') return { type: 'token', text: map.text ?? '' };
  if (map.type === 'reset') return { type: 'reset', attempt: Number(map.attempt ?? 0) };
  if (map.type === 'done') {
    let usage = { prompt_tokens: 0, completion_tokens: 0 };
    try {
      usage = JSON.parse(map.usage ?? '{}');
    } catch {
      /* keep zeros */
    }
    return { type: 'done', finish_reason: map.finish_reason ?? 'stop', usage, model: map.model ?? '' };
  }
  if (map.type === 'error') return { type: 'error', message: map.message ?? 'generation failed' };
  return null;
}

/**
 * Yields the entries of job `jobId`'s stream from the beginning until a `done` or `error` entry,
 * or until `deadline` (ms since epoch), after which it yields an error entry.
 */
export async function* readTokenStream(redisUrl: string, jobId: string, deadline: number, blockMs = 2000): AsyncGenerator<TokenStreamEntry> {
  const redis = newRedisClient(redisUrl, blockMs + 2000); // XREAD BLOCK holds a command open
  try {
    try {
      await redis.connect();
    } catch {
      throw unavailable('queue is unavailable, retry shortly');
    }
    const key = redisKeys.tokenStream(jobId);
    let lastId = '0-0';
    while (Date.now() < deadline) {
      const wait = Math.max(1, Math.min(blockMs, deadline - Date.now()));
      const reply = (await redis.xread('COUNT', 256, 'BLOCK', wait, 'STREAMS', key, lastId)) as Array<[string, Array<[string, string[]]>]> | null;
      if (!reply) continue;
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          lastId = id;
          const entry = parseEntry(fields);
          if (!entry) continue;
          yield entry;
          if (entry.type === 'done' || entry.type === 'error') return;
        }
      }
    }
    yield { type: 'error', message: 'timed out waiting for the model' };
  } finally {
    redis.disconnect();
  }
}
