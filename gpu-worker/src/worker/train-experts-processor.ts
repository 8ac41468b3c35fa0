/**
 * @module gpu-worker/worker/train-experts-processor
 * The BullMQ processor of the `train-experts` queue: after the edge releases a tenant's
 * differentially private clusters, trains one cluster expert per released cluster, registers it
 * and retires the tenant's stale cluster experts — what `attune experts train-clusters` does by
 * hand (gpu-worker/src/training/experts/expert-training.ts).
 *
 * Outcomes:
 * - invalid payload, a malformed release, a zero centroid or a rank above the model's maximum →
 *   `UnrecoverableError` (fails at once, no retries), message naming the field or cluster;
 * - no release, or a release of another round than the job's → completes with `skipped` (a
 *   newer round's job trains that one); a release whose clusters are all fallback ones likewise;
 * - a newer round released mid-run → stops before its next save, completes with `superseded`;
 * - otherwise → completes with the numbers of experts trained, saved and retired. An expert
 *   whose validation loss did not fall is not saved; rerunning would draw the same data, so the
 *   job still completes;
 * - the worker force-closing → the job goes back to the wait list (no attempt used), as in the
 *   `train-adapter` processor; cancelled through BullMQ → fails without retries.
 * Logs carry job and expert ids, counts and timings only.
 */
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { trainExpertsJobSchema, type TrainExpertsJob } from '../../../shared/jobs/train-experts-job';
import type { AdapterStore } from '../adapters/adapter-store';
import { silentLogger, type Logger } from '../runtime/logger';
import { ExpertTrainingError, readClusterRelease, trainClusterExperts, type ClusterTrainingResult } from '../training/experts/expert-training';
import type { TrainingModel } from './training-model';
import { parsePayload } from './job-payload';

/** What a `train-experts` job completes with. */
export type TrainExpertsJobResult =
  | { skipped: string }
  | { round: string; trained: number; saved: number; removed: number; superseded: boolean; seconds: number };

/** Options of {@link createTrainExpertsProcessor}. */
export interface TrainExpertsProcessorOptions {
  /** The base model, shared with the `train-adapter` queue (`trainingModelLoader`). */
  trainingModel: () => Promise<TrainingModel>;
  /** Where the experts' adapters are saved (owners `expertOwnerKey(id)`). */
  store: Pick<AdapterStore, 'save'>;
  /** Connection holding the releases and the expert registry (not the BullMQ one). */
  redis: Redis;
  /** Aborted when the worker force-closes; a running job is handed back to the queue. */
  shutdownSignal?: AbortSignal;
  /** SFT steps per expert. @default EXPERT_TRAIN_DEFAULTS.steps (60) */
  steps?: number;
  /** Job-level log lines (ids, counts, timings). @default silentLogger */
  logger?: Logger;
}

/** The processor function BullMQ calls; it declares `signal`, so BullMQ hands it one. */
export type TrainExpertsProcessor = (job: Job, token: string | undefined, signal: AbortSignal | undefined) => Promise<TrainExpertsJobResult>;

/** Payload → validated job, or an `UnrecoverableError` naming each offending field. */
const parseJob = (data: unknown): TrainExpertsJob => parsePayload(trainExpertsJobSchema, data);

/**
 * Builds the `train-experts` queue's processor.
 *
 * @example
 * const processor = createTrainExpertsProcessor({ trainingModel, store, redis });
 * new Worker(TRAIN_EXPERTS_QUEUE, processor, { connection, prefix: QUEUE_PREFIX, concurrency: 1 });
 */
export function createTrainExpertsProcessor(options: TrainExpertsProcessorOptions): TrainExpertsProcessor {
  const { store, redis, shutdownSignal } = options;
  const logger = options.logger ?? silentLogger;

  return async function processTrainExpertsJob(job, token, signal) {
    const startedAt = Date.now();
    const data = parseJob(job.data);
    const skip = (reason: string): TrainExpertsJobResult => {
      logger.info('train-experts job skipped', { jobId: job.id, round: data.round, reason });
      return { skipped: reason };
    };
    const abort = AbortSignal.any([...(signal ? [signal] : []), ...(shutdownSignal ? [shutdownSignal] : [])]);
    let result: ClusterTrainingResult;
    try {
      const release = await readClusterRelease(redis, data.tenant);
      if (release?.round !== data.round) return skip(`round ${data.round} is no longer the latest`);
      const model = await options.trainingModel();
      result = await trainClusterExperts({
        redis, store, model, tenant: data.tenant, release, steps: options.steps, signal: abort, stopIfSuperseded: true,
        onExpert: (e) => logger.info('cluster expert trained', { jobId: job.id, expert: e.id, saved: e.saved, steps: e.steps, examples: e.examples, seconds: e.seconds }),
      });
    } catch (error) {
      if (error instanceof ExpertTrainingError) {
        if (error.code === 'no-clusters') return skip(`round ${data.round} releases no cluster with enough members`);
        throw new UnrecoverableError(error.message);
      }
      if (!abort.aborted) throw error;
      if (shutdownSignal?.aborted) {
        await job.moveToWait(token);
        logger.warn('train-experts job handed back to the queue: worker is shutting down', { jobId: job.id });
        throw new WaitingError();
      }
      throw new UnrecoverableError('train-experts job cancelled');
    }
    const saved = result.experts.filter((e) => e.saved).length;
    const done = {
      round: result.round, trained: result.experts.length, saved, removed: result.removed.length, superseded: result.superseded,
      seconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)),
    };
    logger[saved < done.trained && !done.superseded ? 'warn' : 'info']('cluster experts trained', { jobId: job.id, ...done });
    return done;
  };
}
