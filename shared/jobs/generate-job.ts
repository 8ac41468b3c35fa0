/**
 * @module shared/jobs/generate-job
 * The `generate` queue's job payload and result, validated at both ends of the queue.
 * Payloads carry storage keys (HMAC of tenant and user), never raw user ids.
 */
import { z } from 'zod';
import { STYLES } from '../api/profile';
import { contentPreferencesSchema } from '../personalization/content-filter';

export const GENERATE_QUEUE = 'generate';
/** Most candidates one job may generate (best-of mode). */
export const MAX_CANDIDATES = 4;
/** Most expert adapters routed to one job. */
export const MAX_ROUTED_EXPERTS = 4;
/** An expert adapter's id: lower-case letters, digits, `-` and `_` (e.g. `domain-code`, `cluster-3`). */
export const expertIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'is not an expert id');
/** BullMQ key prefix; the `{…}` hash tag keeps a queue's keys in one Redis Cluster slot. */
export const QUEUE_PREFIX = '{attune}';

export const generateJobSchema = z.strictObject({
  job_id: z.string().min(8).max(64),
  /** The user's storage key: HMAC-SHA256(pepper, user:<len(tenant)>:<tenant>:<user>), hex (shared/crypto/hmac.ts). */
  owner: z.string().regex(/^[0-9a-f]{64}$/),
  /** The tenant's storage key: HMAC-SHA256(pepper, tenant:<len>:<tenant>), hex. */
  tenant: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.enum(['generate', 'chat']),
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
  params: z.strictObject({
    max_new_tokens: z.number().int().min(1).max(4096),
    temperature: z.number().min(0).max(2),
    top_p: z.number().gt(0).max(1),
    seed: z.number().int().optional(),
    stop: z.array(z.string().min(1)).max(8).default([]),
  }),
  /** Publish tokens to the job's Redis stream as they are generated. */
  stream: z.boolean(),
  /** Whether the edge holds a webhook registration for this job (the URL itself stays at the edge). */
  webhook: z.boolean().default(false),
  personalized: z.boolean(),
  /** Why personalization was skipped (e.g. the privacy budget is spent). */
  personalization_skipped: z.string().max(200).optional(),
  /**
   * Expert adapters the edge's router chose (shared/personalization/expert-router.ts), mixed by the
   * worker with the user's own adapter into one stacked adapter. Weights are the router's (sum 1).
   */
  experts: z.array(z.strictObject({ id: expertIdSchema, weight: z.number().min(0).max(1) })).max(MAX_ROUTED_EXPERTS).default([]),
  /**
   * Best-of-N and content preferences: the worker generates `candidates` responses, drops those the
   * user's content preferences exclude, and returns the one the user's style preference scores best.
   * Absent: one candidate, no filtering.
   */
  selection: z
    .strictObject({
      candidates: z.number().int().min(1).max(MAX_CANDIDATES),
      /** Posterior mean of the user's style preference (from the edge's preference model); sums to ~1. */
      style_weights: z.partialRecord(z.enum(STYLES), z.number().min(0).max(1)).optional(),
      content: contentPreferencesSchema.optional(),
    })
    .optional(),
  created_at: z.string(),
});
export type GenerateJob = z.infer<typeof generateJobSchema>;

export const generateJobResultSchema = z.object({
  text: z.string(),
  /** `content_filter`: every candidate was dropped by the user's content preferences; `text` is empty. */
  finish_reason: z.enum(['eos', 'length', 'stop', 'aborted', 'content_filter']),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
  model: z.string(),
  timings: z.object({ queued_ms: z.number(), first_token_ms: z.number(), total_ms: z.number() }),
  /** What best-of-N and the content filter did, when the job asked for `selection`. */
  selection: z
    .object({
      candidates: z.number().int(),
      /** Candidates the content preferences dropped. */
      removed: z.number().int(),
      /** Index of the returned candidate, or null when every one was dropped. */
      chosen: z.number().int().nullable(),
      /** Preference score of each candidate (null for a dropped one). */
      scores: z.array(z.number().nullable()),
    })
    .optional(),
  /** Expert adapters mixed into the served adapter (ids), when the job routed any. */
  experts: z.array(z.string()).optional(),
});
export type GenerateJobResult = z.infer<typeof generateJobResultSchema>;

/** Body of the worker → edge completion report (`POST /internal/jobs/{id}/complete`). */
export const completionReportSchema = z.strictObject({
  job_id: z.string(),
  owner: z.string(),
  tenant: z.string(),
  status: z.enum(['completed', 'failed']),
  result: generateJobResultSchema.optional(),
  error: z.string().optional(),
});
export type CompletionReport = z.infer<typeof completionReportSchema>;

/** Redis keys outside BullMQ, each with the job's hash tag so a job's keys share a slot. */
export const redisKeys = {
  /** Token stream of a job (XADD by the worker, XREAD by the edge's SSE). */
  tokenStream: (jobId: string) => `attune:{job:${jobId}}:tokens`,
  /** Worker heartbeats: a sorted set of worker id → last beat (ms). */
  workerHeartbeats: 'attune:{workers}:heartbeats',
  /** Output-scan redactions: hash of `<tenantKey>:<TYPE>` and `<tenantKey>:total` → count. */
  outputRedactions: 'attune:{metrics}:output_pii_redactions',
} as const;

/** Seconds a token stream is kept after its last entry. */
export const TOKEN_STREAM_TTL_S = 600;
