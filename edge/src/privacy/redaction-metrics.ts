/**
 * @module edge/privacy/redaction-metrics
 * Counts of personal data the output scan redacted, per tenant and entity type, kept in Redis
 * (a hash; counts only, keyed by the tenant's storage key) and read by `GET /v1/admin/privacy-metrics`.
 */
import { redisKeys } from '../../../shared/jobs/generate-job';
import { withRedis } from '../queue/redis-connection';

/** Adds one job's redactions to the tenant's counters. */
export async function countRedactions(redisUrl: string, tenantKey: string, byType: Record<string, number>): Promise<void> {
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  if (!total) return;
  await withRedis(redisUrl, async (redis) => {
    const multi = redis.multi().hincrby(redisKeys.outputRedactions, `${tenantKey}:total`, total);
    for (const [type, n] of Object.entries(byType)) if (n) multi.hincrby(redisKeys.outputRedactions, `${tenantKey}:${type}`, n);
    await multi.exec();
  });
}

/** The tenant's counters: total and by entity type. */
export async function readRedactions(redisUrl: string, tenantKey: string): Promise<{ total: number; by_type: Record<string, number> }> {
  const prefix = `${tenantKey}:`;
  const all: Record<string, string> = {};
  await withRedis(redisUrl, async (redis) => {
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(redisKeys.outputRedactions, cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) all[flat[i]] = flat[i + 1];
    } while (cursor !== '0');
  });
  const byType: Record<string, number> = {};
  let total = 0;
  for (const [field, value] of Object.entries(all)) {
    if (!field.startsWith(prefix)) continue;
    const key = field.slice(prefix.length);
    if (key === 'total') total = Number(value);
    else byType[key] = Number(value);
  }
  return { total, by_type: byType };
}
