/**
 * @module edge/routes/jobs
 * `GET /v1/jobs/{id}`: status, result and timings, for the job's owner only (anyone else: 404).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { jobIdParamSchema, jobStatusSchema, type JobStatusBody } from '../../../shared/api/generate';
import type { AppEnv } from '../env';
import { ApiHttpError } from '../http/api-error';
import { readOwnedJob, type OwnedJob } from '../queue/generate-queue';
import { withRedis } from '../queue/redis-connection';
import { restoreText } from '../privacy/restore-output';
import { tenantPrivacy } from '../privacy/tenant-config';
import type { PiiPolicy } from '../../../shared/privacy/pii/policy';
import { userStateStub } from '../state/user-state';
import { authedErrors, notFound, unavailableResponse } from './route-helpers';

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

/** The public view of a job. */
export function jobStatusBody(jobId: string, job: OwnedJob, vault: Record<string, string> = {}, policy: PiiPolicy = {}): JobStatusBody {
  return {
    job_id: jobId,
    status: job.status,
    ...(job.result
      ? {
          result: {
            text: restoreText(job.result.text, vault, policy).text, finish_reason: job.result.finish_reason, usage: job.result.usage, model: job.result.model,
            personalized: job.data.personalized, ...(job.data.personalization_skipped ? { personalization_skipped: job.data.personalization_skipped } : {}),
            ...(job.result.selection ? { candidates: job.result.selection.candidates } : {}), ...(job.result.experts?.length ? { experts: job.result.experts } : {}),
          },
        }
      : {}),
    ...(job.error ? { error: { message: job.error } } : {}),
    timings: {
      created_at: iso(job.createdAt)!,
      started_at: iso(job.startedAt),
      finished_at: iso(job.finishedAt),
      queue_ms: job.startedAt ? job.startedAt - job.createdAt : null,
      run_ms: job.startedAt && job.finishedAt ? job.finishedAt - job.startedAt : null,
    },
  };
}

export function registerJobRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/jobs/{id}', summary: "Read one of the caller's jobs",
      request: { params: jobIdParamSchema },
      responses: { 200: { description: 'job', content: { 'application/json': { schema: jobStatusSchema } } }, ...authedErrors, ...notFound, ...unavailableResponse },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const job = await withRedis(c.env.REDIS_URL, (redis) => readOwnedJob(redis, id, c.get('ownerKey')));
      if (!job) throw new ApiHttpError(404, 'not_found', `no job ${id}`);
      const owner = c.get('ownerKey');
      const vault = job.result ? await userStateStub(c.env, owner).openVault(owner, id) : {};
      const { piiPolicy } = await tenantPrivacy(c.env, c.get('tenantKey'));
      return c.json(jobStatusBody(id, job, vault, piiPolicy), 200);
    },
  );
}
