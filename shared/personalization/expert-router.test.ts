/**
 * @module shared/personalization/expert-router tests: a code prompt routes to the code expert, an
 * embedding near a centroid picks that cluster, weights sum to 1, k, minWeight and ties, and the
 * registry's checks.
 */
import { describe, expect, it } from 'vitest';
import { DOMAINS, type Domain } from '../api/profile';
import { classifyDomain } from './domain-classifier';
import { ExpertRegistry, routeExperts, type Expert } from './expert-router';

const DIM = 8;

/** The unit vector along axis `i` of an 8-dimensional space. */
function axis(i: number): Float32Array {
  const v = new Float32Array(DIM);
  v[i] = 1;
  return v;
}

function unit(values: number[]): Float32Array {
  const n = Math.hypot(...values);
  return Float32Array.from(values, (x) => x / n);
}

const domainExperts: Expert[] = DOMAINS.filter((d) => d !== 'general').map((domain) => ({ id: `domain-${domain}`, kind: 'domain', domain }));
const clusterExperts: Expert[] = [0, 1, 2, 3].map((i) => ({ id: `cluster-${i}`, kind: 'cluster', centroid: axis(i) }));
const ALL = [...domainExperts, ...clusterExperts];

const flat = Object.fromEntries(DOMAINS.map((d) => [d, 1 / DOMAINS.length])) as Record<Domain, number>;
const sumOf = (routed: { weight: number }[]) => routed.reduce((a, r) => a + r.weight, 0);

describe('routeExperts', () => {
  it('routes a code prompt mostly to the code expert', () => {
    const { probabilities } = classifyDomain('My TypeScript build fails with a type error in this function, can you debug it?');
    const routed = routeExperts(domainExperts, { domainProbabilities: probabilities, temperature: 0.1 });
    expect(routed[0].id).toBe('domain-code');
    expect(routed[0].weight).toBeGreaterThan(0.9);
    expect(sumOf(routed)).toBeCloseTo(1, 12);
  });

  it('picks the cluster whose centroid is nearest the user embedding', () => {
    const user = unit([0.1, 0.05, 0.95, 0.1, 0, 0, 0.02, 0]);
    const routed = routeExperts(clusterExperts, { domainProbabilities: flat, userEmbedding: user, k: 1 });
    expect(routed).toEqual([{ id: 'cluster-2', weight: 1 }]);
  });

  it('mixes the domain and cluster experts that score highest, weights summing to 1', () => {
    const probabilities = { ...flat, health: 0.9, general: 0.02, writing: 0.02, code: 0.02, tutoring: 0.02, shopping: 0.02 };
    const routed = routeExperts(ALL, { domainProbabilities: probabilities, userEmbedding: unit([0.6, 0.8, 0, 0, 0, 0, 0, 0]), k: 2 });
    expect(routed.map((r) => r.id)).toEqual(['domain-health', 'cluster-1']);
    expect(sumOf(routed)).toBeCloseTo(1, 12);
    expect(routed[0].weight).toBeGreaterThan(routed[1].weight);
  });

  it('returns at most k experts and weights that sum to 1 for every k', () => {
    for (let k = 1; k <= ALL.length + 2; k++) {
      const routed = routeExperts(ALL, { domainProbabilities: flat, userEmbedding: unit([1, 1, 1, 1, 1, 1, 1, 1]), k, minWeight: 0 });
      expect(routed.length).toBe(Math.min(k, ALL.length));
      expect(sumOf(routed)).toBeCloseTo(1, 12);
    }
  });

  it('drops experts below minWeight but always keeps the best', () => {
    const probabilities = { ...flat, code: 1, writing: 0, tutoring: 0, shopping: 0, health: 0 };
    const routed = routeExperts(domainExperts, { domainProbabilities: probabilities, k: 3, temperature: 0.1 });
    // exp(10) against exp(0): the others' weights are ≈ 4.5e-5, far below 0.05.
    expect(routed).toEqual([{ id: 'domain-code', weight: 1 }]);
    const strict = routeExperts(clusterExperts, { domainProbabilities: flat, k: 4, minWeight: 0.9 });
    expect(strict).toEqual([{ id: 'cluster-0', weight: 1 }]);
  });

  it('breaks ties by id and gives equal weights, whatever the registry order', () => {
    const shuffled = [clusterExperts[3], clusterExperts[1], clusterExperts[0], clusterExperts[2]];
    const routed = routeExperts(shuffled, { domainProbabilities: flat, k: 2 });
    expect(routed).toEqual([{ id: 'cluster-0', weight: 0.5 }, { id: 'cluster-1', weight: 0.5 }]);
  });

  it('scores cluster experts 0 without an embedding and returns [] for an empty registry', () => {
    const probabilities = { ...flat, shopping: 0.6 };
    const routed = routeExperts([...clusterExperts, domainExperts[3]], { domainProbabilities: probabilities, k: 1 });
    expect(routed).toEqual([{ id: 'domain-shopping', weight: 1 }]);
    expect(routeExperts([], { domainProbabilities: flat })).toEqual([]);
  });

  it('rejects bad options and experts, naming them', () => {
    expect(() => routeExperts(ALL, { domainProbabilities: flat, k: 0 })).toThrow('k must be a positive integer, got 0');
    expect(() => routeExperts(ALL, { domainProbabilities: flat, temperature: 0 })).toThrow('temperature must be a finite number > 0, got 0');
    expect(() => routeExperts(ALL, { domainProbabilities: flat, minWeight: 1 })).toThrow('minWeight must be in [0, 1), got 1');
    expect(() => routeExperts(ALL, { domainProbabilities: flat, userEmbedding: new Float32Array(3) })).toThrow(
      "userEmbedding has 3 dimensions, expert cluster-0's centroid has 8",
    );
    expect(() => routeExperts([clusterExperts[0], clusterExperts[0]], { domainProbabilities: flat })).toThrow('expert id cluster-0 appears twice');
    expect(() => routeExperts([{ id: 'x', kind: 'cluster', centroid: Float32Array.of(1, 1) }], { domainProbabilities: flat })).toThrow(
      'expert x: centroid must be a unit vector',
    );
    expect(() => routeExperts([{ id: 'y', kind: 'domain' }], { domainProbabilities: flat })).toThrow('expert y: domain must be one of');
  });
});

describe('ExpertRegistry', () => {
  it('lists experts in id order, replaces by id, and routes over them', () => {
    const registry = new ExpertRegistry([clusterExperts[1], domainExperts[1]]);
    registry.register({ id: 'cluster-1', kind: 'cluster', centroid: axis(5) });
    expect(registry.list().map((e) => e.id)).toEqual(['cluster-1', 'domain-code']);
    expect(registry.get('cluster-1')!.centroid).toEqual(axis(5));
    const routed = registry.route({ domainProbabilities: flat, userEmbedding: axis(5), k: 1 });
    expect(routed).toEqual([{ id: 'cluster-1', weight: 1 }]);
    expect(registry.remove('cluster-1')).toBe(true);
    expect(registry.get('cluster-1')).toBeUndefined();
  });

  it('rejects a centroid whose dimension differs from the registered ones', () => {
    const registry = new ExpertRegistry([clusterExperts[0]]);
    expect(() => registry.register({ id: 'wide', kind: 'cluster', centroid: unit([1, 0, 0]) })).toThrow(
      "expert wide: centroid has 3 dimensions, expert cluster-0's has 8",
    );
  });
});
