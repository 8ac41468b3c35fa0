/**
 * @module shared/jobs/train-adapter-job
 * The `train-adapter` queue's job payload and result, validated at both ends of the queue, and
 * the Redis keys of a user's adapter store. The edge enqueues a job from feedback: SFT examples
 * (a conversation and the response the user wants) and preference pairs (a conversation, the
 * preferred and the rejected response). Texts are sanitized at the edge (PII placeholders such
 * as `<EMAIL_1>`), so they may sit in Redis; the worker never logs them.
 */
import { z } from 'zod';

export const TRAIN_ADAPTER_QUEUE = 'train-adapter';

/** Projections a job may adapt (Llama names); the worker also requires them to be compiled. */
export const TRAIN_ADAPTER_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;

/** Defaults of the optional fields, in one place. */
export const TRAIN_ADAPTER_DEFAULTS = {
  steps: 50,
  lr: 5e-3,
  rank: 8,
  alpha: 16,
  targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as (typeof TRAIN_ADAPTER_TARGETS)[number][],
} as const;

/** Most SFT examples, and most preference pairs, in one job. */
export const MAX_TRAIN_EXAMPLES = 64;

const storageKey = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character lowercase hex storage key');

/** Chat turns before the response: at least one, the last one the user's. */
const conversation = z
  .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(200_000) }))
  .min(1)
  .max(256)
  .refine((turns) => turns.at(-1)?.role === 'user', 'must end with a user turn');

const text = z.string().min(1).max(200_000);

export const trainAdapterJobSchema = z
  .strictObject({
    job_id: z.string().min(8).max(64),
    /** The user's storage key (HMAC-SHA256(pepper, user:…), hex): whose adapter is trained. */
    owner: storageKey,
    /** The tenant's storage key. */
    tenant: storageKey,
    /** Supervised examples: the model learns `response` after `messages`. */
    sft: z.array(z.strictObject({ messages: conversation, response: text })).max(MAX_TRAIN_EXAMPLES).default([]),
    /** Preference pairs for DPO: `chosen` is preferred to `rejected` after `messages`. */
    preferences: z.array(z.strictObject({ messages: conversation, chosen: text, rejected: text })).max(MAX_TRAIN_EXAMPLES).default([]),
    /** Optimizer steps in all (SFT, then DPO). @default 50 */
    steps: z.number().int().min(1).max(500).default(TRAIN_ADAPTER_DEFAULTS.steps),
    /** AdamW learning rate. @default 5e-3 */
    lr: z.number().gt(0).max(100).default(TRAIN_ADAPTER_DEFAULTS.lr),
    /** LoRA rank of a new adapter. @default 8 */
    rank: z.number().int().min(1).max(64).default(TRAIN_ADAPTER_DEFAULTS.rank),
    /** LoRA alpha of a new adapter (scale = alpha / rank). @default 16 */
    alpha: z.number().gt(0).max(1024).default(TRAIN_ADAPTER_DEFAULTS.alpha),
    /** Projections a new adapter modifies. @default q_proj, k_proj, v_proj, o_proj */
    targets: z
      .array(z.enum(TRAIN_ADAPTER_TARGETS))
      .min(1)
      .refine((t) => new Set(t).size === t.length, 'must not repeat a target')
      .default(TRAIN_ADAPTER_DEFAULTS.targets),
    /**
     * Private mode: train with DP-SGD (Poisson sampling at q = batch / examples per phase, per-example
     * clipping at `clip_norm`, Gaussian noise σ·C). The edge charged the run's ε to the user's ledger
     * before queueing it; the worker runs exactly the plan of `train-adapter-plan.ts` for these fields.
     */
    dp: z
      .strictObject({
        noise_multiplier: z.number().gt(0).max(1000),
        clip_norm: z.number().gt(0).max(1000),
        /** ε and δ the ledger was charged (for the record; the worker checks σ against them). */
        epsilon: z.number().gt(0).max(100),
        delta: z.number().gt(0).lt(1),
      })
      .optional(),
    /** Why the run was queued: enough feedback gathered, or a drift alarm asked to refresh the adapter. */
    reason: z.enum(['feedback', 'drift_refresh']).optional(),
    created_at: z.string(),
  })
  .superRefine((job, ctx) => {
    if (job.sft.length === 0 && job.preferences.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['sft'], message: 'sft or preferences must hold at least one example' });
    }
  });
/** A validated job (defaults filled in). */
export type TrainAdapterJob = z.infer<typeof trainAdapterJobSchema>;
/** What a producer enqueues: fields with defaults may be left out. */
export type TrainAdapterJobInput = z.input<typeof trainAdapterJobSchema>;

export const trainAdapterJobResultSchema = z.object({
  /** The user's current adapter version after the job (the previous one, or null, when rolled back). */
  version: z.number().int().nullable(),
  /** Optimizer steps run. */
  steps: z.number().int(),
  first_loss: z.number().nullable(),
  last_loss: z.number().nullable(),
  /** True when the trained adapter was discarded (non-finite loss or divergence). */
  rolled_back: z.boolean(),
  reason: z.string().optional(),
  /** Private mode: the ε the run cost (as charged at the edge). */
  epsilon: z.number().optional(),
});
export type TrainAdapterJobResult = z.infer<typeof trainAdapterJobResultSchema>;

/**
 * Redis keys of a user's adapters. The `{user:<owner>}` hash tag keeps them in one cluster slot,
 * and erasure deletes `attune:{user:<owner>}:*`.
 */
export const adapterRedisKeys = {
  /** Hash: current, versions (JSON list), updated_at, latest (highest version assigned), epoch. */
  meta: (owner: string) => `attune:{user:${owner}}:adapter:meta`,
  /** One sealed adapter version. */
  version: (owner: string, version: number) => `attune:{user:${owner}}:adapter:v${version}`,
  /** Held while a training job for the user runs. */
  trainLock: (owner: string) => `attune:{user:${owner}}:train-lock`,
} as const;
