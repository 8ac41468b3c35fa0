/**
 * @module edge/jobs/cluster-contribution
 * The edge's side of differentially private population clustering (cold start). After feedback,
 * a user who has given enough (`CONTRIBUTE_AFTER_FEEDBACK`) and is not yet in the open round
 * contributes: their UserState object charges the round's ε to their ledger first, then hands over
 * their cluster-space point and style posterior mean, which the tenant's PopulationClusters object
 * adds to its running sums. A contribution that arrives after its round closed is refused and the
 * charge refunded. A release (round full, or an admin's `POST /v1/admin/clusters/release`) is
 * published to KV, where the submit path reads it for cold start, and to Redis, with a
 * `train-experts` job that has a worker train one adapter per cluster (as
 * `attune experts train-clusters` does by hand).
 *
 * Settings (Worker vars): `CLUSTER_EPSILON_PER_ROUND` (ε each contributor pays per round, at the
 * tenant's δ; default 0.2) and `CLUSTER_ROUND_SIZE` (contributions that close a round; default 1000).
 */
import { Queue } from 'bullmq';
import { QUEUE_PREFIX } from '../../../shared/jobs/generate-job';
import { TRAIN_EXPERTS_QUEUE, trainExpertsJobId, type TrainExpertsJob } from '../../../shared/jobs/train-experts-job';
import { expertClustersKey } from '../../../shared/personalization/expert-registry';
import { clusterRoundCharge, noiseForClusterRound, type ReleasedClusters } from '../../../shared/personalization/population-clusters';
import type { BudgetPolicy } from '../../../shared/privacy/ledger/budget-ledger';
import type { EdgeEnv } from '../env';
import { tenantPrivacy } from '../privacy/tenant-config';
import { withRedis } from '../queue/redis-connection';
import type { PopulationClusters, ReleasePolicy } from '../state/population-clusters-object';
import { releasedClustersKvKey } from '../state/population-keys';
import { userStateStub } from '../state/user-state';

/** ε per round at δ = 1e-6: about the least the ledger's Rényi orders (≤ 63) can account (0.1 is out of reach). */
export const DEFAULT_CLUSTER_EPSILON_PER_ROUND = 0.2;
/**
 * Contributions per round. With σ·√3 ≈ 40 of noise on every sum (ε 0.2), a cluster's style prior
 * says something only with a few hundred members: the simulation's rounds of 100 released two
 * clusters too thin to use and two whose priors were mostly noise (docs/personalization.md).
 */
export const DEFAULT_CLUSTER_ROUND_SIZE = 1000;

/** The tenant's PopulationClusters object. */
export function populationStub(env: EdgeEnv, tenantKey: string): DurableObjectStub<PopulationClusters> {
  return env.POPULATION_CLUSTERS.get(env.POPULATION_CLUSTERS.idFromName(tenantKey)) as unknown as DurableObjectStub<PopulationClusters>;
}

/** σ, δ and round size from the Worker's vars and the tenant's budget (returned too, for the charge). */
export async function releasePolicy(env: EdgeEnv, tenantKey: string): Promise<ReleasePolicy & { epsilon: number; budget: BudgetPolicy }> {
  const vars = env as unknown as Record<string, string | undefined>;
  const epsilon = Number(vars.CLUSTER_EPSILON_PER_ROUND) || DEFAULT_CLUSTER_EPSILON_PER_ROUND;
  const roundSize = Math.max(1, Math.floor(Number(vars.CLUSTER_ROUND_SIZE) || DEFAULT_CLUSTER_ROUND_SIZE));
  const { budget } = await tenantPrivacy(env, tenantKey);
  return { epsilon, delta: budget.delta, roundSize, sigma: noiseForClusterRound(epsilon, budget.delta), budget };
}

/**
 * Contributes the user to the open round when they may (charged first); publishes the release
 * when their contribution closed the round. Returns what happened, for tests and logs.
 */
export async function contributeToClusters(
  env: EdgeEnv, tenantKey: string, owner: string, contributedRound: string | null,
): Promise<'contributed' | 'released' | 'skipped' | 'refunded'> {
  const population = populationStub(env, tenantKey);
  const { round } = await population.status();
  if (round === contributedRound) return 'skipped';
  const policy = await releasePolicy(env, tenantKey);
  const user = userStateStub(env, owner);
  const taken = await user.clusterContribution(owner, round, clusterRoundCharge(policy.sigma), policy.budget);
  if (!taken) return 'skipped';
  const { accepted, released } = await population.contribute(round, taken.contribution, policy);
  if (!accepted) {
    await user.refundCharge(owner, taken.seq, 'population-clustering round closed before the contribution arrived');
    return 'refunded';
  }
  if (!released) return 'contributed';
  await publishRelease(env, tenantKey, released as ReleasedClusters);
  return 'released';
}

/**
 * Stores a release where the submit path (KV) and the workers' cluster-expert training (Redis)
 * read it, and queues that training (`train-experts`, one job per tenant and round).
 */
export async function publishRelease(env: EdgeEnv, tenantKey: string, released: ReleasedClusters): Promise<void> {
  await env.ATTUNE_KV.put(releasedClustersKvKey(tenantKey), JSON.stringify(released));
  await withRedis(env.REDIS_URL, async (redis) => {
    await redis.set(expertClustersKey(tenantKey), JSON.stringify(released));
    const queue = new Queue(TRAIN_EXPERTS_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
    try {
      const job: TrainExpertsJob = { kind: 'clusters', tenant: tenantKey, round: released.round, requested_at: new Date().toISOString() };
      await queue.add('train-experts', job, {
        jobId: trainExpertsJobId(tenantKey, released.round), attempts: 3, backoff: { type: 'exponential', delay: 30_000 },
        removeOnComplete: { age: 30 * 86_400, count: 1000 }, removeOnFail: { age: 30 * 86_400, count: 1000 },
      });
    } finally {
      await queue.close().catch(() => {});
    }
  });
}

/** Feedback's hook: contributes in the background when the user has given enough feedback. */
export function afterFeedback(
  env: EdgeEnv, ctx: { waitUntil(p: Promise<unknown>): void }, tenantKey: string, owner: string, learned: { mayContribute: boolean; contributedRound: string | null },
): void {
  if (!learned.mayContribute) return;
  ctx.waitUntil(contributeToClusters(env, tenantKey, owner, learned.contributedRound).catch((error: unknown) => {
    console.error(JSON.stringify({ level: 'warn', msg: 'population-clustering contribution failed', error: error instanceof Error ? error.message : String(error) }));
  }));
}
