/**
 * @module gpu-worker/worker/token-stream
 * Publishes one job's text to its Redis stream (`redisKeys.tokenStream(job_id)`) while it is
 * generated, for the edge's SSE. Writes are fire-and-forget on one connection, so ioredis
 * pipelines them and generation never waits for a Redis round trip; text deltas produced in the
 * same event-loop turn become one entry.
 *
 * Entries (field pairs, in order):
 * - `type reset attempt <n>`: written first by every attempt after the first (a retry, or a job
 *   handed back by a stopping worker); readers drop the text they have received so far.
 * - `type token text <delta>`: the next piece of text.
 * - `type done finish_reason <reason> usage <json> model <name>`: the last entry of a success.
 * - `type error message <message>`: the last entry of a job that has failed for good.
 *
 * Every write also sets the key's TTL to `TOKEN_STREAM_TTL_S`, so a stream expires that long
 * after its last entry even if the worker dies mid-job.
 */
import type { Redis } from 'ioredis';
import { TOKEN_STREAM_TTL_S } from '../../../shared/jobs/generate-job';

/** Usage figures carried by the `done` entry. */
export interface StreamUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** Writes one job's token stream; see the module comment for the entry format. */
export class TokenStreamWriter {
  private pendingText = '';
  private flushScheduled = false;
  private readonly writes: Promise<unknown>[] = [];
  private failure: Error | null = null;

  /**
   * @param redis connection to write on (commands are not awaited one by one)
   * @param key the stream key, `redisKeys.tokenStream(job_id)`
   * @param ttlSeconds seconds the stream is kept after its last entry. @default TOKEN_STREAM_TTL_S (600)
   */
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly ttlSeconds: number = TOKEN_STREAM_TTL_S,
  ) {}

  /** Tells readers that a new attempt starts and earlier text is void. */
  reset(attempt: number): void {
    this.flush();
    this.send(['type', 'reset', 'attempt', String(attempt)]);
  }

  /** Buffers a text delta; the deltas of one event-loop turn are sent as one entry. */
  token(text: string): void {
    if (!text) return;
    this.pendingText += text;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Ends the stream with a `done` entry and waits for every write; resolves with the first write error, if any. */
  done(finishReason: string, usage: StreamUsage, model: string): Promise<Error | null> {
    this.flush();
    this.send(['type', 'done', 'finish_reason', finishReason, 'usage', JSON.stringify(usage), 'model', model]);
    return this.settle();
  }

  /** Ends the stream with an `error` entry and waits for every write; resolves with the first write error, if any. */
  error(message: string): Promise<Error | null> {
    this.flush();
    this.send(['type', 'error', 'message', message]);
    return this.settle();
  }

  /** Sends buffered text and waits for every write so far, without ending the stream. */
  settle(): Promise<Error | null> {
    this.flush();
    return Promise.all(this.writes).then(() => this.failure);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.pendingText) return;
    const text = this.pendingText;
    this.pendingText = '';
    this.send(['type', 'token', 'text', text]);
  }

  private send(fields: string[]): void {
    const record = (error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    };
    this.writes.push(this.redis.xadd(this.key, '*', ...fields).catch(record));
    this.writes.push(this.redis.expire(this.key, this.ttlSeconds).catch(record));
  }
}
