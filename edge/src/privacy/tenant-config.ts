/**
 * @module edge/privacy/tenant-config
 * A tenant's privacy settings: budget cap and period, what costs budget and how much, PII
 * policy per entity type, and data retention. Defaults come from the Worker's vars; a tenant's
 * overrides live in KV under `tenant:<tenantKey>:config` (read-mostly, cached 60 s per isolate).
 */
import { z } from 'zod';
import { DEFAULT_BUDGET_POLICY, type BudgetPolicy } from '../../../shared/privacy/ledger/budget-ledger';
import { piiPolicySchema, type PiiPolicy } from '../../../shared/privacy/pii/policy';
import type { EdgeEnv } from '../env';

const costSchema = z.strictObject({
  mechanism: z.enum(['pure', 'laplace', 'gaussian']),
  /** ε of a pure or Laplace charge. */
  epsilon: z.number().positive().max(10).optional(),
  /** σ/Δ of a Gaussian charge. */
  noise_multiplier: z.number().positive().optional(),
});
export type CostRule = z.infer<typeof costSchema>;

export const tenantConfigSchema = z.strictObject({
  budget: z.strictObject({
    epsilon: z.number().positive().max(100),
    delta: z.number().gt(0).lt(1),
    period: z.enum(['day', 'week', 'month']),
  }).partial().default({}),
  /** What costs budget. Keys are operation kinds (`personalization`, …). */
  costs: z.record(z.string(), costSchema).default({}),
  /** PII handling per entity type: pseudonymize (default), redact, or allow. */
  pii_policy: piiPolicySchema.default({}),
  retention_days: z.number().int().min(1).max(3650).optional(),
  /**
   * Private mode for adapters: every `train-adapter` job runs DP-SGD, its ε (at the budget's δ)
   * charged to the user's ledger before it is queued. Absent: adapters train without DP-SGD.
   */
  private_training: z.strictObject({
    /** ε one training run may cost. */
    epsilon_per_run: z.number().positive().max(10),
    /** Per-example gradient clip norm C. @default 1 */
    clip_norm: z.number().positive().max(100).default(1),
  }).optional(),
});
export type TenantConfigInput = z.input<typeof tenantConfigSchema>;

/** The resolved settings a request works with. */
export interface TenantPrivacy {
  budget: BudgetPolicy;
  costs: Record<string, CostRule>;
  piiPolicy: PiiPolicy;
  retentionDays: number;
  /** DP-SGD for every adapter training run, or null. */
  privateTraining: { epsilonPerRun: number; clipNorm: number } | null;
}

/** Default costs: a personalized request contributes to population metrics under pure ε = 0.002 (500 per month at ε = 1). */
export const DEFAULT_COSTS: Record<string, CostRule> = { personalization: { mechanism: 'pure', epsilon: 0.002 } };
export const DEFAULT_RETENTION_DAYS = 365;

function defaultsFrom(vars: Record<string, string | undefined>): TenantPrivacy {
  const num = (name: string, fallback: number) => {
    const raw = vars[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
    return n;
  };
  const period = (vars.PRIVACY_PERIOD || DEFAULT_BUDGET_POLICY.period) as BudgetPolicy['period'];
  if (!['day', 'week', 'month'].includes(period)) throw new Error('PRIVACY_PERIOD must be day, week or month');
  let costs = DEFAULT_COSTS;
  if (vars.PRIVACY_COSTS) {
    const parsed = z.record(z.string(), costSchema).safeParse(JSON.parse(vars.PRIVACY_COSTS));
    if (!parsed.success) throw new Error(`PRIVACY_COSTS: ${parsed.error.issues[0].message}`);
    costs = parsed.data;
  }
  return {
    budget: { epsilon: num('PRIVACY_EPSILON_CAP', DEFAULT_BUDGET_POLICY.epsilon), delta: num('PRIVACY_DELTA', DEFAULT_BUDGET_POLICY.delta), period },
    costs,
    piiPolicy: {},
    retentionDays: num('RETENTION_DAYS', DEFAULT_RETENTION_DAYS),
    privateTraining: null,
  };
}

const cache = new Map<string, { at: number; value: TenantPrivacy }>();

/** Drops this isolate's cached settings of a tenant (after an update; other isolates refresh within 60 s). */
export function forgetTenantPrivacy(tenantKey: string): void {
  cache.delete(tenantKey);
}
const CACHE_MS = 60_000;

/** The tenant's settings: Worker defaults overlaid with the tenant's KV entry. */
export async function tenantPrivacy(env: EdgeEnv, tenantKey: string): Promise<TenantPrivacy> {
  const hit = cache.get(tenantKey);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const base = defaultsFrom(env as unknown as Record<string, string | undefined>);
  const stored = await env.ATTUNE_KV.get(`tenant:${tenantKey}:config`, 'json');
  const parsed = stored ? tenantConfigSchema.safeParse(stored) : null;
  const o = parsed?.success ? parsed.data : null;
  const value: TenantPrivacy = o
    ? {
        budget: { ...base.budget, ...o.budget }, costs: { ...base.costs, ...o.costs }, piiPolicy: o.pii_policy, retentionDays: o.retention_days ?? base.retentionDays,
        privateTraining: o.private_training ? { epsilonPerRun: o.private_training.epsilon_per_run, clipNorm: o.private_training.clip_norm } : null,
      }
    : base;
  cache.set(tenantKey, { at: Date.now(), value });
  return value;
}
