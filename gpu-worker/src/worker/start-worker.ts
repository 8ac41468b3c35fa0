/**
 * @module gpu-worker/worker/start-worker
 * Assembles one worker process in-process: loads the model once, starts a BullMQ `Worker` on the
 * `generate` queue (its concurrency is the engine's batch size, so concurrent jobs share decode
 * steps), a second one on `train-adapter` and a third on `train-experts` (one training job at a
 * time each, sharing one copy of the training model), the adapter store, the heartbeat and the
 * completion reports, and stops them all in order on `close()`.
 * `main.ts` wires this to process signals; tests call it directly.
 */
import { basename, resolve } from 'node:path';
import { Worker, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { GENERATE_QUEUE, QUEUE_PREFIX, type GenerateJobResult } from '../../../shared/jobs/generate-job';
import { TRAIN_ADAPTER_QUEUE, type TrainAdapterJobResult } from '../../../shared/jobs/train-adapter-job';
import { TRAIN_EXPERTS_QUEUE } from '../../../shared/jobs/train-experts-job';
import { loadKeyring, type Keyring } from '../../../shared/privacy/crypto/keyring';
import { AdapterStore } from '../adapters/adapter-store';
import { createServingAdapterResolver } from '../adapters/serving-adapter';
import { createPreferenceScorer } from '../generation/preference-scorer';
import { TextGenerator } from '../generation/text-generator';
import { stderrLogger, type Logger } from '../runtime/logger';
import { CompletionReporter, isFinalFailure, reportCompletions } from './completion-reporter';
import type { WorkerConfig } from './config';
import { createGenerateProcessor } from './generate-processor';
import { startHeartbeat, type Heartbeat } from './heartbeat';
import { startRetentionSweep } from './retention-sweep';
import { createTrainAdapterProcessor } from './train-adapter-processor';
import { createTrainExpertsProcessor, type TrainExpertsJobResult } from './train-experts-processor';
import { trainingModelLoader } from './training-model';

/** Options for {@link startWorker}. */
export interface StartWorkerOptions {
  /** JSON-lines logger (ids, counts, timings; never prompt or output text). @default stderrLogger */
  logger?: Logger;
  /** HTTP client for completion reports. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Overrides of BullMQ's lock and stall settings (tests shorten them). @default BullMQ's (30 s lock, 30 s stall checks) */
  bullmq?: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'drainDelay'>;
  /** Milliseconds to wait for running jobs to hand themselves back after the drain timeout. @default 10000 */
  handBackTimeoutMs?: number;
}

/** A running worker. */
export interface RunningWorker {
  readonly workerId: string;
  /** The execution provider the model runs on (`cuda` or `cpu`). */
  readonly provider: string;
  /** Users' stored adapters (encrypted, versioned, cached decoded), for the serving path. */
  readonly adapters: AdapterStore;
  /** Stops taking jobs, drains (bounded by `drainTimeoutMs`), then releases everything; idempotent. */
  close(): Promise<void>;
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), ms)));
  return Promise.race([promise.then(() => true, () => true), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts a worker for `config` and resolves once it is connected and taking jobs.
 *
 * @example
 * const worker = await startWorker(parseWorkerConfig());
 * process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
 */
export async function startWorker(config: WorkerConfig, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const logger = options.logger ?? stderrLogger;
  const { workerId } = config;
  const generator = await TextGenerator.open(config.modelDir, {
    providers: config.executionProviders, maxBatchSize: config.concurrency, logger,
  });
  const model = basename(resolve(config.modelDir));
  // Trained here rather than loaded: about half a second, and it can never drift from the corpus code.
  const scorerStarted = performance.now();
  const scorer = createPreferenceScorer();
  logger.info('preference scorer trained', { workerId, examples: scorer.trainedOn.count, ms: Math.round(performance.now() - scorerStarted) });
  let keyring: Keyring;
  try {
    keyring = await loadKeyring(config.adapterEncryptionKey);
  } catch (error) {
    await generator.close();
    throw new Error((error as Error).message.replace(/\bENCRYPTION_KEY\b/g, 'ADAPTER_ENCRYPTION_KEY'));
  }
  // BullMQ's connection must retry forever (blocking commands); token streams and heartbeats use
  // their own with ioredis's bounded retries, so an unreachable Redis fails them instead of hanging.
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const streams = new Redis(config.redisUrl);
  const trainConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const expertsConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const shutdown = new AbortController();
  const { manifest, config: modelConfig } = generator.model;
  const adapters = new AdapterStore({
    redis: streams, keyring, versionsKept: config.adapterVersionsKept, logger,
    expect: { cfg: modelConfig, baseModelId: manifest.baseModelId, compiledTargets: manifest.loraTargets, maxRank: manifest.maxRank },
  });

  const worker = new Worker<unknown, GenerateJobResult>(
    GENERATE_QUEUE,
    createGenerateProcessor({
      generator, redis: streams, model, jobTimeoutMs: config.jobTimeoutMs, shutdownSignal: shutdown.signal, logger,
      // Each job runs with its user's current adapter mixed with its routed experts (one slot in the shared batch), or the base model.
      adapterFor: createServingAdapterResolver({ store: adapters, maxRank: manifest.maxRank, logger }),
      scorer,
    }),
    { connection, prefix: QUEUE_PREFIX, concurrency: config.concurrency, autorun: true, name: workerId, ...options.bullmq },
  );
  worker.on('error', (error) => logger.error('queue error', { workerId, error: error.message }));
  worker.on('failed', (job, error) => {
    if (job) logger.warn('job failed', { jobId: job.id, attemptsMade: job.attemptsMade, final: isFinalFailure(job, error), error: error.message });
  });
  // Training jobs run one at a time per queue: each holds a training graph and optimizer state, and
  // the per-user lock (train-lock.ts) keeps two workers off the same user's adapter.
  const trainingModel = trainingModelLoader(config.modelDir);
  const trainWorker = new Worker<unknown, TrainAdapterJobResult>(
    TRAIN_ADAPTER_QUEUE,
    createTrainAdapterProcessor({ modelDir: config.modelDir, trainingModel, store: adapters, redis: streams, shutdownSignal: shutdown.signal, logger }),
    { connection: trainConnection, prefix: QUEUE_PREFIX, concurrency: 1, autorun: true, name: workerId, ...options.bullmq },
  );
  trainWorker.on('error', (error) => logger.error('queue error', { workerId, queue: TRAIN_ADAPTER_QUEUE, error: error.message }));
  trainWorker.on('failed', (job, error) => {
    if (job) logger.warn('train-adapter job failed', { jobId: job.id, attemptsMade: job.attemptsMade, final: isFinalFailure(job, error), error: error.message });
  });
  // One job per tenant and round, queued by the edge when it releases the tenant's clusters.
  const expertsWorker = new Worker<unknown, TrainExpertsJobResult>(
    TRAIN_EXPERTS_QUEUE,
    createTrainExpertsProcessor({ trainingModel, store: adapters, redis: streams, shutdownSignal: shutdown.signal, logger }),
    { connection: expertsConnection, prefix: QUEUE_PREFIX, concurrency: 1, autorun: true, name: workerId, ...options.bullmq },
  );
  expertsWorker.on('error', (error) => logger.error('queue error', { workerId, queue: TRAIN_EXPERTS_QUEUE, error: error.message }));
  expertsWorker.on('failed', (job, error) => {
    if (job) logger.warn('train-experts job failed', { jobId: job.id, attemptsMade: job.attemptsMade, final: isFinalFailure(job, error), error: error.message });
  });
  const reporter = new CompletionReporter({ edgeUrl: config.edgeUrl, secret: config.internalApiSecret, fetch: options.fetch, logger });
  reportCompletions(worker, reporter, logger);

  let heartbeat: Heartbeat;
  let retention: { stop(): void } | undefined;
  try {
    await Promise.all([worker.waitUntilReady(), trainWorker.waitUntilReady(), expertsWorker.waitUntilReady()]);
    heartbeat = startHeartbeat(streams, { workerId, intervalMs: config.heartbeatIntervalMs, logger });
    await heartbeat.ready;
    retention = startRetentionSweep(streams, { retentionMs: config.retentionDays * 86_400_000, intervalMs: config.retentionSweepIntervalMs, logger });
  } catch (error) {
    await Promise.all([worker, trainWorker, expertsWorker].map((w) => w.close(true).catch(() => {})));
    await generator.close();
    for (const c of [connection, streams, trainConnection, expertsConnection]) c.disconnect();
    throw error;
  }
  logger.info('worker started', {
    workerId, queue: GENERATE_QUEUE, trainQueue: TRAIN_ADAPTER_QUEUE, expertsQueue: TRAIN_EXPERTS_QUEUE, concurrency: config.concurrency, provider: generator.session.provider, model,
  });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      logger.info('worker stopping: taking no new jobs, waiting for running ones', { workerId, drainTimeoutMs: config.drainTimeoutMs });
      // `close()` without force stops fetching and resolves once every running job has ended.
      const drained = Promise.all([worker.close(), trainWorker.close(), expertsWorker.close()]);
      if (!(await settlesWithin(drained, config.drainTimeoutMs))) {
        // Force-close. Each running processor sees `shutdown` abort: generation stops at the next
        // decode step, the job moves back to the front of the wait list (`job.moveToWait`, no
        // attempt used) and the processor throws `WaitingError`, which BullMQ treats as "not
        // finished" — so another worker picks the job up at once and restarts it, writing a `reset`
        // entry to its token stream. If a hand-back cannot reach Redis, or the process dies first
        // (SIGKILL when the pod's grace period ends), the job stays `active` with a lock nobody
        // renews: after `lockDuration` (30 s) the stalled checker of any live worker moves it back
        // to wait, and fails it once it has stalled more than `maxStalledCount` (1) times.
        logger.warn('drain timeout reached: handing running jobs back to the queue', { workerId });
        shutdown.abort();
        if (!(await settlesWithin(drained, options.handBackTimeoutMs ?? 10_000))) {
          logger.error('running jobs did not hand back in time; BullMQ stalled-job recovery will requeue them', { workerId });
        }
      }
      await reporter.flush();
      retention?.stop();
      await heartbeat.stop();
      await generator.close();
      await Promise.all([connection, streams, trainConnection, expertsConnection].map((c) => c.quit().catch(() => c.disconnect())));
      logger.info('worker stopped', { workerId });
    })());

  return { workerId, provider: generator.session.provider, adapters, close };
}
