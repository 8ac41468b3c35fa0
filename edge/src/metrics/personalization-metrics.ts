/**
 * @module edge/metrics/personalization-metrics
 * Per-tenant personalization counters in Redis, kept like the redaction counters
 * (`privacy/redaction-metrics.ts`): one hash of `<tenantKey>:<counter>` → count, plus a bounded
 * list per tenant of adaptation-time samples (the newest `ADAPTATION_SAMPLES`). Numbers only, keyed
 * by the tenant's storage key; read by `GET /v1/admin/metrics`.
 *
 * - requests: generation requests queued (generate and chat);
 * - personalized: those queued with a personalized prompt;
 * - budget_exhausted: those served unpersonalized because the user's privacy budget was spent;
 * - adaptation time: from a feedback that changed a user's posteriors to that user's next request
 *   whose template used the posteriors, both times taken in the user's Durable Object.
 */
import type Redis from 'ioredis';
import { withRedis } from '../queue/redis-connection';

/** Adaptation-time samples kept per tenant. */
export const ADAPTATION_SAMPLES = 1000;

/** Redis keys; the `{metrics}` hash tag keeps them in one cluster slot with the other counters. */
export const metricKeys = {
  counters: 'attune:{metrics}:personalization',
  adaptation: (tenantKey: string) => `attune:{metrics}:adaptation_ms:${tenantKey}`,
} as const;

/** One queued request, as the counters see it. */
export interface RequestMetric {
  personalized: boolean;
  budgetExhausted: boolean;
  /** Adaptation times (ms) this request completed. */
  adaptationMs: readonly number[];
}

/** Adds one request to the tenant's counters (on the connection that queued it: no extra connect). */
export async function countRequest(redis: Redis, tenantKey: string, m: RequestMetric): Promise<void> {
  const multi = redis.multi().hincrby(metricKeys.counters, `${tenantKey}:requests`, 1);
  if (m.personalized) multi.hincrby(metricKeys.counters, `${tenantKey}:personalized`, 1);
  if (m.budgetExhausted) multi.hincrby(metricKeys.counters, `${tenantKey}:budget_exhausted`, 1);
  if (m.adaptationMs.length) {
    multi.lpush(metricKeys.adaptation(tenantKey), ...m.adaptationMs.map((ms) => String(Math.round(ms))));
    multi.ltrim(metricKeys.adaptation(tenantKey), 0, ADAPTATION_SAMPLES - 1);
  }
  await multi.exec();
}

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest sample with at least
 * p % of the samples at or below it; null without samples.
 *
 * @example percentile([15, 20, 35, 40, 50], 40) // 20
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`p must be in (0, 100], got ${p}`);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length, Math.ceil((p / 100) * sorted.length)) - 1];
}

/** What `GET /v1/admin/metrics` shows. */
export interface PersonalizationMetrics {
  requests: { total: number; personalized: number; personalization_rate: number | null };
  budget_exhausted: number;
  adaptation_time_ms: { samples: number; p50: number | null; p90: number | null; p99: number | null };
}

/** The tenant's counters and adaptation-time percentiles. */
export async function readPersonalizationMetrics(redisUrl: string, tenantKey: string): Promise<PersonalizationMetrics> {
  const [counts, samples] = await withRedis(redisUrl, async (redis) => {
    const fields = ['requests', 'personalized', 'budget_exhausted'].map((f) => `${tenantKey}:${f}`);
    return Promise.all([redis.hmget(metricKeys.counters, ...fields), redis.lrange(metricKeys.adaptation(tenantKey), 0, -1)]);
  });
  const [total, personalized, exhausted] = counts.map((v) => Number(v ?? 0));
  const sorted = samples.map(Number).filter(Number.isFinite).sort((a, b) => a - b);
  return {
    requests: { total, personalized, personalization_rate: total ? personalized / total : null },
    budget_exhausted: exhausted,
    adaptation_time_ms: { samples: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) },
  };
}
