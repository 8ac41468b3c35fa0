/**
 * @module gpu-worker/worker/generate-processor
 * The BullMQ processor of the `generate` queue: validates the payload, runs the generation on
 * the shared engine (which batches concurrent jobs), publishes text to the job's token stream
 * and returns a `GenerateJobResult`.
 *
 * Best-of mode (`selection` in the payload): `selection.candidates` responses are generated at once
 * (candidate-generation.ts), the user's content preferences drop or mask candidates and the style
 * preference picks one (candidate-selection.ts). Nothing is streamed before the choice: a
 * streaming job gets the chosen text as one `token` entry, then `done`. The result's
 * `completion_tokens` is the SUM over candidates (what was computed, and what a job costs), its
 * `first_token_ms` equals `total_ms` (when the client's first text can leave), and `finish_reason`
 * is the chosen candidate's, or `content_filter` with empty text when every candidate was dropped.
 *
 * Outcomes:
 * - invalid payload or sampling params, or a prompt the model cannot take → `UnrecoverableError`
 *   (fails at once, no retries), message naming the field or the limit;
 * - longer than `jobTimeoutMs` → `UnrecoverableError` (a retry would time out again);
 * - cancelled through BullMQ (`worker.cancelJob`) → completes with `finish_reason: 'aborted'` and
 *   the text so far (in best-of mode, the partial candidates filtered and chosen as usual);
 * - the worker force-closing (`shutdownSignal`) → generation stops, the job goes back to the
 *   front of the wait list (`job.moveToWait`) and the processor throws BullMQ's `WaitingError`,
 *   so no attempt is consumed and another worker starts it afresh;
 * - anything else (an engine failure) is thrown as is, so BullMQ retries per the job's `attempts`.
 */
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  generateJobSchema,
  redisKeys,
  type GenerateJob,
  type GenerateJobResult,
} from '../../../shared/jobs/generate-job';
import { parseSamplingParams, type SamplingParams } from '../generation/sampling-params';
import type { GenerationEvent } from '../generation/sequence';
import type { LoraAdapter } from '../adapters/adapter';
import type { GenerationInput } from '../generation/text-generator';
import { silentLogger, type Logger } from '../runtime/logger';
import type { PreferenceScorer } from '../generation/preference-scorer';
import { generateCandidates, type GenerationDone } from './candidate-generation';
import { selectCandidate } from './candidate-selection';
import { TokenStreamWriter } from './token-stream';
import { parsePayload } from './job-payload';

/** What the processor needs of a `TextGenerator`. */
export interface GenerationSource {
  stream(input: GenerationInput, params: SamplingParams, adapter: LoraAdapter | null, signal?: AbortSignal): AsyncIterable<GenerationEvent>;
}

/** Options for {@link createGenerateProcessor}. */
export interface GenerateProcessorOptions {
  /** The process's one loaded model. */
  generator: GenerationSource;
  /** Connection for token streams (not the BullMQ one, so a slow stream never holds up locks). */
  redis: Redis;
  /** Model name reported in results and `done` entries. */
  model: string;
  /** Milliseconds one job may run, from the moment this worker starts it. */
  jobTimeoutMs: number;
  /** Aborted when the worker force-closes; running jobs are handed back to the queue. */
  shutdownSignal?: AbortSignal;
  /** Job-level log lines (ids, counts, timings; never prompt or output text). @default silentLogger */
  logger?: Logger;
  /**
   * The adapter to serve a job with: the user's current adapter (by storage key) mixed with the
   * job's routed experts, or null to serve the base model. @default always null
   */
  adapterFor?: (job: Pick<GenerateJob, 'job_id' | 'owner' | 'experts'>) => Promise<ServingAdapter>;
  /** Ranks best-of-N candidates by the job's `selection.style_weights`. @default none: every candidate scores 0, the first kept one wins */
  scorer?: PreferenceScorer;
}

/** What {@link GenerateProcessorOptions.adapterFor} resolves to. */
export interface ServingAdapter {
  /** One adapter (possibly a mixture), or null for the base model. */
  adapter: LoraAdapter | null;
  /** Ids of the experts mixed into `adapter` (those that could be loaded). */
  experts: string[];
}

/** The processor function BullMQ calls; it declares `signal`, so BullMQ hands it one. */
export type GenerateProcessor = (job: Job, token: string | undefined, signal: AbortSignal | undefined) => Promise<GenerateJobResult>;

/** True when BullMQ will not run the job again after `error` (attempts are counted before this one ends). */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>, error: unknown): boolean {
  return isUnrecoverable(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** BullMQ's own test: the class, or the name when the error crossed a module boundary. */
export function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableError || (error instanceof Error && error.name === 'UnrecoverableError');
}

/** Payload → validated job, or an `UnrecoverableError` naming each offending field. */
const parseJob = (data: unknown): GenerateJob => parsePayload(generateJobSchema, data);

/** The token stream of a payload that failed validation, when it still asks for one. */
function streamOfInvalidJob(data: unknown, redis: Redis): TokenStreamWriter | null {
  const loose = (data ?? {}) as { job_id?: unknown; stream?: unknown };
  const ok = loose.stream === true && generateJobSchema.shape.job_id.safeParse(loose.job_id).success;
  return ok ? new TokenStreamWriter(redis, redisKeys.tokenStream(loose.job_id as string)) : null;
}

const PARAM_NAMES: Record<string, string> = { maxNewTokens: 'max_new_tokens', topP: 'top_p' };

/** Payload params → engine params; messages name the payload's fields (`params.top_p`). */
function samplingParams(p: GenerateJob['params']): SamplingParams {
  try {
    return parseSamplingParams({
      temperature: p.temperature, topP: p.top_p, maxNewTokens: p.max_new_tokens, stop: p.stop,
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
    });
  } catch (error) {
    const message = (error as Error).message.replace(/\b(maxNewTokens|topP|temperature|stop|seed)\b/g, (m) => `params.${PARAM_NAMES[m] ?? m}`);
    throw new UnrecoverableError(message);
  }
}

/**
 * Builds the `generate` queue's processor.
 *
 * @example
 * const processor = createGenerateProcessor({ generator, redis, model: 'tiny', jobTimeoutMs: 300_000 });
 * new Worker(GENERATE_QUEUE, processor, { connection, prefix: QUEUE_PREFIX, concurrency: 16 });
 */
export function createGenerateProcessor(options: GenerateProcessorOptions): GenerateProcessor {
  const { generator, redis, model, jobTimeoutMs, shutdownSignal } = options;
  const logger = options.logger ?? silentLogger;

  return async function processGenerateJob(job, token, signal) {
    const startedAt = Date.now();
    let stream: TokenStreamWriter | null = null;
    try {
      const data = parseJob(job.data);
      const params = samplingParams(data.params);
      stream = data.stream ? new TokenStreamWriter(redis, redisKeys.tokenStream(data.job_id)) : null;
      if (stream && job.attemptsStarted > 1) stream.reset(job.attemptsStarted);

      const timeout = AbortSignal.timeout(jobTimeoutMs);
      const abort = AbortSignal.any([timeout, ...(signal ? [signal] : []), ...(shutdownSignal ? [shutdownSignal] : [])]);
      // A missing or unreadable adapter must not fail the request: the base model answers instead.
      const serving: ServingAdapter = options.adapterFor ? await options.adapterFor(data).catch((error: Error) => {
        logger.warn('user adapter unavailable; serving the base model', { jobId: data.job_id, error: error.message });
        return { adapter: null, experts: [] };
      }) : { adapter: null, experts: [] };
      const { adapter } = serving;
      const input = { messages: data.messages };
      const selection = data.selection;
      let events: AsyncIterable<GenerationEvent> | null = null;
      let candidates: Promise<GenerationDone[]> | null = null;
      const submittedAt = performance.now();
      try {
        if (selection) candidates = generateCandidates(generator, input, params, adapter, selection.candidates, abort);
        else events = generator.stream(input, params, adapter, abort);
      } catch (error) {
        // The engine checks input synchronously (e.g. a prompt longer than the model's context).
        throw new UnrecoverableError((error as Error).message);
      }
      let dones: GenerationDone[];
      if (candidates) {
        dones = await candidates;
      } else {
        let done: GenerationDone | null = null;
        for await (const event of events!) {
          if (event.type === 'done') done = event;
          else stream?.token(event.text);
        }
        if (!done) throw new Error('generation ended without a result');
        dones = [done];
      }
      const completionTokens = dones.reduce((n, d) => n + d.tokenIds.length, 0);

      if (dones.some((d) => d.finishReason === 'aborted') && !signal?.aborted) {
        if (shutdownSignal?.aborted) {
          await stream?.settle();
          await job.moveToWait(token);
          logger.warn('job handed back to the queue: worker is shutting down', { jobId: job.id, generatedTokens: completionTokens });
          throw new WaitingError();
        }
        if (timeout.aborted) throw new UnrecoverableError(`job timed out after ${jobTimeoutMs} ms (JOB_TIMEOUT_MS)`);
      }

      // Timings count from enqueueing, so they include the wait in the queue (clamped against clock skew).
      const waited = Math.max(0, startedAt - job.timestamp);
      let result: GenerateJobResult;
      if (selection) {
        const choice = selectCandidate(dones.map((d) => d.text), selection, options.scorer);
        const cancelled = dones.some((d) => d.finishReason === 'aborted');
        // Nothing reaches the client before the choice, so its first text arrives at the end.
        const totalMs = Math.round(waited + performance.now() - submittedAt);
        result = {
          text: choice.text,
          finish_reason: cancelled ? 'aborted' : choice.chosen === null ? 'content_filter' : dones[choice.chosen].finishReason,
          usage: { prompt_tokens: dones[0].promptTokens, completion_tokens: completionTokens },
          model,
          timings: { queued_ms: Math.round(waited + Math.min(...dones.map((d) => d.timings.queuedMs))), first_token_ms: totalMs, total_ms: totalMs },
          selection: { candidates: dones.length, removed: choice.removed, chosen: choice.chosen, scores: choice.scores },
          ...(serving.experts.length ? { experts: serving.experts } : {}),
        };
        stream?.token(choice.text);
      } else {
        const done = dones[0];
        result = {
          text: done.text,
          finish_reason: done.finishReason,
          usage: { prompt_tokens: done.promptTokens, completion_tokens: completionTokens },
          model,
          timings: {
            queued_ms: Math.round(waited + done.timings.queuedMs),
            first_token_ms: Math.round(waited + done.timings.firstTokenMs),
            total_ms: Math.round(waited + done.timings.totalMs),
          },
          ...(serving.experts.length ? { experts: serving.experts } : {}),
        };
      }
      const streamFailure = await stream?.done(result.finish_reason, result.usage, model);
      if (streamFailure) logger.warn('token stream write failed', { jobId: job.id, error: streamFailure.message });
      logger.info('job generated', {
        jobId: job.id, finishReason: result.finish_reason, promptTokens: result.usage.prompt_tokens,
        completionTokens: result.usage.completion_tokens, firstTokenMs: result.timings.first_token_ms, totalMs: result.timings.total_ms,
        ...(result.selection ? { candidates: result.selection.candidates, removed: result.selection.removed, chosen: result.selection.chosen } : {}),
      });
      return result;
    } catch (error) {
      if (error instanceof WaitingError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // An invalid payload may still name a stream the edge is reading: end it too.
      stream ??= streamOfInvalidJob(job.data, redis);
      // Only a final failure ends the stream: a retry starts it over with a `reset` entry.
      if (stream && isLastAttempt(job, error)) await stream.error(message);
      else await stream?.settle();
      throw error;
    }
  };
}
