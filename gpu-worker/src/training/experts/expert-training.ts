/**
 * @module gpu-worker/training/experts/expert-training
 * Trains the expert adapters the edge's router chooses from (shared/personalization/expert-router.ts),
 * stores them in the encrypted adapter store under `expertOwnerKey(id)` and registers them in the
 * expert registry. Used by `attune experts train-domain | train-clusters` and by the worker's
 * `train-experts` jobs.
 *
 * Every expert is a fresh LoRA trained by SFT (the `train-adapter` machinery, `runAdapterTraining`)
 * on the public synthetic corpus only (expert-data.ts). Cluster experts follow a tenant's released
 * clusters, the edge's differentially private release; training on them is post-processing of a
 * private output (Dwork & Roth 2014, Prop. 2.1): no further privacy cost.
 * An expert is kept only if its validation loss fell; the job-level divergence rule (last five
 * minibatch losses vs the first) is not used, as the corpus's mixed prompt formats make single
 * minibatch losses range from about 0.2 to 1.4.
 */
import type { Redis } from 'ioredis';
import { DOMAINS, type Domain as ProfileDomain, type Style } from '../../../../shared/api/profile';
import {
  clusterReleaseSchema, EXPERT_REGISTRY_KEY, expertClustersKey, expertOwnerKey, readRegistry, registerExpert, type ClusterRelease, type RegisteredExpert,
} from '../../../../shared/personalization/expert-registry';
import type { AdapterStore } from '../../adapters/adapter-store';
import { freshAdapter } from '../../adapters/fresh-adapter';
import { runAdapterTraining } from '../../worker/adapter-training-run';
import type { TrainingModel } from '../../worker/training-model';
import { LoraTrainer } from '../lora-trainer';
import { clusterData, domainData, EXPERT_CLUSTER_SEED, EXPERT_DOMAIN_SEED, EXPERT_TRAIN_DEFAULTS, type ExpertData } from './expert-data';

export { EXPERT_CLUSTER_SEED, EXPERT_DOMAIN_SEED, EXPERT_TRAIN_DEFAULTS };

/** Why expert training cannot start; `code` is stable, the message names the tenant or setting. */
export class ExpertTrainingError extends Error {
  override readonly name = 'ExpertTrainingError';
  constructor(readonly code: 'no-release' | 'malformed-release' | 'no-clusters' | 'zero-centroid' | 'rank', message: string) {
    super(message);
  }
}

/** Where experts are read from and written to, and the base model they are trained on. */
export interface ExpertTrainingContext {
  /** Holds the registry and the tenants' releases. */
  redis: Redis;
  /** The encrypted adapter store the worker serves from. */
  store: Pick<AdapterStore, 'save'>;
  model: TrainingModel;
}

/** Settings of a training call; every field has the CLI's default. */
export interface ExpertTrainingOptions {
  /** SFT steps per expert (8 examples each). @default 60 */
  steps?: number;
  /** LoRA rank (alpha = 2·rank), at most the model's maximum. @default 8 */
  rank?: number;
  /** Corpus seed. @default EXPERT_DOMAIN_SEED or EXPERT_CLUSTER_SEED */
  seed?: number;
  /** Stops training between steps; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called once per expert, trained or not, as soon as it is done. */
  onExpert?: (report: ExpertReport) => void;
}

/** One expert's outcome (the CLI prints it as a JSON line). */
export type ExpertReport = {
  id: string;
  steps: number;
  examples: number;
  loss_before: number | null;
  loss_after: number | null;
  final_loss: number | null;
} & ({ saved: true; version: number; seconds: number } | { saved: false; reason: string | null; seconds: number });

/** The resolved settings of one expert's training. */
export type ExpertTrainingSettings = { steps: number; rank: number; seed: number; signal?: AbortSignal };
type Entry = Omit<RegisteredExpert, 'rank' | 'version' | 'trained_at' | 'training'>;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round4 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(4)));

function settings(model: TrainingModel, o: ExpertTrainingOptions, seed: number): ExpertTrainingSettings {
  const s = { steps: o.steps ?? EXPERT_TRAIN_DEFAULTS.steps, rank: o.rank ?? EXPERT_TRAIN_DEFAULTS.rank, seed: o.seed ?? seed, signal: o.signal };
  if (s.rank > model.maxRank) throw new ExpertTrainingError('rank', `rank must be at most the model's maximum rank ${model.maxRank}, got ${s.rank}`);
  return s;
}

/**
 * Trains and validates one expert and, when its validation loss fell and `beforeSave` raises no
 * objection (a reason), stores and registers it.
 */
export async function trainExpert(
  ctx: ExpertTrainingContext, s: ExpertTrainingSettings, adapterSeed: number, data: ExpertData, entry: Entry,
  training: Record<string, unknown> = {}, beforeSave?: () => Promise<string | null>,
): Promise<ExpertReport> {
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(1));
  const { model, store } = ctx;
  const adapter = freshAdapter(model.cfg, { baseModelId: model.baseModelId, targets: model.compiledTargets, rank: s.rank, alpha: 2 * s.rank, seed: adapterSeed });
  // Its parameters are the adapter's own arrays, so it measures the adapter before and after training.
  const validator = await LoraTrainer.create(model.cfg, model.weights, adapter, { objective: 'sft' });
  let before: number, after: number, run;
  try {
    before = mean((await validator.sftPerExampleGradients(data.validation)).losses);
    run = await runAdapterTraining(model.cfg, model.weights, adapter, { sft: data.train, preferences: [] }, { steps: s.steps, lr: EXPERT_TRAIN_DEFAULTS.lr, signal: s.signal });
    after = run.steps < s.steps ? Number.NaN : mean((await validator.sftPerExampleGradients(data.validation)).losses);
  } finally {
    await validator.close();
  }
  const finalLoss = run.losses.length ? mean(run.losses.slice(-5).map((l) => l.loss)) : null;
  const line = { id: entry.id, steps: run.steps, examples: data.train.length, loss_before: round4(before), loss_after: round4(after), final_loss: round4(finalLoss) };
  if (!(Number.isFinite(after) && after < before)) {
    const reason = run.steps < s.steps ? run.discard : `validation loss did not fall (${before.toFixed(4)} → ${after.toFixed(4)})`;
    return { ...line, saved: false, reason, seconds: seconds() };
  }
  const objection = beforeSave ? await beforeSave() : null;
  if (objection) return { ...line, saved: false, reason: objection, seconds: seconds() };
  const version = await store.save(await expertOwnerKey(entry.id), adapter);
  await registerExpert(ctx.redis, {
    ...entry, rank: s.rank, version, trained_at: new Date().toISOString(),
    training: {
      ...training, steps: run.steps, examples: data.train.length, seed: s.seed, lr: EXPERT_TRAIN_DEFAULTS.lr,
      final_loss: round4(finalLoss), validation_loss_before: round4(before), validation_loss_after: round4(after),
    },
  });
  return { ...line, saved: true, version, seconds: seconds() };
}

/**
 * Trains one expert per domain in `domains` (seeded `seed + DOMAINS.indexOf(domain)`), in order.
 *
 * @throws ExpertTrainingError `rank` when the rank exceeds the model's maximum
 * @example
 * const reports = await trainDomainExperts({ redis, store, model, domains: ['code'], steps: 5 });
 */
export async function trainDomainExperts(options: ExpertTrainingContext & ExpertTrainingOptions & { domains: readonly ProfileDomain[] }): Promise<ExpertReport[]> {
  const s = settings(options.model, options, EXPERT_DOMAIN_SEED);
  const reports: ExpertReport[] = [];
  for (const domain of options.domains) {
    const data = domainData(options.model, domain, s);
    const report = await trainExpert(options, s, s.seed + DOMAINS.indexOf(domain), data, { id: `domain-${domain}`, kind: 'domain', domain });
    options.onExpert?.(report);
    reports.push(report);
  }
  return reports;
}

/**
 * Tenant `tenant`'s latest release, or null when none was released.
 * @throws ExpertTrainingError `malformed-release` when the stored release is not valid
 */
export async function readClusterRelease(redis: Pick<Redis, 'get'>, tenant: string): Promise<ClusterRelease | null> {
  const raw = await redis.get(expertClustersKey(tenant));
  if (raw === null) return null;
  try {
    return clusterReleaseSchema.parse(JSON.parse(raw));
  } catch (error) {
    throw new ExpertTrainingError('malformed-release', `the released clusters of tenant ${tenant} are malformed: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** A released cluster an expert is trained for. */
export interface ClusterToTrain {
  /** Expert id: `cluster-<first 8 hex of the tenant>-<n>`. */
  id: string;
  n: number;
  /** Unit centroid users are matched against. */
  centroid: number[];
  style_prior: Record<Style, number>;
  size: number;
}

/**
 * The clusters of `release` that get an expert: all but the fallback ones, which had too few
 * members to release a prior worth training on.
 *
 * @throws ExpertTrainingError `no-release` (null), `no-clusters` (only fallback ones) or `zero-centroid`
 */
export function clustersToTrain(release: ClusterRelease | null, tenant: string): ClusterToTrain[] {
  if (release === null) throw new ExpertTrainingError('no-release', `no clusters released for tenant ${tenant} (${expertClustersKey(tenant)} is empty)`);
  const released = release.clusters.filter((c) => !c.fallback);
  if (released.length === 0) throw new ExpertTrainingError('no-clusters', `no clusters released for tenant ${tenant} (round ${release.round} holds none with enough members)`);
  return released.map((c) => {
    // Users are matched to a cluster by the public prototype its members were assigned by, when the release names it.
    const centroid = c.region_centroid ?? c.centroid;
    const norm = Math.hypot(...centroid);
    if (!(norm > 0)) throw new ExpertTrainingError('zero-centroid', `released cluster ${c.id} of tenant ${tenant} has a zero centroid`);
    const n = Number(c.id.slice('cluster-'.length));
    return { id: `cluster-${tenant.slice(0, 8)}-${n}`, n, centroid: centroid.map((x) => x / norm), style_prior: c.style_prior, size: c.size };
  });
}

/** What {@link trainClusterExperts} did. */
export interface ClusterTrainingResult {
  round: string;
  /** One report per expert attempted, in cluster order. */
  experts: ExpertReport[];
  /** Registry entries of the tenant's earlier rounds that were retired. */
  removed: string[];
  /** True when a newer release appeared mid-run and the run stopped (only with `stopIfSuperseded`). */
  superseded: boolean;
}

/**
 * Trains one expert per released cluster of `tenant` (seeded `seed + n`) and retires the tenant's
 * cluster experts that the release no longer has.
 *
 * @param options.release - the release to train; read from Redis when absent
 * @param options.stopIfSuperseded - before each save and before retiring, re-read the tenant's
 *   release and stop, saving and retiring nothing more, once its round has changed
 * @throws ExpertTrainingError when there is nothing valid to train (see {@link clustersToTrain}) or the rank is too high
 * @example
 * const { experts, removed } = await trainClusterExperts({ redis, store, model, tenant, steps: 3 });
 */
export async function trainClusterExperts(
  options: ExpertTrainingContext & ExpertTrainingOptions & { tenant: string; release?: ClusterRelease | null; stopIfSuperseded?: boolean },
): Promise<ClusterTrainingResult> {
  const { redis, tenant } = options;
  const release = options.release !== undefined ? options.release : await readClusterRelease(redis, tenant);
  const clusters = clustersToTrain(release, tenant);
  const { round } = release!;
  const s = settings(options.model, options, EXPERT_CLUSTER_SEED);
  let superseded = false;
  const stillLatest = async (): Promise<string | null> => {
    if (!options.stopIfSuperseded) return null;
    // A malformed newer release still replaced this one; a Redis error fails the call (the job retries).
    const latest = await readClusterRelease(redis, tenant).catch((error: unknown) => {
      if (error instanceof ExpertTrainingError) return null;
      throw error;
    });
    superseded = latest?.round !== round;
    return superseded ? `round ${round} is no longer the latest` : null;
  };
  const experts: ExpertReport[] = [];
  for (const c of clusters) {
    const entry = { id: c.id, kind: 'cluster' as const, centroid: c.centroid, tenant };
    const data = clusterData(options.model, c.n, c.style_prior, s);
    const report = await trainExpert(options, s, s.seed + c.n, data, entry, { round, style_prior: c.style_prior, cluster_size: c.size }, stillLatest);
    options.onExpert?.(report);
    experts.push(report);
    if (superseded) break;
  }
  // Clusters of an earlier round that this one no longer has would route users to stale centroids.
  let removed: string[] = [];
  if (!superseded && !(await stillLatest())) {
    const ids = clusters.map((c) => c.id);
    removed = (await readRegistry(redis)).experts.filter((e) => e.kind === 'cluster' && e.tenant === tenant && !ids.includes(e.id)).map((e) => e.id);
    if (removed.length) await redis.hdel(EXPERT_REGISTRY_KEY, ...removed);
  }
  return { round, experts, removed, superseded };
}
