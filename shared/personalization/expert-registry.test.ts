/**
 * @module shared/personalization/expert-registry tests: entries survive a serialize → parse round
 * trip, bad entries are skipped and named, a tenant sees every domain expert and only its own
 * clusters, expert owner keys are stable 64-hex digests, and the reader and writer use one hash.
 */
import { describe, expect, it } from 'vitest';
import {
  clusterReleaseSchema,
  EXPERT_REGISTRY_KEY,
  expertClustersKey,
  expertOwnerKey,
  expertsForTenant,
  parseRegistry,
  readRegistry,
  registerExpert,
  serializeExpert,
  type RegisteredExpert,
} from './expert-registry';
import { routeExperts } from './expert-router';

const TENANT_A = 'a'.repeat(64);
const TENANT_B = 'b'.repeat(64);

const code: RegisteredExpert = {
  id: 'domain-code', kind: 'domain', domain: 'code', rank: 8, version: 3, trained_at: '2026-12-10T09:30:00.000Z',
  training: { steps: 60, examples: 480, seed: 20261210, final_loss: 0.47 },
};
const health: RegisteredExpert = { id: 'domain-health', kind: 'domain', domain: 'health', rank: 8, version: 1, trained_at: '2026-12-10T09:31:00.000Z' };
const clusterA: RegisteredExpert = {
  id: 'cluster-aaaaaaaa-0', kind: 'cluster', centroid: [0.6, 0.8, 0, 0], tenant: TENANT_A, rank: 4, version: 2, trained_at: '2026-12-10T10:00:00+01:00',
};
const clusterB: RegisteredExpert = { ...clusterA, id: 'cluster-bbbbbbbb-0', centroid: [0, 0, 1, 0], tenant: TENANT_B };

const hashOf = (...entries: RegisteredExpert[]) => Object.fromEntries(entries.map((e) => [e.id, serializeExpert(e)]));

describe('parseRegistry and serializeExpert', () => {
  it('round-trips every kind of entry exactly, in id order', () => {
    const { experts, invalid } = parseRegistry(hashOf(health, clusterB, code, clusterA));
    expect(invalid).toEqual([]);
    expect(experts).toEqual([clusterA, clusterB, code, health]);
  });

  it('skips and names entries that are not JSON, fail the schema, or sit under another id, without throwing', () => {
    const hash = {
      ...hashOf(code),
      'not-json': '{oops',
      'domain-nodomain': JSON.stringify({ ...code, id: 'domain-nodomain', domain: undefined }),
      'domain-unknown': JSON.stringify({ ...code, id: 'domain-unknown', domain: 'cooking' }),
      'cluster-notunit': JSON.stringify({ ...clusterA, id: 'cluster-notunit', centroid: [1, 1, 0, 0] }),
      'cluster-notenant': JSON.stringify({ ...clusterA, id: 'cluster-notenant', tenant: undefined }),
      'cluster-badtenant': JSON.stringify({ ...clusterA, id: 'cluster-badtenant', tenant: 'A'.repeat(64) }),
      'domain-rank0': JSON.stringify({ ...code, id: 'domain-rank0', rank: 0 }),
      'domain-baddate': JSON.stringify({ ...code, id: 'domain-baddate', trained_at: 'yesterday' }),
      'domain-elsewhere': serializeExpert(health),
      'Bad Id': JSON.stringify({ ...code, id: 'Bad Id' }),
    };
    const { experts, invalid } = parseRegistry(hash);
    expect(experts).toEqual([code]);
    expect(invalid).toEqual([
      'Bad Id', 'cluster-badtenant', 'cluster-notenant', 'cluster-notunit', 'domain-baddate', 'domain-elsewhere', 'domain-nodomain', 'domain-rank0', 'domain-unknown', 'not-json',
    ]);
  });

  it('drops unknown fields, so a newer writer’s entries stay readable', () => {
    const { experts } = parseRegistry({ 'domain-code': JSON.stringify({ ...code, added_later: true }) });
    expect(experts).toEqual([code]);
  });

  it('refuses to serialize an invalid entry', () => {
    expect(() => serializeExpert({ ...clusterA, centroid: [2, 0] })).toThrow('must be a unit vector');
    expect(() => serializeExpert({ ...code, domain: undefined })).toThrow('a domain expert needs a domain');
  });
});

describe('expertsForTenant', () => {
  it('offers every domain expert and the tenant’s own cluster experts only, with Float32 centroids', () => {
    const experts = expertsForTenant([code, health, clusterA, clusterB], TENANT_A);
    expect(experts.map((e) => e.id)).toEqual(['domain-code', 'domain-health', 'cluster-aaaaaaaa-0']);
    expect(experts[0]).toEqual({ id: 'domain-code', kind: 'domain', domain: 'code' });
    expect(experts[2].centroid).toBeInstanceOf(Float32Array);
    expect([...experts[2].centroid!]).toEqual([0.6, 0.8, 0, 0].map(Math.fround));
    expect(expertsForTenant([clusterA, clusterB], 'c'.repeat(64))).toEqual([]);
  });

  it('gives the router experts it accepts: a code prompt near cluster A routes to both', () => {
    const experts = expertsForTenant([code, health, clusterA, clusterB], TENANT_A);
    const routed = routeExperts(experts, { domainProbabilities: { code: 0.9, health: 0.1 }, userEmbedding: Float32Array.of(0.6, 0.8, 0, 0), k: 2 });
    expect(routed.map((r) => r.id)).toEqual(['cluster-aaaaaaaa-0', 'domain-code']);
  });
});

describe('expertOwnerKey', () => {
  it('is the hex SHA-256 of attune-expert:<id>: 64 hex, stable, distinct per id', async () => {
    const key = await expertOwnerKey('domain-code');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await expertOwnerKey('domain-code')).toBe(key);
    // printf 'attune-expert:domain-code' | sha256sum
    expect(key).toBe('7737ce799aeee8feb0e613f14c18ff91078437f7f37526f90c5680627374169a');
    expect(await expertOwnerKey('domain-health')).not.toBe(key);
    await expect(expertOwnerKey('Domain Code')).rejects.toThrow('"Domain Code" is not an expert id');
  });
});

describe('readRegistry and registerExpert', () => {
  it('write and read the one registry hash, replacing an entry with the same id', async () => {
    const hashes = new Map<string, Map<string, string>>();
    const redis = {
      async hset(key: string, field: string, value: string) {
        if (!hashes.has(key)) hashes.set(key, new Map());
        hashes.get(key)!.set(field, value);
        return 1;
      },
      async hgetall(key: string) {
        return Object.fromEntries(hashes.get(key) ?? []);
      },
    };
    await registerExpert(redis, code);
    await registerExpert(redis, clusterA);
    await registerExpert(redis, { ...code, version: 4 });
    expect([...hashes.keys()]).toEqual([EXPERT_REGISTRY_KEY]);
    const { experts, invalid } = await readRegistry(redis);
    expect(invalid).toEqual([]);
    expect(experts).toEqual([clusterA, { ...code, version: 4 }]);
    await expect(registerExpert(redis, { ...code, id: 'Nope' })).rejects.toThrow();
    expect(hashes.get(EXPERT_REGISTRY_KEY)!.size).toBe(2);
  });
});

describe('clusterReleaseSchema', () => {
  it('accepts the edge’s release and names a malformed cluster id', () => {
    const release = {
      round: 3, released_at: '2026-12-10T08:00:00Z', epsilon: 1, sigma: 2.5,
      clusters: [{ id: 'cluster-0', centroid: [1, 0], style_prior: { casual: 0.7, formal: 0.1, technical: 0.1, creative: 0.1 }, size: 41.3 }],
    };
    expect(clusterReleaseSchema.parse(release)).toEqual({ ...release, round: '3', clusters: [{ ...release.clusters[0], fallback: false }] });
    const bad = clusterReleaseSchema.safeParse({ ...release, clusters: [{ ...release.clusters[0], id: 'c0' }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].message).toBe('must look like cluster-<n>');
    expect(expertClustersKey(TENANT_A)).toBe(`attune:{experts}:clusters:${TENANT_A}`);
  });
});
