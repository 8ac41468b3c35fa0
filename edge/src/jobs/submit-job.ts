/**
 * @module edge/jobs/submit-job
 * The path every generation request takes before the queue: load the user's state, replace
 * personal data with placeholders (the vault stays at the edge, sealed in UserState), charge the
 * privacy budget for personalization or fall back to an unpersonalized prompt, build the prompt,
 * and queue the job. A job id is returned only after Redis stored the job.
 */
import type { Context } from 'hono';
import type { Domain } from '../../../shared/api/profile';
import type { GenerateJob } from '../../../shared/jobs/generate-job';
import { buildPersonalizedMessages, type ChatTurn } from '../../../shared/personalization/prompt-builder';
import type { AppEnv } from '../env';
import { enqueueGenerateJob, newJobId } from '../queue/generate-queue';
import { withRedis } from '../queue/redis-connection';
import { userStateStub } from '../state/user-state';
import { sanitizeTurns } from '../privacy/sanitize-request';
import { chargePersonalization } from '../privacy/budget-check';

/** What a route asks for. */
export interface JobRequest {
  kind: GenerateJob['kind'];
  messages: ChatTurn[];
  domain?: Domain;
  params: GenerateJob['params'];
  stream: boolean;
  /** Set when the route registered a webhook for `jobId`. */
  webhook: boolean;
  jobId?: string;
}

/** What the route reports back. */
export interface SubmittedJob {
  jobId: string;
  personalized: boolean;
  /** Why personalization was skipped, when it was. */
  personalizationSkipped?: string;
  /** Placeholder → value, to restore what the owner receives (never leaves the edge). */
  vault: Record<string, string>;
}

export async function submitJob(c: Context<AppEnv>, req: JobRequest): Promise<SubmittedJob> {
  const owner = c.get('ownerKey');
  const state = userStateStub(c.env, owner);
  const jobId = req.jobId ?? newJobId();
  const [profile, sanitized] = await Promise.all([state.getProfile(owner), sanitizeTurns(c, req.messages, req.kind === 'generate' ? 'prompt' : 'messages')]);
  const wanted = buildPersonalizedMessages(profile, sanitized.messages, req.domain);
  let messages = wanted.messages;
  let personalized = wanted.personalized;
  let personalizationSkipped: string | undefined;
  let chargeSeq: number | null = null;
  if (personalized) {
    const charge = await chargePersonalization(c);
    if (charge.ok) chargeSeq = charge.seq;
    else {
      messages = sanitized.messages;
      personalized = false;
      personalizationSkipped = charge.reason;
    }
  }
  const { registered } = await state.recordJob(owner, jobId, sanitized.vault);
  // The retention sweep finds users through this registry (Durable Objects cannot be listed).
  if (registered) c.executionCtx.waitUntil(c.env.ATTUNE_KV.put(`users:${owner}`, c.get('tenantKey')));
  const job: GenerateJob = {
    job_id: jobId, owner, tenant: c.get('tenantKey'), kind: req.kind, messages, params: req.params,
    stream: req.stream, webhook: req.webhook, personalized, ...(personalizationSkipped ? { personalization_skipped: personalizationSkipped } : {}),
    created_at: new Date().toISOString(),
  };
  try {
    await withRedis(c.env.REDIS_URL, (redis) => enqueueGenerateJob(redis, job));
  } catch (error) {
    // Nothing was generated, so nothing was released: take the charge back.
    if (chargeSeq !== null) await state.refundCharge(owner, chargeSeq, 'job could not be queued').catch(() => {});
    throw error;
  }
  return { jobId, personalized, vault: sanitized.vault, ...(personalizationSkipped ? { personalizationSkipped } : {}) };
}
