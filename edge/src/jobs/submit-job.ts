/**
 * @module edge/jobs/submit-job
 * The path every generation request takes before the queue: replace personal data with
 * placeholders (the vault stays at the edge, sealed in UserState), charge the privacy budget for
 * personalization, then one call to the user's UserState object records the job and
 * the interaction and returns the personalization (system template from the learned and explicit
 * preferences, retrieved memories), and the job is queued. When the budget is spent the prompt goes
 * unpersonalized. A job id is returned only after Redis stored the job.
 */
import type { Context } from 'hono';
import type { Domain } from '../../../shared/api/profile';
import type { GenerateJob } from '../../../shared/jobs/generate-job';
import { classifyDomain } from '../../../shared/personalization/domain-classifier';
import { localHour } from '../../../shared/personalization/interaction-analytics';
import { composeMessages, promptOf } from '../../../shared/personalization/personalize-request';
import type { ChatTurn } from '../../../shared/personalization/prompt-builder';
import { embedText } from '../../../shared/personalization/text-embedding';
import type { AppEnv } from '../env';
import type { ChosenAttribute } from '../../../shared/personalization/template-library';
import { countRequest } from '../metrics/personalization-metrics';
import { BUDGET_EXHAUSTED_REASON, chargePersonalization } from '../privacy/budget-check';
import { sanitizeTurns } from '../privacy/sanitize-request';
import { enqueueGenerateJob, newJobId } from '../queue/generate-queue';
import { withRedis } from '../queue/redis-connection';
import type { InteractionOutcome } from '../state/personalization-store';
import { userStateStub } from '../state/user-state';
import type { ReleasedClusters } from '../../../shared/personalization/population-clusters';
import { releasedClustersKvKey } from '../state/population-keys';
import { routeJobExperts } from './expert-routing';

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
  /** Add the user's relevant memories to the prompt. @default true */
  useMemories?: boolean;
  /** Candidates to generate (best-of mode); the profile's `best_of` when absent, else 1. */
  bestOf?: number;
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

/**
 * Where the request comes from, for the user's analytics only: the country Cloudflare saw (two
 * letters, nothing finer) and the hour of the day — local when `x-timezone` names a valid IANA
 * zone, otherwise UTC.
 */
export function requestContext(c: Context<AppEnv>, now: number): { country: string | null; hour: number } {
  const cf = (c.req.raw as { cf?: { country?: unknown } }).cf;
  const country = typeof cf?.country === 'string' && /^[A-Z0-9]{2}$/.test(cf.country) ? cf.country : null;
  return { country, hour: localHour(now, c.req.header('x-timezone')) ?? new Date(now).getUTCHours() };
}

/**
 * Attributes the template states from what the engine learned (`LEARNED_TEMPLATE_ATTRIBUTES`,
 * comma-separated; default `style`): those whose sentences the served model was trained on. The
 * default model follows "Write in a … style." 99.8% of the time, but only 65% when tone, length
 * and complexity sentences it never saw are added. Explicit profile fields are always stated.
 */
export function learnedTemplateAttributes(env: AppEnv['Bindings']): ChosenAttribute[] {
  const raw = (env as unknown as Record<string, string | undefined>).LEARNED_TEMPLATE_ATTRIBUTES ?? 'style';
  const known: readonly string[] = ['style', 'tone', 'length', 'complexity'];
  return raw.split(',').map((a) => a.trim()).filter((a): a is ChosenAttribute => known.includes(a));
}

export async function submitJob(c: Context<AppEnv>, req: JobRequest): Promise<SubmittedJob> {
  const owner = c.get('ownerKey');
  const state = userStateStub(c.env, owner);
  const jobId = req.jobId ?? newJobId();
  const refund = (seq: number | null, reason: string) => (seq === null ? Promise.resolve() : state.refundCharge(owner, seq, reason).then(() => undefined, () => undefined));
  const sanitized = await sanitizeTurns(c, req.messages, req.kind === 'generate' ? 'prompt' : 'messages');
  // Every request is templated (a user the engine knows nothing about gets exploratory draws), so
  // every request is charged; the charge decides whether the engine may personalize it.
  const charge = await chargePersonalization(c);
  let chargeSeq = charge.ok ? charge.seq : null;

  const prompt = promptOf(sanitized.messages);
  const classification = classifyDomain(prompt);
  const plan = await state.beginInteraction(owner, {
    jobId, vault: sanitized.vault, personalize: charge.ok, requestDomain: req.domain, classification,
    embedding: embedText(prompt), useMemories: req.useMemories ?? true, learnedAttributes: learnedTemplateAttributes(c.env),
    released: await releasedClusters(c.env, c.get('tenantKey')), ...requestContext(c, Date.now()),
  });
  if (!plan.personalized && chargeSeq !== null) {
    await refund(chargeSeq, 'nothing to personalize');
    chargeSeq = null;
  }
  const personalized = plan.personalized;
  const personalizationSkipped = charge.ok ? undefined : charge.reason;
  const messages = personalized ? composeMessages(plan.system, plan.memoryTexts, sanitized.messages) : sanitized.messages;
  // The retention sweep finds users through this registry (Durable Objects cannot be listed).
  if (plan.registered) c.executionCtx.waitUntil(c.env.ATTUNE_KV.put(`users:${owner}`, c.get('tenantKey')));
  const job: GenerateJob = {
    job_id: jobId, owner, tenant: c.get('tenantKey'), kind: req.kind, messages, params: req.params,
    stream: req.stream, webhook: req.webhook, personalized, experts: [], ...(personalizationSkipped ? { personalization_skipped: personalizationSkipped } : {}),
    ...selectionFor(req, plan), created_at: new Date().toISOString(),
  };
  let queued = false;
  try {
    await withRedis(c.env.REDIS_URL, async (redis) => {
      // Experts use the user's embedding only to serve that user's own request.
      job.experts = await routeJobExperts(redis, c.env, job.tenant, classification, plan.personalized ? plan.clusterPoint : null);
      await enqueueGenerateJob(redis, job);
      queued = true;
      await countRequest(redis, c.get('tenantKey'), { personalized, budgetExhausted: personalizationSkipped === BUDGET_EXHAUSTED_REASON, adaptationMs: plan.adaptationMs });
    });
  } catch (error) {
    // Once the job is queued, counters that could not be written must not fail the request.
    if (queued) console.error(JSON.stringify({ level: 'warn', msg: 'personalization counters not written', error: error instanceof Error ? error.message : String(error) }));
    else {
      // Nothing was generated, so nothing was released: take the charge back.
      await refund(chargeSeq, 'job could not be queued');
      throw error;
    }
  }
  return { jobId, personalized, vault: sanitized.vault, ...(personalizationSkipped ? { personalizationSkipped } : {}) };
}

/**
 * Best-of-N and content preferences for the worker: `candidates` from the request or the profile,
 * scored by the user's style weights (only when the request is personalized), filtered by the
 * profile's content preferences. Absent when there is nothing to choose or filter.
 */
export function selectionFor(req: Pick<JobRequest, 'bestOf'>, plan: Pick<InteractionOutcome, 'bestOf' | 'content' | 'styleWeights'>): Pick<GenerateJob, 'selection'> {
  const candidates = req.bestOf ?? plan.bestOf ?? 1;
  const content = plan.content && (plan.content.excluded_topics?.length || (plan.content.profanity && plan.content.profanity !== 'allow')) ? plan.content : null;
  if (candidates === 1 && !content) return {};
  return { selection: { candidates, ...(plan.styleWeights ? { style_weights: plan.styleWeights } : {}), ...(content ? { content } : {}) } };
}

/** The tenant's latest released population clusters (KV snapshot, eventually consistent), or null. */
async function releasedClusters(env: AppEnv['Bindings'], tenantKey: string): Promise<ReleasedClusters | null> {
  return env.ATTUNE_KV.get<ReleasedClusters>(releasedClustersKvKey(tenantKey), { type: 'json', cacheTtl: 60 }).catch(() => null);
}
