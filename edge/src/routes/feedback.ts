/**
 * @module edge/routes/feedback
 * `POST /v1/feedback`: what the caller thought of one of their jobs — a 1–5 rating, thumbs up or
 * down, a choice between two of their responses (`chosen_over`), or their own edit
 * (`edited_response`) — optionally with a preferred response and a comment. Before the `202`, one
 * call to the caller's UserState object checks the job is theirs, stores the feedback (sealed) and
 * learns from it: the preference posteriors credit the template attributes the jobs were
 * generated with, and ratings and thumbs feed the satisfaction stream's Page-Hinkley detector
 * (personalization-store.ts), so the caller's next request already reflects it. After the `202`,
 * in the background, the feedback's training examples are kept and a `train-adapter` job is
 * queued once enough wait (queue-training.ts; after a drift, two), and a user with enough feedback
 * contributes to the tenant's population clustering (cluster-contribution.ts).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { feedbackRequestSchema, type FeedbackRequest } from '../../../shared/api/generate';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { readOwnedJob } from '../queue/generate-queue';
import { withRedis } from '../queue/redis-connection';
import type { FeedbackRecord } from '../state/feedback-records';
import { userStateStub } from '../state/user-state';
import { afterFeedback } from '../jobs/cluster-contribution';
import { feedbackSignal } from '../jobs/feedback-signal';
import { gatherTraining, sanitizedWrittenResponse } from '../jobs/queue-training';
import { authedErrors, notFound, unavailableResponse } from './route-helpers';

const acceptedSchema = z.object({
  accepted: z.literal(true),
  feedback_count: z.number().int().describe('the caller\'s feedback entries so far'),
});

export function registerFeedbackRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post', path: '/v1/feedback', summary: 'Say what you thought of a response: a rating, thumbs, a choice between two responses, or your own edit',
      request: { body: { required: true, content: { 'application/json': { schema: feedbackRequestSchema } } } },
      responses: { 202: { description: 'recorded and learned from', content: { 'application/json': { schema: acceptedSchema } } }, ...authedErrors, ...notFound, ...unavailableResponse },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const ownerKey = c.get('ownerKey');
      const written = await sanitizedWrittenResponse(c, body);
      // Only an edit needs the answer before the 202 (its length is compared with the edit's).
      const answer = body.edited_response !== undefined ? (await withRedis(c.env.REDIS_URL, (redis) => readOwnedJob(redis, body.job_id, ownerKey)))?.result?.text : undefined;
      const learned = await userStateStub(c.env, ownerKey).addFeedback(ownerKey, feedbackRecord(body), feedbackSignal(body, answer));
      if (learned.missing) throw new ApiHttpError(404, 'not_found', `no job ${body[learned.missing]}`, learned.missing);
      // Training examples and population clustering follow in the background: the 202 waits only
      // for the posterior update (one UserState call; the < 20 ms target).
      // Started on a later turn of the event loop, so the 202 is written before its work begins.
      c.executionCtx.waitUntil(afterResponse().then(() => gatherTraining(c, body, written, learned.refreshRequested)).catch((error: unknown) => {
        console.error(JSON.stringify({ level: 'warn', msg: 'training examples from feedback not kept', error: error instanceof Error ? error.message : String(error) }));
      }));
      afterFeedback(c.env, c.executionCtx, c.get('tenantKey'), ownerKey, learned);
      return c.json({ accepted: true as const, feedback_count: learned.count }, 202);
    },
  );
}

/** Resolves on a later turn of the event loop. */
const afterResponse = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The entry kept in the user's state (sealed there; exported by `GET /v1/me/export`). */
function feedbackRecord(body: FeedbackRequest): Omit<FeedbackRecord, 'created_at'> {
  return {
    job_id: body.job_id, rating: body.rating ?? null, thumbs: body.thumbs ?? null, chosen_over: body.chosen_over ?? null,
    edited_response: body.edited_response ?? null, preferred_response: body.preferred_response ?? null, comment: body.comment ?? null,
  };
}
