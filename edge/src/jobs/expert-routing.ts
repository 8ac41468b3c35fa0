/**
 * @module edge/jobs/expert-routing
 * Chooses the expert adapters a job is served with: the registry (one Redis hash, written by
 * `attune experts …`) is read at most once per `EXPERT_REGISTRY_TTL_MS` per isolate; the experts
 * this tenant may use (every domain expert, its own cluster experts) that clear a relevance bar —
 * the prompt's domain probability, or the cosine between the user's cluster-space embedding and a
 * cluster's centroid, at least {@link MIN_EXPERT_SCORE} — go to the top-k softmax router
 * (`shared/personalization/expert-router.ts`). The worker mixes the routed experts, weighted,
 * with the user's own adapter. `EXPERT_ROUTING=off` turns routing off.
 */
import type { Redis } from 'ioredis';
import type { DomainClassification } from '../../../shared/personalization/domain-classifier';
import { cosine } from '../../../shared/personalization/cluster-space';
import { expertsForTenant, readRegistry, type RegisteredExpert } from '../../../shared/personalization/expert-registry';
import { routeExperts, type Expert, type RoutedExpert } from '../../../shared/personalization/expert-router';
import type { AppEnv } from '../env';

/** Experts routed per job. */
export const ROUTED_EXPERTS = 2;
/** Least domain probability or centroid cosine for an expert to be considered at all. */
export const MIN_EXPERT_SCORE = 0.5;
/** Default registry cache lifetime in an isolate. */
export const DEFAULT_REGISTRY_TTL_MS = 60_000;

let cache: { at: number; experts: RegisteredExpert[] } | null = null;

async function registry(redis: Redis, ttlMs: number, now: number): Promise<RegisteredExpert[]> {
  if (cache && now - cache.at < ttlMs) return cache.experts;
  const { experts, invalid } = await readRegistry(redis);
  if (invalid.length) console.error(JSON.stringify({ level: 'warn', msg: 'invalid expert registry entries skipped', ids: invalid }));
  cache = { at: now, experts };
  return experts;
}

function relevant(expert: Expert, classification: DomainClassification, point: number[] | null): boolean {
  if (expert.kind === 'domain') return (classification.probabilities[expert.domain!] ?? 0) >= MIN_EXPERT_SCORE;
  // A centroid of another dimension than the cluster space cannot match anyone.
  return point !== null && expert.centroid!.length === point.length && cosine(point, expert.centroid!) >= MIN_EXPERT_SCORE;
}

/** The experts (ids and weights summing to 1) a job is served with; [] when none is relevant. */
export async function routeJobExperts(
  redis: Redis, env: AppEnv['Bindings'], tenantKey: string, classification: DomainClassification, clusterPoint: number[] | null,
): Promise<RoutedExpert[]> {
  const vars = env as unknown as Record<string, string | undefined>;
  if (vars.EXPERT_ROUTING === 'off') return [];
  const ttl = vars.EXPERT_REGISTRY_TTL_MS !== undefined ? Number(vars.EXPERT_REGISTRY_TTL_MS) : DEFAULT_REGISTRY_TTL_MS;
  const experts = expertsForTenant(await registry(redis, ttl, Date.now()), tenantKey).filter((e) => relevant(e, classification, clusterPoint));
  if (!experts.length) return [];
  try {
    return routeExperts(experts, {
      domainProbabilities: classification.probabilities, k: ROUTED_EXPERTS, ...(clusterPoint ? { userEmbedding: Float32Array.from(clusterPoint) } : {}),
    });
  } catch (error) {
    // A registry entry the router refuses (e.g. a centroid of another dimension) must not fail the request.
    console.error(JSON.stringify({ level: 'warn', msg: 'expert routing skipped', error: error instanceof Error ? error.message : String(error) }));
    return [];
  }
}
