/**
 * @module gpu-worker/adapters/serving-adapter
 * The adapter a `generate` job is served with: the user's own adapter at full strength plus the
 * expert adapters the edge's router chose, at the router's weights, mixed into one adapter
 * (`adapter-mixture.ts`: an exact weighted sum, ranks concatenated), so a request with experts
 * still takes one slot of the batch's stacked LoRA inputs.
 *
 * Experts are kept in the adapter store like users' adapters, under `expertOwnerKey(id)`. An
 * expert that is missing or unusable is skipped (logged once until it is back), never an error;
 * when the mixture's rank would exceed the graph's maximum, the lowest-weight experts are dropped.
 *
 * Built mixtures are cached (LRU) under the identity of their parts: the owner, each decoded
 * adapter object and each expert's id, version and exact weight. The store hands out one object
 * per (owner, epoch, version) while it keeps it cached, and a new object for a new version or
 * after erasure re-creates the owner (new epoch, versions restart at 1), so keying on the objects
 * never serves a stale mixture even where the version number repeats; the engine keys its
 * stacked feeds on adapter objects too, so a cached mixture also reuses those.
 */
import type { GenerateJob } from '../../../shared/jobs/generate-job';
import { expertOwnerKey } from '../../../shared/personalization/expert-registry';
import { silentLogger, type Logger } from '../runtime/logger';
import type { ServingAdapter } from '../worker/generate-processor';
import type { LoraAdapter } from './adapter';
import { AdapterCache } from './adapter-cache';
import { mixAdapters, type MixturePart } from './adapter-mixture';
import type { AdapterStore } from './adapter-store';

/** Default number of built mixtures kept in memory. */
export const DEFAULT_MIXTURE_CACHE_ENTRIES = 64;

/** Options of {@link createServingAdapterResolver}. */
export interface ServingAdapterResolverOptions {
  /** Where users' and experts' adapters are read (decoded adapters cached there). */
  store: Pick<AdapterStore, 'current'>;
  /** Largest rank the serving graph accepts (the compiled manifest's `maxRank`): a mixture's Σr must fit. */
  maxRank: number;
  /** Expert ids, versions, owner keys and error messages; never weights. @default silentLogger */
  logger?: Logger;
  /** Built mixtures kept in memory. @default 64 */
  cacheEntries?: number;
}

/** What `adapterFor` is handed: the job's owner and routed experts. */
export type ServingJob = Pick<GenerateJob, 'job_id' | 'owner' | 'experts'>;

/** A loaded expert with its routed weight. */
interface LoadedExpert {
  id: string;
  weight: number;
  adapter: LoraAdapter;
}

/**
 * Builds the generate processor's `adapterFor`: the user's current adapter mixed with the job's
 * routed experts, or the user's adapter alone (null: the base model) when no expert loads.
 *
 * @throws Error for a bad `maxRank` or `cacheEntries` (when called); the returned function
 *   rejects only when the user's own adapter cannot be read (the processor then serves the base model)
 * @example
 * const adapterFor = createServingAdapterResolver({ store: adapters, maxRank: manifest.maxRank, logger });
 * createGenerateProcessor({ generator, redis, model, adapterFor });
 */
export function createServingAdapterResolver(options: ServingAdapterResolverOptions): (job: ServingJob) => Promise<ServingAdapter> {
  const opts = { ...options, logger: options.logger ?? silentLogger, cacheEntries: options.cacheEntries ?? DEFAULT_MIXTURE_CACHE_ENTRIES };
  if (!Number.isSafeInteger(opts.maxRank) || opts.maxRank < 1) throw new Error(`maxRank must be a positive integer, got ${opts.maxRank}`);
  if (!Number.isSafeInteger(opts.cacheEntries) || opts.cacheEntries < 1) throw new Error(`cacheEntries must be a positive integer, got ${opts.cacheEntries}`);
  const { store, maxRank, logger } = opts;
  const mixtures = new AdapterCache(opts.cacheEntries);
  const ownerKeys = new Map<string, Promise<string>>();
  /** Experts whose absence has been logged; cleared when one loads again. */
  const reportedMissing = new Set<string>();

  async function loadExpert(jobId: string, id: string, weight: number): Promise<LoadedExpert | null> {
    let adapter: LoraAdapter | null;
    let reason = 'no adapter stored, or it does not fit this model';
    try {
      if (!ownerKeys.has(id)) ownerKeys.set(id, expertOwnerKey(id));
      adapter = await store.current(await ownerKeys.get(id)!);
    } catch (error) {
      adapter = null;
      reason = (error as Error).message;
    }
    if (adapter) {
      reportedMissing.delete(id);
      return { id, weight, adapter };
    }
    if (!reportedMissing.has(id)) {
      reportedMissing.add(id);
      logger.warn('expert adapter unavailable; serving without it', { jobId, expert: id, reason });
    }
    return null;
  }

  return async function adapterFor(job) {
    const routed = mergeDuplicates(job.experts ?? []).filter((e) => e.weight > 0);
    const [user, ...loaded] = await Promise.all([store.current(job.owner), ...routed.map((e) => loadExpert(job.job_id, e.id, e.weight))]);
    const { experts, dropped, rank } = fitRank(loaded.filter((e): e is LoadedExpert => e !== null), maxRank - (user?.rank ?? 0));
    if (experts.length === 0) return { adapter: user, experts: [] };

    const key = [job.owner, user ? `u${identity(user)}.v${user.version}` : 'u-', ...experts.map((e) => `${e.id}.v${e.adapter.version}#${identity(e.adapter)}*${e.weight}`)].join('|');
    const cached = mixtures.get(key, 0);
    if (cached) return { adapter: cached, experts: experts.map((e) => e.id) };
    // Logged when a mixture is built, not on every request that reuses it.
    if (dropped.length) logger.warn('expert mixture exceeds the maximum rank; dropped the lowest-weight experts', { jobId: job.job_id, dropped, rank, maxRank });
    const parts: MixturePart[] = [...(user ? [{ adapter: user, weight: 1 }] : []), ...experts.map((e) => ({ adapter: e.adapter, weight: e.weight }))];
    let mixed: LoraAdapter;
    try {
      mixed = mixAdapters(parts, { maxRank });
    } catch (error) {
      // Every part fits the model (the store checks it), so this is a mismatch between experts
      // trained for different shapes: serve the user's own adapter rather than fail the request.
      logger.error('cannot mix expert adapters; serving the user adapter alone', { jobId: job.job_id, experts: experts.map((e) => e.id), error: (error as Error).message });
      return { adapter: user, experts: [] };
    }
    mixtures.set(key, 0, mixed);
    logger.info('expert mixture built', { jobId: job.job_id, experts: experts.map((e) => ({ id: e.id, version: e.adapter.version, weight: e.weight })), rank: mixed.rank, user: user !== null });
    return { adapter: mixed, experts: experts.map((e) => e.id) };
  };
}

/** One entry per id (a repeated id's weights add up, the same delta), in first-seen order. */
function mergeDuplicates(experts: ReadonlyArray<{ id: string; weight: number }>): { id: string; weight: number }[] {
  const merged = new Map<string, number>();
  for (const { id, weight } of experts) merged.set(id, (merged.get(id) ?? 0) + weight);
  return [...merged].map(([id, weight]) => ({ id, weight }));
}

/**
 * Drops the lowest-weight experts (equal weights: the later id first) until their ranks sum to
 * at most `budget`; the rest keep their routed order. `rank` is the Σr asked for.
 */
function fitRank(experts: LoadedExpert[], budget: number): { experts: LoadedExpert[]; dropped: string[]; rank: number } {
  const total = experts.reduce((sum, e) => sum + e.adapter.rank, 0);
  const dropped = new Set<LoadedExpert>();
  let rank = total;
  for (const e of [...experts].sort((a, b) => a.weight - b.weight || (a.id > b.id ? -1 : a.id < b.id ? 1 : 0))) {
    if (rank <= budget) break;
    dropped.add(e);
    rank -= e.adapter.rank;
  }
  return { experts: experts.filter((e) => !dropped.has(e)), dropped: [...dropped].map((e) => e.id), rank: total };
}

const identities = new WeakMap<LoraAdapter, number>();
let nextIdentity = 1;
/** A number unique to one adapter object for the life of the process. */
function identity(adapter: LoraAdapter): number {
  let id = identities.get(adapter);
  if (id === undefined) identities.set(adapter, (id = nextIdentity++));
  return id;
}
