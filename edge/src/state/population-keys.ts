/**
 * @module edge/state/population-keys
 * Where the tenant's released population clusters are kept outside the PopulationClusters object:
 * a KV snapshot the submit path reads for cold start (and Redis, for the workers' cluster-expert
 * training: `expertClustersKey` in shared/personalization/expert-registry.ts).
 */

/** KV key of the tenant's latest release (JSON of `ReleasedClusters`). */
export const releasedClustersKvKey = (tenantKey: string): string => `clusters:${tenantKey}`;
