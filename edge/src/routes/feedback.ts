/**
 * @module edge/routes/feedback
 * `POST /v1/feedback`: what the caller thought of one of their jobs — a 1–5 rating, thumbs up or
 * down, a choice between two of their responses (`chosen_over`), or their own edit
 * (`edited_response`) — optionally with a preferred response and a comment, stored in their
 * UserState object. In the same call the object learns from it in real time: the preference
 * posteriors credit the template attributes the jobs were generated with, and ratings and thumbs
 * feed the satisfaction stream's Page-Hinkley detector (personalization-store.ts), so the caller's
 * next request already reflects it. Good responses, choices, edits and preferred responses also
 * become training examples for the user's adapter; after a drift alarm a refresh of the adapter is
 * queued as soon as two examples wait (queue-training.ts).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { feedbackRequestSchema, type FeedbackRequest } from '../../../shared/api/generate';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { readOwnedJob } from '../queue/generate-queue';
import { withRedisSession } from '../queue/redis-connection';
import type { FeedbackRecord } from '../state/feedback-records';
import { userStateStub } from '../state/user-state';
import { afterFeedback } from '../jobs/cluster-contribution';
import { feedbackSignal } from '../jobs/feedback-signal';
import { examplesFromFeedback, queueTrainingBatch, trainingThresholds } from '../jobs/queue-training';
import { authedErrors, notFound, unavailableResponse } from './route-helpers';

const acceptedSchema = z.object({
  accepted: z.literal(true),
  feedback_count: z.number().int(),
  training_queued: z.boolean().describe('true when this feedback completed a batch and an adapter training job was queued'),
});

export function registerFeedbackRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post', path: '/v1/feedback', summary: 'Say what you thought of a response: a rating, thumbs, a choice between two responses, or your own edit',
      request: { body: { required: true, content: { 'application/json': { schema: feedbackRequestSchema } } } },
      responses: { 202: { description: 'recorded', content: { 'application/json': { schema: acceptedSchema } } }, ...authedErrors, ...notFound, ...unavailableResponse },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const ownerKey = c.get('ownerKey');
      // One Redis connection and one UserState call on the common path (the < 20 ms target).
      const { count, trainingQueued } = await withRedisSession(c.env.REDIS_URL, async (step) => {
        const [job, rejectedJob] = await step((redis) => Promise.all([
          readOwnedJob(redis, body.job_id, ownerKey), body.chosen_over ? readOwnedJob(redis, body.chosen_over, ownerKey) : Promise.resolve(null),
        ]));
        if (!job) throw new ApiHttpError(404, 'not_found', `no job ${body.job_id}`, 'job_id');
        if (body.chosen_over && !rejectedJob) throw new ApiHttpError(404, 'not_found', `no job ${body.chosen_over}`, 'chosen_over');
        const examples = await examplesFromFeedback(c, job, body, rejectedJob?.result ? { text: rejectedJob.result.text } : null);
        const learned = await userStateStub(c.env, ownerKey).addFeedback(ownerKey, feedbackRecord(body), feedbackSignal(body, job.result?.text), {
          examples, ...trainingThresholds(c.env),
        });
        afterFeedback(c.env, c.executionCtx, c.get('tenantKey'), ownerKey, learned);
        return { count: learned.count, trainingQueued: await queueTrainingBatch(c, step, learned.taken, learned.refreshRequested) };
      });
      return c.json({ accepted: true as const, feedback_count: count, training_queued: trainingQueued }, 202);
    },
  );
}

/** The entry kept in the user's state (sealed there; exported by `GET /v1/me/export`). */
function feedbackRecord(body: FeedbackRequest): Omit<FeedbackRecord, 'created_at'> {
  return {
    job_id: body.job_id, rating: body.rating ?? null, thumbs: body.thumbs ?? null, chosen_over: body.chosen_over ?? null,
    edited_response: body.edited_response ?? null, preferred_response: body.preferred_response ?? null, comment: body.comment ?? null,
  };
}
