/**
 * @module edge/routes/internal
 * `POST /internal/jobs/{id}/complete`: a worker reports a finished job. Authenticated by an
 * HMAC-SHA256 signature over timestamp and body with the shared INTERNAL_API_SECRET (not a
 * user token). The edge checks the job is real and matches the report, then hands the result
 * to the job's webhook delivery object when the job has a webhook.
 */
import { Hono } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { apiError, validationError } from '../../../shared/api/errors';
import { verifyInternalRequest } from '../../../shared/crypto/hmac';
import { completionReportSchema } from '../../../shared/jobs/generate-job';
import type { AppEnv } from '../env';
import { readOwnedJob } from '../queue/generate-queue';
import { withRedis } from '../queue/redis-connection';
import { countRedactions } from '../privacy/redaction-metrics';
import { restoreText } from '../privacy/restore-output';
import { tenantPrivacy } from '../privacy/tenant-config';
import type { PiiPolicy } from '../../../shared/privacy/pii/policy';
import { userStateStub } from '../state/user-state';
import { deriveTenantWebhookSecret } from '../webhooks/signing';
import type { WebhookDelivery } from '../webhooks/webhook-delivery';

/** Header carrying `t=<unix s>,v1=<hex hmac>`. */
export const SIGNATURE_HEADER = 'x-attune-signature';

export function registerInternalRoutes(app: OpenAPIHono<AppEnv>): void {
  const internal = new Hono<AppEnv>();
  internal.post('/jobs/:id/complete', async function completeJob(c) {
    const raw = await c.req.text();
    if (!c.env.INTERNAL_API_SECRET || !(await verifyInternalRequest(c.env.INTERNAL_API_SECRET, raw, c.req.header(SIGNATURE_HEADER)))) {
      return c.json(apiError('unauthorized', 'bad or missing internal signature'), 401);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return c.json(apiError('invalid_json', 'request body is not valid JSON'), 400);
    }
    const parsed = completionReportSchema.safeParse(json);
    if (!parsed.success) return c.json(validationError(parsed.error.issues), 400);
    const report = parsed.data;
    const jobId = c.req.param('id');
    if (report.job_id !== jobId) return c.json(apiError('validation_failed', 'job_id does not match the path', 'job_id'), 400);
    const job = await withRedis(c.env.REDIS_URL, (redis) => readOwnedJob(redis, jobId, report.owner));
    if (!job || job.data.tenant !== report.tenant) return c.json(apiError('not_found', `no job ${jobId}`), 404);
    // The output scan runs once per job here (every job's completion passes through this route):
    // personal data the model produced that was not in the user's input is redacted and counted.
    const vault = report.result ? await userStateStub(c.env, report.owner).openVault(report.owner, jobId) : {};
    const restored = report.result ? restoreText(report.result.text, vault, (await tenantPrivacy(c.env, report.tenant)).piiPolicy) : null;
    if (restored?.redacted) c.executionCtx.waitUntil(countRedactions(c.env.REDIS_URL, report.tenant, restored.byType).catch(() => {}));
    if (!job.data.webhook) return c.json({ accepted: true, webhook: 'none' }, 202);
    const stub = c.env.WEBHOOK_DELIVERY.get(c.env.WEBHOOK_DELIVERY.idFromName(jobId)) as unknown as DurableObjectStub<WebhookDelivery>;
    const payload = {
      type: report.status === 'completed' ? 'job.completed' : 'job.failed',
      timestamp: new Date().toISOString(),
      data: {
        job_id: jobId,
        status: report.status,
        ...(report.result && restored ? { result: { text: restored.text, finish_reason: report.result.finish_reason, usage: report.result.usage, model: report.result.model, personalized: job.data.personalized } } : {}),
        ...(report.error ? { error: { message: report.error } } : {}),
      },
    };
    await stub.deliver({ jobId, payload, secret: await deriveTenantWebhookSecret(c.env.WEBHOOK_MASTER_KEY, report.tenant) });
    return c.json({ accepted: true, webhook: 'scheduled' }, 202);
  });
  app.route('/internal', internal);
}
