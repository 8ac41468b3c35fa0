/**
 * @module test/e2e/echo-worker
 * A stand-in for the model worker in edge tests: a BullMQ worker in the test process that answers
 * each generate job with a text derived from the job (no model), writes the token stream for
 * streaming jobs, and reports completion to the edge as a real worker does (HMAC-signed).
 */
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { signInternalRequest } from '../../shared/crypto/hmac';
import { GENERATE_QUEUE, QUEUE_PREFIX, redisKeys, type GenerateJob } from '../../shared/jobs/generate-job';
import { TEST_SECRETS } from './edge-harness';

/** Options of {@link startEchoWorker}. */
export interface EchoWorkerOptions {
  redisUrl: string;
  /** Base URL of the edge the completion is reported to. */
  edgeUrl: string;
  /** The answer for a job. */
  answer: (job: GenerateJob) => string;
  /** Characters per streamed token event. @default the whole text in one event */
  chunk?: number;
  /** Delay before the completion report, ms. @default 0 */
  reportDelayMs?: number;
  /** @default 4 */
  concurrency?: number;
}

/**
 * Starts the worker; close it with `worker.close()`.
 *
 * @example
 * const echo = startEchoWorker({ redisUrl, edgeUrl: url, answer: (job) => `You said: ${job.messages.at(-1)!.content}` });
 */
export function startEchoWorker(o: EchoWorkerOptions): Worker<GenerateJob> {
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker<GenerateJob>(
    GENERATE_QUEUE,
    async (job) => {
      const text = o.answer(job.data);
      if (job.data.stream) {
        const step = o.chunk ?? text.length;
        for (let i = 0; i < text.length; i += step) await redis.xadd(redisKeys.tokenStream(job.data.job_id), '*', 'type', 'token', 'text', text.slice(i, i + step));
        await redis.xadd(redisKeys.tokenStream(job.data.job_id), '*', 'type', 'done', 'finish_reason', 'eos', 'usage', JSON.stringify({ prompt_tokens: 1, completion_tokens: 1 }), 'model', 'echo');
      }
      const result = { text, finish_reason: 'eos' as const, usage: { prompt_tokens: 1, completion_tokens: 1 }, model: 'echo', timings: { queued_ms: 0, first_token_ms: 0, total_ms: 0 } };
      const body = JSON.stringify({ job_id: job.data.job_id, owner: job.data.owner, tenant: job.data.tenant, status: 'completed', result });
      const report = async () => {
        await fetch(`${o.edgeUrl}/internal/jobs/${job.data.job_id}/complete`, {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-attune-signature': await signInternalRequest(TEST_SECRETS.INTERNAL_API_SECRET, body) }, body,
        });
      };
      // A delayed report can land after the test tore the edge down: that failure is expected then.
      if (o.reportDelayMs) setTimeout(() => void report().catch((error: Error) => {
        if (!worker.closing) console.error(`echo worker: completion report for ${job.data.job_id} failed: ${error.message}`);
      }), o.reportDelayMs);
      else await report();
      return result;
    },
    { connection: new Redis(o.redisUrl, { maxRetriesPerRequest: null }), prefix: QUEUE_PREFIX, concurrency: o.concurrency ?? 4 },
  );
  worker.on('closed', () => void redis.quit());
  return worker;
}
