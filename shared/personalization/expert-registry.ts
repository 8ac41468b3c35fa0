/**
 * @module shared/personalization/expert-registry
 * The registry of trained expert adapters in Redis, read by the edge (to route, see
 * `expert-router.ts`) and written by the worker's `attune experts` commands. One hash,
 * {@link EXPERT_REGISTRY_KEY}: field = expert id, value = JSON of a {@link RegisteredExpert}. The
 * adapter itself lives in the worker's encrypted, versioned adapter store under the owner key
 * {@link expertOwnerKey} (so versions, encryption and caching are those of users' adapters).
 * Also the key and schema of a tenant's differentially private cluster release, which the edge
 * writes and `attune experts train-clusters` reads. Runtime-neutral: WebCrypto only.
 */
import { z } from 'zod';
import { DOMAINS, STYLES } from '../api/profile';
import { expertIdSchema } from '../jobs/generate-job';
import type { Expert } from './expert-router';

/** The Redis hash holding every registered expert; one slot (`{experts}` hash tag). */
export const EXPERT_REGISTRY_KEY = 'attune:{experts}:registry';

/** Largest allowed deviation of a centroid's norm from 1 (as the router checks). */
const UNIT_TOLERANCE = 1e-3;

const tenantKeySchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character lowercase hex tenant key');
const unitVector = z
  .array(z.number())
  .min(1)
  .refine((v) => Math.abs(Math.hypot(...v) - 1) <= UNIT_TOLERANCE, 'must be a unit vector');

/**
 * One registry entry. Unknown fields are dropped rather than rejected, so a registry written by
 * a newer worker stays readable by an older edge.
 */
export const registeredExpertSchema = z
  .object({
    id: expertIdSchema,
    kind: z.enum(['domain', 'cluster']),
    /** The domain a `domain` expert serves (required for one). */
    domain: z.enum(DOMAINS).optional(),
    /** Unit centroid of a `cluster` expert's users in the cluster space (required for one). */
    centroid: unitVector.optional(),
    /** 64-hex storage key of the tenant a `cluster` expert belongs to (required for one). */
    tenant: tenantKeySchema.optional(),
    /** LoRA rank of the stored adapter (it counts against the serving graph's maximum when mixed). */
    rank: z.number().int().min(1).max(1024),
    /** The adapter store's version of the registered adapter. */
    version: z.number().int().min(1),
    /** When it was trained, ISO 8601. */
    trained_at: z.iso.datetime({ offset: true }),
    /** How it was trained (steps, examples, seed, losses…), for people. */
    training: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.kind === 'domain' && e.domain === undefined) ctx.addIssue({ code: 'custom', path: ['domain'], message: 'a domain expert needs a domain' });
    if (e.kind === 'cluster') {
      if (e.centroid === undefined) ctx.addIssue({ code: 'custom', path: ['centroid'], message: 'a cluster expert needs a centroid' });
      if (e.tenant === undefined) ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'a cluster expert needs a tenant' });
    }
  });
export type RegisteredExpert = z.infer<typeof registeredExpertSchema>;

/**
 * Reads the registry hash: valid entries in id order, and the fields of those that are not
 * valid JSON, fail the schema, or are stored under another id than their own. Never throws.
 *
 * @example
 * const { experts, invalid } = parseRegistry(await redis.hgetall(EXPERT_REGISTRY_KEY));
 */
export function parseRegistry(hash: Record<string, string>): { experts: RegisteredExpert[]; invalid: string[] } {
  const experts: RegisteredExpert[] = [];
  const invalid: string[] = [];
  for (const [field, value] of Object.entries(hash)) {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      invalid.push(field);
      continue;
    }
    const parsed = registeredExpertSchema.safeParse(json);
    if (parsed.success && parsed.data.id === field) experts.push(parsed.data);
    else invalid.push(field);
  }
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { experts: experts.sort((a, b) => byId(a.id, b.id)), invalid: invalid.sort(byId) };
}

/**
 * The registry value of `expert`, checked first.
 * @throws z.ZodError when the entry is not valid
 */
export function serializeExpert(expert: RegisteredExpert): string {
  return JSON.stringify(registeredExpertSchema.parse(expert));
}

/**
 * The experts the router may choose for a request of tenant `tenantKey`: every domain expert and
 * that tenant's cluster experts (another tenant's clusters are never offered), as router experts.
 */
export function expertsForTenant(entries: readonly RegisteredExpert[], tenantKey: string): Expert[] {
  const experts: Expert[] = [];
  for (const e of entries) {
    if (e.kind === 'domain') experts.push({ id: e.id, kind: 'domain', domain: e.domain! });
    else if (e.tenant === tenantKey) experts.push({ id: e.id, kind: 'cluster', centroid: Float32Array.from(e.centroid!) });
  }
  return experts;
}

/**
 * Owner key under which the expert's adapter is kept in the adapter store: hex SHA-256 of
 * `attune-expert:<id>`. Users' keys are HMACs under a secret pepper, so the two cannot collide.
 *
 * @throws Error when `id` is not an expert id
 * @example
 * await store.current(await expertOwnerKey('domain-code'));
 */
export async function expertOwnerKey(id: string): Promise<string> {
  if (!expertIdSchema.safeParse(id).success) throw new Error(`"${id}" is not an expert id`);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`attune-expert:${id}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Reads the whole registry (see {@link parseRegistry}). */
export async function readRegistry(redis: { hgetall(key: string): Promise<Record<string, string>> }): Promise<{ experts: RegisteredExpert[]; invalid: string[] }> {
  return parseRegistry(await redis.hgetall(EXPERT_REGISTRY_KEY));
}

/**
 * Adds or replaces (same id: a retrained expert) one registry entry.
 * @throws z.ZodError when the entry is not valid (nothing is written)
 */
export async function registerExpert(redis: { hset(key: string, field: string, value: string): Promise<unknown> }, expert: RegisteredExpert): Promise<void> {
  await redis.hset(EXPERT_REGISTRY_KEY, expert.id, serializeExpert(expert));
}

/** Key of tenant `tenantKey`'s latest released clusters (JSON of a {@link ClusterRelease}). */
export const expertClustersKey = (tenantKey: string): string => `attune:{experts}:clusters:${tenantKey}`;

/**
 * A tenant's clusters as released by the edge after differentially private clustering: noisy
 * centroids (unit length after normalisation, cluster space) and each cluster's style prior.
 */
export const clusterReleaseSchema = z.object({
  /** Round id (the edge's PopulationClusters object counts rounds as strings). */
  round: z.union([z.string().min(1), z.number().int().min(0)]).transform(String),
  released_at: z.string(),
  /** ε of the release (Gaussian mechanism), at `delta`. */
  epsilon: z.number().min(0).optional(),
  /** σ: noise multiplier of the Gaussian noise added to the cluster sums. */
  sigma: z.number().min(0),
  clusters: z.array(
    z.object({
      id: z.string().regex(/^cluster-\d{1,6}$/, 'must look like cluster-<n>'),
      /** Noisy centroid. */
      centroid: z.array(z.number()).min(1),
      /** The public prototype the cluster's members were assigned by; users are matched against it. */
      region_centroid: z.array(z.number()).min(1).optional(),
      style_prior: z.record(z.enum(STYLES), z.number().min(0)),
      /** Members (noisy count). */
      size: z.number(),
      /** Too few members to release: no style prior worth training on. */
      fallback: z.boolean().default(false),
    }),
  ),
});
export type ClusterRelease = z.infer<typeof clusterReleaseSchema>;
