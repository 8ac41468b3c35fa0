/**
 * @module edge/state/population-clusters-object
 * `PopulationClusters`: one Durable Object per tenant that runs differentially private clustering
 * of the tenant's users in rounds (math in shared/personalization/population-clusters.ts). A round
 * holds only running sums per cluster — of cluster-space points, style posterior means and counts —
 * never a per-user record; which users contributed is kept by each user's own UserState object.
 * When `roundSize` contributions have arrived (or an admin asks), the round is released with
 * Gaussian noise: the noisy centroids and style priors are all that ever leaves. Every round
 * assigns users to the same public prototype centroids (one per style), so a release's clusters
 * keep their ids and meaning from round to round. Each contributor's ledger was charged the
 * round's ε before the contribution was accepted (edge/jobs/cluster-contribution.ts).
 */
import { DurableObject } from 'cloudflare:workers';
import { initialCentroids } from '../../../shared/personalization/cluster-space';
import {
  addContribution, clusterRoundSchema, createRound, releaseRound, type ClusterContribution, type ClusterRound, type ReleasedClusters,
} from '../../../shared/personalization/population-clusters';
import type { EdgeEnv } from '../env';

/** How a round is released. */
export interface ReleasePolicy {
  /** Noise multiplier σ the contributors were charged for. */
  sigma: number;
  /** δ at which the release states its ε. */
  delta: number;
  /** Contributions that close a round. */
  roundSize: number;
}

/** The open round's state, for admins. */
export interface RoundStatus {
  round: string;
  contributors: number;
}

export class PopulationClusters extends DurableObject<EdgeEnv> {
  private async round(): Promise<ClusterRound> {
    const stored = await this.ctx.storage.get<unknown>('round');
    const parsed = clusterRoundSchema.safeParse(stored);
    if (parsed.success) return parsed.data;
    const fresh = createRound('1', initialCentroids());
    await this.ctx.storage.put('round', fresh);
    return fresh;
  }

  private contributors(round: ClusterRound): number {
    return round.clusters.reduce((n, c) => n + c.count, 0);
  }

  /** The open round and how many contributions it holds. */
  async status(): Promise<RoundStatus> {
    const round = await this.round();
    return { round: round.round, contributors: this.contributors(round) };
  }

  /**
   * Adds one contribution to round `roundId`; refused (`accepted: false`) when that round has
   * already been released, so the caller can refund the charge. Closes the round when it is full.
   */
  async contribute(roundId: string, contribution: ClusterContribution, policy: ReleasePolicy): Promise<{ accepted: boolean; released: ReleasedClusters | null }> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const round = await this.round();
      if (round.round !== roundId) return { accepted: false, released: null };
      const next = addContribution(round, { point: Array.from(contribution.point), style: contribution.style });
      await this.ctx.storage.put('round', next);
      const released = this.contributors(next) >= policy.roundSize ? await this.close(next, policy) : null;
      return { accepted: true, released };
    });
  }

  /** Releases the open round now (admin); null when it holds no contribution. */
  async release(policy: ReleasePolicy): Promise<ReleasedClusters | null> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const round = await this.round();
      return this.contributors(round) === 0 ? null : this.close(round, policy);
    });
  }

  /** The latest release, or null. */
  async latest(): Promise<ReleasedClusters | null> {
    return (await this.ctx.storage.get<ReleasedClusters>('released')) ?? null;
  }

  private async close(round: ClusterRound, policy: ReleasePolicy): Promise<ReleasedClusters> {
    const released = releaseRound(round, { sigma: policy.sigma, delta: policy.delta });
    // Every round starts from the public prototypes again: seeding it with the last round's noisy
    // centroids lowered cold-start accuracy from 51% to 33% at 400 users and ε = 0.2 (the noise
    // outweighs the signal until clusters hold thousands of users; population-clusters.experiment.test.ts).
    const next = createRound(String(Number(round.round) + 1), initialCentroids());
    await this.ctx.storage.put({ released, round: next });
    return released;
  }
}
