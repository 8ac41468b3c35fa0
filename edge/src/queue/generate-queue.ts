/**
 * @module edge/queue/generate-queue
 * Adds generation jobs with BullMQ and reads their state back for their owner. A job id is only
 * returned after Redis has stored the job (Queue.add resolves after its script ran).
 */
import { Queue, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { GENERATE_QUEUE, QUEUE_PREFIX, generateJobResultSchema, type GenerateJob, type GenerateJobResult } from '../../../shared/jobs/generate-job';
import type { JobStatus } from '../../../shared/api/generate';

/** Retry policy of generation jobs. */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  /** Keep finished jobs a day (at most 10,000) so owners can read results; failures a week. */
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

function queueOn(redis: Redis): Queue {
  return new Queue(GENERATE_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
}

/** A fresh job id (URL-safe, unguessable). */
export function newJobId(): string {
  return `job_${crypto.randomUUID().replaceAll('-', '')}`;
}

/** Stores the job; resolves once Redis has it. */
export async function enqueueGenerateJob(redis: Redis, job: GenerateJob): Promise<void> {
  const queue = queueOn(redis);
  try {
    await queue.add('generate', job, { ...JOB_OPTIONS, jobId: job.job_id });
  } finally {
    await queue.close().catch(() => {});
  }
}

/** What an owner may see of a job. */
export interface OwnedJob {
  status: JobStatus;
  data: GenerateJob;
  result: GenerateJobResult | null;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

function statusOf(state: string): JobStatus {
  if (state === 'active') return 'running';
  if (state === 'completed') return 'completed';
  if (state === 'failed') return 'failed';
  return 'queued';
}

/** The job if it exists and belongs to `ownerKey`; otherwise null (callers answer 404 either way). */
export async function readOwnedJob(redis: Redis, jobId: string, ownerKey: string): Promise<OwnedJob | null> {
  const queue = queueOn(redis);
  try {
    // State first, then the job: BullMQ stores the return value and moves the job to completed in
    // one script, so a state read as completed guarantees the later read holds the result (the
    // other order could see "completed" next to a hash read while the job was still active).
    const state = await queue.getJobState(jobId);
    const job: Job | undefined = await queue.getJob(jobId);
    if (!job || (job.data as GenerateJob | undefined)?.owner !== ownerKey) return null;
    const parsed = generateJobResultSchema.safeParse(job.returnvalue);
    return {
      status: statusOf(state),
      data: job.data as GenerateJob,
      result: state === 'completed' && parsed.success ? parsed.data : null,
      error: state === 'failed' ? (job.failedReason ?? 'failed') : null,
      createdAt: job.timestamp,
      startedAt: job.processedOn ?? null,
      finishedAt: job.finishedOn ?? null,
    };
  } finally {
    await queue.close().catch(() => {});
  }
}
