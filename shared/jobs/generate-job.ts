/**
 * @module shared/jobs/generate-job
 * The `generate` queue's job payload and result, validated at both ends of the queue.
 * Payloads carry storage keys (HMAC of tenant and user), never raw user ids.
 */
import { z } from 'zod';

export const GENERATE_QUEUE = 'generate';
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
  created_at: z.string(),
});
export type GenerateJob = z.infer<typeof generateJobSchema>;

export const generateJobResultSchema = z.object({
  text: z.string(),
  finish_reason: z.enum(['eos', 'length', 'stop', 'aborted']),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
  model: z.string(),
  timings: z.object({ queued_ms: z.number(), first_token_ms: z.number(), total_ms: z.number() }),
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
