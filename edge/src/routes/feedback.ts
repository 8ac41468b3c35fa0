/**
 * @module edge/routes/feedback
 * `POST /v1/feedback`: a rating (and optionally a preferred response or comment) on one of the
 * caller's jobs, stored in their UserState object. In the same call the object learns from the
 * rating in real time: the preference posteriors credit the template attributes the job was
 * generated with (reward (rating − 3)/2), and the satisfaction stream's Page-Hinkley detector may
 * flag a drift (personalization-store.ts), so the caller's next request already reflects it.
 * Good ratings and preferred responses also become training examples for the user's adapter
 * (queue-training.ts).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { feedbackRequestSchema } from '../../../shared/api/generate';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { readOwnedJob } from '../queue/generate-queue';
import { withRedis } from '../queue/redis-connection';
import { userStateStub } from '../state/user-state';
import { learnFromFeedback } from '../jobs/queue-training';
import { authedErrors, notFound, unavailableResponse } from './route-helpers';

const acceptedSchema = z.object({
  accepted: z.literal(true),
  feedback_count: z.number().int(),
  training_queued: z.boolean().describe('true when this feedback completed a batch and an adapter training job was queued'),
});

export function registerFeedbackRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post', path: '/v1/feedback', summary: 'Rate a response',
      request: { body: { required: true, content: { 'application/json': { schema: feedbackRequestSchema } } } },
      responses: { 202: { description: 'recorded', content: { 'application/json': { schema: acceptedSchema } } }, ...authedErrors, ...notFound, ...unavailableResponse },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const ownerKey = c.get('ownerKey');
      const job = await withRedis(c.env.REDIS_URL, (redis) => readOwnedJob(redis, body.job_id, ownerKey));
      if (!job) throw new ApiHttpError(404, 'not_found', `no job ${body.job_id}`, 'job_id');
      const { count } = await userStateStub(c.env, ownerKey).addFeedback(ownerKey, {
        job_id: body.job_id, rating: body.rating, preferred_response: body.preferred_response ?? null, comment: body.comment ?? null,
      });
      const trainingQueued = await learnFromFeedback(c, job, body);
      return c.json({ accepted: true as const, feedback_count: count, training_queued: trainingQueued }, 202);
    },
  );
}
