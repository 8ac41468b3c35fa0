/**
 * @module shared/jobs/train-experts-job
 * The `train-experts` queue: after the edge releases a tenant's differentially private population
 * clusters, it queues one job so that a worker trains one cluster expert per released cluster
 * (the same work as `attune experts train-clusters --tenant <key>`), on public corpus text chosen
 * by the release's style priors. The payload names the release; the worker reads it from Redis
 * (`expertClustersKey`) and skips a job whose round is no longer the latest.
 */
import { z } from 'zod';

export const TRAIN_EXPERTS_QUEUE = 'train-experts';

export const trainExpertsJobSchema = z.strictObject({
  kind: z.literal('clusters'),
  /** The tenant's storage key (HMAC-SHA256(pepper, tenant:…), hex). */
  tenant: z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character lowercase hex storage key'),
  /** The released round the experts are trained for. */
  round: z.string().min(1).max(64),
  requested_at: z.string(),
});
export type TrainExpertsJob = z.infer<typeof trainExpertsJobSchema>;

/** One job per tenant and round (BullMQ ids may not contain `:`), so a repeated release queues nothing new. */
export const trainExpertsJobId = (tenant: string, round: string): string => `clusters-${tenant}-${round.replace(/[^A-Za-z0-9_-]/g, '_')}`;
