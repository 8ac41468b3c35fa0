/**
 * @module edge/jobs/queue-training
 * Learning from feedback, in the background of `POST /v1/feedback`: turns ratings, thumbs,
 * choices, edits and preferred responses into training examples for the user's adapter (pseudonymized like every request: the preferred response passes the same PII
 * step; the job's own messages and answer already hold placeholders), keeps them sealed in the
 * user's UserState object, and queues a `train-adapter` job once enough have gathered. In private
 * mode (tenant setting `private_training`) the job runs DP-SGD and its ε is charged first.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Context } from 'hono';
import type { FeedbackRequest } from '../../../shared/api/generate';
import { QUEUE_PREFIX } from '../../../shared/jobs/generate-job';
import { TRAIN_ADAPTER_DEFAULTS, TRAIN_ADAPTER_QUEUE, type TrainAdapterJobInput } from '../../../shared/jobs/train-adapter-job';
import { noiseForPrivateTraining, privatePhases, privateTrainingCharge, privateTrainingEpsilon } from '../../../shared/jobs/train-adapter-plan';
import { tenantPrivacy } from '../privacy/tenant-config';
import type { AppEnv } from '../env';
import { sanitizeTurns } from '../privacy/sanitize-request';
import { readOwnedJob, type OwnedJob } from '../queue/generate-queue';
import { withRedisSession, type RedisStep } from '../queue/redis-connection';
import type { TrainingExample } from '../state/feedback-records';
import { userStateStub } from '../state/user-state';

/** Examples gathered before a training job is queued (`TRAIN_AFTER_EXAMPLES`). @default 8 */
export const DEFAULT_TRAIN_AFTER_EXAMPLES = 8;

/** Examples waiting before a drift alarm's adapter refresh is queued anyway (fewer: it waits for more). */
export const REFRESH_AFTER_EXAMPLES = 2;

/** What the other job of a choice contributes: its messages' answer, already pseudonymized. */
export interface RejectedAnswer {
  text: string;
}

/**
 * The user's own text in a feedback (an edit, else a preferred response), pseudonymized like a
 * prompt, or null. Runs before the `202`, so a text too full of personal data is refused (`400`
 * naming the field) instead of dropped later.
 */
export async function sanitizedWrittenResponse(c: Context<AppEnv>, feedback: FeedbackRequest): Promise<string | null> {
  const written = feedback.edited_response ?? feedback.preferred_response;
  if (written === undefined) return null;
  const field = feedback.edited_response !== undefined ? 'edited_response' : 'preferred_response';
  return (await sanitizeTurns(c, [{ role: 'assistant', content: written }], field)).messages[0].content;
}

/**
 * The examples one piece of feedback yields (texts pseudonymized: `written` already passed the PII
 * step; the jobs' messages and answers hold placeholders):
 * - a preferred response or an edit: SFT on it, and a preference pair over the job's answer;
 * - a choice: a preference pair of this job's answer over the other job's, and SFT on it;
 * - a rating of 4–5 or thumbs up: SFT on the answer.
 */
export function examplesFromFeedback(job: OwnedJob, feedback: FeedbackRequest, written: string | null, rejected: RejectedAnswer | null = null): TrainingExample[] {
  const messages = job.data.messages;
  const answer = job.result?.text;
  const out: TrainingExample[] = [];
  if (written !== null) {
    out.push({ kind: 'sft', messages, response: written });
    if (answer && answer !== written) out.push({ kind: 'preference', messages, chosen: written, rejected: answer });
  } else if (answer && rejected && rejected.text !== answer) {
    out.push({ kind: 'preference', messages, chosen: answer, rejected: rejected.text });
    out.push({ kind: 'sft', messages, response: answer });
  } else if (answer && ((feedback.rating ?? 0) >= 4 || feedback.thumbs === 'up')) {
    out.push({ kind: 'sft', messages, response: answer });
  }
  return out;
}

/**
 * Background half of `POST /v1/feedback` (after the `202`): reads the job(s) from Redis, derives
 * the training examples, hands them to the user's UserState object, which keeps them and returns a
 * batch once enough are waiting (8, or 2 after a drift alarm: the adapter refresh), and queues the
 * batch. A job already gone from Redis (kept 24 h) yields no example. Returns whether it queued.
 */
export async function gatherTraining(c: Context<AppEnv>, feedback: FeedbackRequest, written: string | null, refreshRequested: boolean): Promise<boolean> {
  const owner = c.get('ownerKey');
  return withRedisSession(c.env.REDIS_URL, async (step) => {
    const [job, rejectedJob] = await step((redis) => Promise.all([
      readOwnedJob(redis, feedback.job_id, owner), feedback.chosen_over ? readOwnedJob(redis, feedback.chosen_over, owner) : Promise.resolve(null),
    ]));
    const examples = job ? examplesFromFeedback(job, feedback, written, rejectedJob?.result ? { text: rejectedJob.result.text } : null) : [];
    if (!examples.length && !refreshRequested) return false;
    const { taken, refresh } = await userStateStub(c.env, owner).addTrainingExamples(owner, examples, trainingThresholds(c.env));
    return queueTrainingBatch(c, step, taken, refresh);
  });
}

/** How many waiting examples make a batch: `TRAIN_AFTER_EXAMPLES` (default 8), and after a drift alarm {@link REFRESH_AFTER_EXAMPLES}. */
export function trainingThresholds(env: AppEnv['Bindings']): { normal: number; refresh: number } {
  const normal = Number((env as unknown as Record<string, string>).TRAIN_AFTER_EXAMPLES) || DEFAULT_TRAIN_AFTER_EXAMPLES;
  return { normal, refresh: Math.min(normal, REFRESH_AFTER_EXAMPLES) };
}

/**
 * Queues a `train-adapter` job for a batch the user's UserState object handed over (it keeps the
 * examples and decides when a batch is full: 8 waiting, or 2 after a drift alarm — the refresh),
 * on the request's Redis connection. In private mode the run's ε is charged first (and refunded
 * when queueing fails); a refused charge drops the batch. Returns whether it queued.
 */
export async function queueTrainingBatch(c: Context<AppEnv>, step: RedisStep, batch: TrainingExample[], refresh: boolean): Promise<boolean> {
  if (!batch.length) return false;
  const owner = c.get('ownerKey');
  const state = userStateStub(c.env, owner);
  const sft = batch.filter((e) => e.kind === 'sft').map((e) => ({ messages: e.messages, response: e.response }));
  const preferences = batch.filter((e) => e.kind === 'preference').map((e) => ({ messages: e.messages, chosen: e.chosen, rejected: e.rejected }));
  const privacy = await tenantPrivacy(c.env, c.get('tenantKey'));
  let dp: TrainAdapterJobInput['dp'];
  let chargeSeq: number | null = null;
  if (privacy.privateTraining) {
    // Private mode: charge the run's ε before queueing it; the worker runs exactly this plan.
    const { epsilonPerRun, clipNorm } = privacy.privateTraining;
    const phases = privatePhases(TRAIN_ADAPTER_DEFAULTS.steps, sft.length, preferences.length);
    const sigma = noiseForPrivateTraining(phases, epsilonPerRun, privacy.budget.delta);
    const outcome = await state.chargeBudget(owner, privateTrainingCharge(phases, sigma), privacy.budget);
    if (!outcome.ok) return false; // budget spent: the examples are dropped, the adapter stays as it is
    chargeSeq = outcome.seq;
    dp = { noise_multiplier: sigma, clip_norm: clipNorm, epsilon: privateTrainingEpsilon(phases, sigma, privacy.budget.delta), delta: privacy.budget.delta };
  }
  const payload: TrainAdapterJobInput = {
    job_id: `train_${crypto.randomUUID().replaceAll('-', '')}`,
    owner,
    tenant: c.get('tenantKey'),
    sft,
    preferences,
    steps: TRAIN_ADAPTER_DEFAULTS.steps,
    ...(dp ? { dp } : {}),
    reason: refresh ? 'drift_refresh' : 'feedback',
    created_at: new Date().toISOString(),
  };
  try {
    await step((redis) => queueTraining(redis, payload));
  } catch (error) {
    if (chargeSeq !== null) await state.refundCharge(owner, chargeSeq, 'training job could not be queued');
    throw error;
  }
  if (refresh) await state.clearAdapterRefresh(owner);
  return true;
}

async function queueTraining(redis: Redis, payload: TrainAdapterJobInput): Promise<void> {
  const queue = new Queue(TRAIN_ADAPTER_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  try {
    // Retries with backoff cover the per-user training lock being held by an earlier job.
    await queue.add('train-adapter', payload, {
      jobId: payload.job_id, attempts: 6, backoff: { type: 'exponential', delay: 10_000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    });
  } finally {
    await queue.close().catch(() => {});
  }
}
