/**
 * @module shared/personalization/expert-router
 * The registry of expert adapters and the router that picks a few of them, with weights, for one
 * request. Domain experts are scored by the prompt's domain probability (see `domain-classifier`),
 * cluster experts by the cosine between the user's embedding and the cluster centroid. The scores
 * go through a softmax with temperature and the top k are kept: the sparse top-k gating of
 * mixture-of-experts (Shazeer et al. 2017, "Outrageously Large Neural Networks", eq. 3–5), here
 * choosing LoRA adapters that the GPU worker then mixes into one (`adapters/adapter-mixture.ts`).
 * Runtime-neutral: runs at the edge and in the worker.
 */
import { DOMAINS, type Domain } from '../api/profile';

/** An expert adapter the router can choose. */
export interface Expert {
  /** Stable id, also the adapter's storage key; ties between equal weights are broken by it. */
  id: string;
  /** `domain`: trained on one domain's prompts; `cluster`: trained on a cluster of similar users. */
  kind: 'domain' | 'cluster';
  /** The domain a `domain` expert serves. */
  domain?: Domain;
  /** Unit-length centroid of a `cluster` expert's users, in the user-embedding space. */
  centroid?: Float32Array;
}

/** Options of {@link routeExperts}. */
export interface RouteOptions {
  /** P(domain | prompt), e.g. `classifyDomain(prompt).probabilities`; a missing domain counts 0. */
  domainProbabilities: Partial<Record<Domain, number>>;
  /** The user's embedding; without it every cluster expert scores 0. */
  userEmbedding?: Float32Array;
  /** Most experts returned. @default 2 */
  k?: number;
  /** Softmax temperature: lower makes the choice sharper. @default 0.5 */
  temperature?: number;
  /** Experts whose softmax weight is below this are dropped (never the best one). @default 0.05 */
  minWeight?: number;
}

/** One chosen expert and its mixing weight; the weights of a routing sum to 1. */
export interface RoutedExpert {
  id: string;
  weight: number;
}

/** Largest allowed deviation of a centroid's norm from 1. */
const UNIT_TOLERANCE = 1e-3;

/**
 * Checks one expert's fields: a non-empty id, a known domain for `domain` experts, a finite
 * unit-length centroid for `cluster` experts.
 *
 * @throws Error naming the expert and the field
 */
export function checkExpert(expert: Expert): void {
  if (typeof expert.id !== 'string' || expert.id.length === 0) throw new Error('expert id must be a non-empty string');
  if (expert.kind === 'domain') {
    if (!expert.domain || !DOMAINS.includes(expert.domain)) {
      throw new Error(`expert ${expert.id}: domain must be one of ${DOMAINS.join(', ')}, got ${expert.domain}`);
    }
  } else if (expert.kind === 'cluster') {
    const c = expert.centroid;
    if (!c || c.length === 0) throw new Error(`expert ${expert.id}: a cluster expert needs a centroid`);
    const n = norm(c);
    if (!Number.isFinite(n) || Math.abs(n - 1) > UNIT_TOLERANCE) throw new Error(`expert ${expert.id}: centroid must be a unit vector, its norm is ${n}`);
  } else {
    throw new Error(`expert ${expert.id}: kind must be 'domain' or 'cluster', got ${String((expert as { kind: unknown }).kind)}`);
  }
}

/**
 * Picks at most `k` experts for a request and their weights: scores (domain probability or
 * cosine to the user's embedding), softmax with temperature over all experts, the top k by
 * weight (equal weights in id order), those below `minWeight` dropped, renormalized to sum 1.
 * The best expert is always kept, so a non-empty registry never yields an empty routing.
 *
 * @throws Error for a bad option or expert, naming it, or a user embedding of the wrong length
 * @example
 * const { probabilities } = classifyDomain(prompt);
 * routeExperts(experts, { domainProbabilities: probabilities, userEmbedding, k: 2 });
 * // → [{ id: 'code', weight: 0.83 }, { id: 'cluster-7', weight: 0.17 }]
 */
export function routeExperts(experts: readonly Expert[], options: RouteOptions): RoutedExpert[] {
  // `??` rather than a spread, so an option passed as `undefined` still gets its default.
  const opts = { ...options, k: options.k ?? 2, temperature: options.temperature ?? 0.5, minWeight: options.minWeight ?? 0.05 } satisfies RouteOptions;
  if (!Number.isSafeInteger(opts.k) || opts.k < 1) throw new Error(`k must be a positive integer, got ${opts.k}`);
  if (!Number.isFinite(opts.temperature) || opts.temperature <= 0) throw new Error(`temperature must be a finite number > 0, got ${opts.temperature}`);
  if (!Number.isFinite(opts.minWeight) || opts.minWeight < 0 || opts.minWeight >= 1) throw new Error(`minWeight must be in [0, 1), got ${opts.minWeight}`);
  if (experts.length === 0) return [];
  const ids = new Set<string>();
  for (const expert of experts) {
    checkExpert(expert);
    if (ids.has(expert.id)) throw new Error(`expert id ${expert.id} appears twice`);
    ids.add(expert.id);
  }

  const scores = experts.map((e) => expertScore(e, opts.domainProbabilities, opts.userEmbedding));
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp((s - max) / opts.temperature));
  const sum = exp.reduce((a, b) => a + b, 0);
  const ranked = experts
    .map((e, i) => ({ id: e.id, weight: exp[i] / sum }))
    .sort((x, y) => y.weight - x.weight || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const kept = ranked.slice(0, opts.k).filter((e, i) => i === 0 || e.weight >= opts.minWeight);
  const total = kept.reduce((a, e) => a + e.weight, 0);
  return kept.map((e) => ({ id: e.id, weight: e.weight / total }));
}

/** An expert's routing score before the softmax. */
function expertScore(expert: Expert, probabilities: Partial<Record<Domain, number>>, embedding?: Float32Array): number {
  if (expert.kind === 'domain') {
    const p = probabilities[expert.domain!] ?? 0;
    if (!Number.isFinite(p)) throw new Error(`domainProbabilities.${expert.domain} must be finite, got ${p}`);
    return p;
  }
  if (!embedding) return 0;
  return cosine(embedding, expert.centroid!, expert.id);
}

/** Cosine similarity; 0 when either vector is zero. */
function cosine(u: Float32Array, v: Float32Array, id: string): number {
  if (u.length !== v.length) throw new Error(`userEmbedding has ${u.length} dimensions, expert ${id}'s centroid has ${v.length}`);
  let dot = 0;
  for (let i = 0; i < u.length; i++) dot += u[i] * v[i];
  const n = norm(u) * norm(v);
  return n === 0 ? 0 : dot / n;
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** The experts available to the router, by id; each is checked when registered. */
export class ExpertRegistry {
  readonly #experts = new Map<string, Expert>();

  constructor(experts: Iterable<Expert> = []) {
    for (const expert of experts) this.register(expert);
  }

  /**
   * Adds an expert, or replaces the one with the same id (a retrained adapter).
   * @throws Error when the expert is malformed, or its centroid's length differs from the others'
   */
  register(expert: Expert): void {
    checkExpert(expert);
    if (expert.kind === 'cluster') {
      const other = [...this.#experts.values()].find((e) => e.kind === 'cluster' && e.id !== expert.id);
      if (other && other.centroid!.length !== expert.centroid!.length) {
        throw new Error(`expert ${expert.id}: centroid has ${expert.centroid!.length} dimensions, expert ${other.id}'s has ${other.centroid!.length}`);
      }
    }
    this.#experts.set(expert.id, expert);
  }

  /** Removes an expert; returns whether it was registered. */
  remove(id: string): boolean {
    return this.#experts.delete(id);
  }

  /** The expert with this id, if registered. */
  get(id: string): Expert | undefined {
    return this.#experts.get(id);
  }

  /** All registered experts, in id order. */
  list(): Expert[] {
    return [...this.#experts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Routes over the registered experts; see {@link routeExperts}. */
  route(options: RouteOptions): RoutedExpert[] {
    return routeExperts(this.list(), options);
  }
}
