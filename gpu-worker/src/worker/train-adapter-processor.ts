/**
 * @module gpu-worker/worker/train-adapter-processor
 * The BullMQ processor of the `train-adapter` queue: trains the user's LoRA adapter on the job's
 * SFT examples and preference pairs and stores the result as a new version.
 *
 * Outcomes:
 * - invalid payload, a target the model was not compiled with, a rank above its maximum, an
 *   example longer than the model's context, or a compiled-only model directory →
 *   `UnrecoverableError` (fails at once, no retries), message naming the field;
 * - another job holds the user's training lock → a plain `Error`, so BullMQ retries it after the
 *   job's backoff (the edge enqueues with attempts and exponential backoff);
 * - a non-finite loss or divergence → completes with `rolled_back: true` and the reason; the
 *   stored versions are unchanged;
 * - otherwise → completes with the new version;
 * - the worker force-closing → the job goes back to the wait list (no attempt used), as in the
 *   `generate` processor; cancelled through BullMQ → fails without retries.
 *
 * Training starts from the user's current adapter when its rank, alpha and targets are the
 * job's, else from a fresh one (A random as PEFT initialises it, B = 0). Logs carry job ids,
 * counts and losses, never texts.
 */
import { createHash } from 'node:crypto';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { trainAdapterJobSchema, type TrainAdapterJob, type TrainAdapterJobResult } from '../../../shared/jobs/train-adapter-job';
import { privatePhases, privateTrainingEpsilon } from '../../../shared/jobs/train-adapter-plan';
import type { LoraAdapter } from '../adapters/adapter';
import type { AdapterStore } from '../adapters/adapter-store';
import { cloneAdapter, freshAdapter } from '../adapters/fresh-adapter';
import { silentLogger, type Logger } from '../runtime/logger';
import type { ChatMessage } from '../tokenizer/load';
import { runAdapterTraining, type TrainingExamples } from './adapter-training-run';
import { acquireTrainLock, TRAIN_LOCK_TTL_MS } from './train-lock';
import { trainingModelLoader, type TrainingModel } from './training-model';
import { parsePayload } from './job-payload';

/** Options of {@link createTrainAdapterProcessor}. */
export interface TrainAdapterProcessorOptions {
  /** The model directory (Hugging Face layout: training needs the source checkpoint). */
  modelDir: string;
  /** The base model, shared with the worker's other training queue. @default trainingModelLoader(modelDir) */
  trainingModel?: () => Promise<TrainingModel>;
  /** Where users' adapters are read and saved. */
  store: Pick<AdapterStore, 'current' | 'save' | 'versions'>;
  /** Connection for the per-user lock (not the BullMQ one). */
  redis: Redis;
  /** Aborted when the worker force-closes; a running job is handed back to the queue. */
  shutdownSignal?: AbortSignal;
  /** Lifetime of the per-user lock between renewals, in milliseconds. @default 600000 */
  lockTtlMs?: number;
  /** Job-level log lines (ids, steps, losses; never texts). @default silentLogger */
  logger?: Logger;
}

/** The processor function BullMQ calls; it declares `signal`, so BullMQ hands it one. */
export type TrainAdapterProcessor = (job: Job, token: string | undefined, signal: AbortSignal | undefined) => Promise<TrainAdapterJobResult>;

/** Payload → validated job, or an `UnrecoverableError` naming each offending field. */
const parseJob = (data: unknown): TrainAdapterJob => parsePayload(trainAdapterJobSchema, data);

/** Checks what the schema cannot know: the compiled targets and maximum rank. */
function checkAgainstModel(job: TrainAdapterJob, model: TrainingModel): void {
  const missing = job.targets.filter((t) => !model.compiledTargets.includes(t));
  if (missing.length) {
    throw new UnrecoverableError(`invalid job payload: targets: ${missing.join(', ')} not compiled into the model (compiled: ${model.compiledTargets.join(', ')})`);
  }
  if (job.rank > model.maxRank) throw new UnrecoverableError(`invalid job payload: rank: ${job.rank} exceeds the model's maximum rank ${model.maxRank}`);
}

/**
 * A private job must not cost more than the edge charged: the ε of the plan the worker will run,
 * at the job's σ, must be within the charged ε.
 */
function checkPrivacyCharge(job: TrainAdapterJob): void {
  if (!job.dp) return;
  const phases = privatePhases(job.steps, job.sft.length, job.preferences.length);
  const cost = privateTrainingEpsilon(phases, job.dp.noise_multiplier, job.dp.delta);
  if (cost > job.dp.epsilon * (1 + 1e-9)) {
    throw new UnrecoverableError(`invalid job payload: dp: this run costs ε = ${cost.toPrecision(4)}, more than the ${job.dp.epsilon} charged`);
  }
}

/** Token ids of the examples: prompt = chat template with the generation prompt, response + EOS. */
function tokenize(job: TrainAdapterJob, model: TrainingModel): TrainingExamples {
  const { tokenizer, cfg } = model;
  const eos = tokenizer.eosTokenIds.slice(0, 1);
  const prompt = (messages: ChatMessage[]) => tokenizer.encode(tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true }));
  const response = (text: string) => [...tokenizer.encode(text), ...eos];
  const fits = (field: string, promptIds: number[], ...responses: number[][]) => {
    const longest = promptIds.length + Math.max(...responses.map((r) => r.length));
    if (longest > cfg.maxPositions) {
      throw new UnrecoverableError(`invalid job payload: ${field}: ${longest} tokens, the model takes at most ${cfg.maxPositions}`);
    }
  };
  const sft = job.sft.map((ex, i) => {
    const row = { promptIds: prompt(ex.messages), responseIds: response(ex.response) };
    fits(`sft.${i}`, row.promptIds, row.responseIds);
    return row;
  });
  const preferences = job.preferences.map((ex, i) => {
    const pair = { promptIds: prompt(ex.messages), chosenIds: response(ex.chosen), rejectedIds: response(ex.rejected) };
    fits(`preferences.${i}`, pair.promptIds, pair.chosenIds, pair.rejectedIds);
    return pair;
  });
  return { sft, preferences };
}

/** The user's adapter when it has the job's shape, else a fresh one seeded by the job id (retries draw the same). */
function startingAdapter(current: LoraAdapter | null, job: TrainAdapterJob, model: TrainingModel): { adapter: LoraAdapter; continued: boolean } {
  const sameShape = current !== null && current.rank === job.rank && current.alpha === job.alpha &&
    current.targets.length === job.targets.length && job.targets.every((t) => current.targets.includes(t));
  if (sameShape) return { adapter: cloneAdapter(current), continued: true };
  const seed = createHash('sha256').update(job.job_id).digest().readUInt32BE(0);
  const adapter = freshAdapter(model.cfg, { baseModelId: model.baseModelId, targets: job.targets, rank: job.rank, alpha: job.alpha, seed });
  return { adapter, continued: false };
}

/**
 * Builds the `train-adapter` queue's processor. The base model is loaded on the first job and
 * kept for the life of the process.
 *
 * @example
 * const processor = createTrainAdapterProcessor({ modelDir, store, redis });
 * new Worker(TRAIN_ADAPTER_QUEUE, processor, { connection, prefix: QUEUE_PREFIX, concurrency: 1 });
 */
export function createTrainAdapterProcessor(options: TrainAdapterProcessorOptions): TrainAdapterProcessor {
  const { store, redis, shutdownSignal } = options;
  const logger = options.logger ?? silentLogger;
  // Loaded on the first job and kept; a transient failure (I/O) is retried by the next job.
  const loadModel = options.trainingModel ?? trainingModelLoader(options.modelDir);

  return async function processTrainAdapterJob(job, token, signal) {
    const startedAt = Date.now();
    const data = parseJob(job.data);
    const trainingModel = await loadModel();
    checkAgainstModel(data, trainingModel);
    const examples = tokenize(data, trainingModel);
    checkPrivacyCharge(data);

    const lock = await acquireTrainLock(redis, data.owner, options.lockTtlMs ?? TRAIN_LOCK_TTL_MS);
    if (!lock) throw new Error('another train-adapter job for this user is running; retrying after the backoff');
    try {
      const current = await store.current(data.owner);
      const { adapter, continued } = startingAdapter(current, data, trainingModel);
      const abort = AbortSignal.any([...(signal ? [signal] : []), ...(shutdownSignal ? [shutdownSignal] : [])]);
      let run;
      try {
        run = await runAdapterTraining(trainingModel.cfg, trainingModel.weights, adapter, examples, {
          steps: data.steps, lr: data.lr, signal: abort,
          dp: data.dp ? { noiseMultiplier: data.dp.noise_multiplier, clipNorm: data.dp.clip_norm } : undefined,
          onStep: (phase, step, loss) => {
            if ((step + 1) % 10 === 0) logger.info('training step', { jobId: job.id, phase, step: step + 1, loss });
          },
        });
      } catch (error) {
        if (!abort.aborted) throw error;
        if (shutdownSignal?.aborted) {
          await job.moveToWait(token);
          logger.warn('train-adapter job handed back to the queue: worker is shutting down', { jobId: job.id });
          throw new WaitingError();
        }
        throw new UnrecoverableError('train-adapter job cancelled');
      }
      const losses = run.losses.map((l) => l.loss);
      const base = { steps: run.steps, first_loss: losses[0] ?? null, last_loss: losses.at(-1) ?? null, ...(data.dp ? { epsilon: data.dp.epsilon } : {}) };
      let result: TrainAdapterJobResult;
      if (run.discard) {
        result = { ...base, version: (await store.versions(data.owner)).current, rolled_back: true, reason: run.discard };
      } else {
        result = { ...base, version: await store.save(data.owner, adapter), rolled_back: false };
      }
      logger.info('adapter trained', {
        jobId: job.id, steps: result.steps, firstLoss: result.first_loss, lastLoss: result.last_loss, version: result.version,
        rolledBack: result.rolled_back, reason: result.reason, continued,
        sft: examples.sft.length, preferences: examples.preferences.length, totalMs: Date.now() - startedAt,
      });
      return result;
    } finally {
      await lock.release();
    }
  };
}
