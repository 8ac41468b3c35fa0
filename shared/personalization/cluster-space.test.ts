import { describe, expect, it } from 'vitest';
import { STYLES } from '../api/profile';
import { createSeededRng } from '../random/seeded-rng';
import {
  CLUSTER_DIM, clipPoint, clipStyle, clusterContribution, clusterProjection, cosine, initialCentroids, nearestIndex, projectToClusterSpace, styleVote,
} from './cluster-space';
import { createPreferenceState, observe, posteriorMean } from './preference-model';
import { buildUserEmbedding } from './user-embedding';

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

function randomUnit(rng: ReturnType<typeof createSeededRng>, n: number): Float64Array {
  const v = Float64Array.from({ length: n }, () => rng.normal());
  const length = norm(v);
  return v.map((x) => x / length);
}

describe('projectToClusterSpace', () => {
  it('is a fixed public map: the same input gives the same 16 numbers, and entries are ±1/4', () => {
    const e = buildUserEmbedding({ preferences: { style: { formal: 0.7, casual: 0.1, technical: 0.1, creative: 0.1 } } });
    expect(Array.from(projectToClusterSpace(e))).toEqual(Array.from(projectToClusterSpace(Float32Array.from(e))));
    expect(projectToClusterSpace(e)).toHaveLength(CLUSTER_DIM);
    const matrix = clusterProjection(512);
    expect(matrix).toHaveLength(CLUSTER_DIM * 512);
    expect(new Set(matrix)).toEqual(new Set([0.25, -0.25]));
    // Balanced signs (a fair bit per entry): 8192 entries, ~half positive.
    const positive = matrix.filter((x) => x > 0).length;
    expect(Math.abs(positive - 4096)).toBeLessThan(200);
  });

  it('returns unit vectors, and the zero vector for the zero vector', () => {
    const rng = createSeededRng(7);
    for (let i = 0; i < 20; i++) expect(norm(projectToClusterSpace(randomUnit(rng, 512)))).toBeCloseTo(1, 6);
    expect(Array.from(projectToClusterSpace(new Float32Array(512)))).toEqual(new Array(16).fill(0));
  });

  it('accepts any input length, with a projection generated for that length', () => {
    const rng = createSeededRng(8);
    for (const n of [1, 256, 300, 1024]) expect(norm(projectToClusterSpace(randomUnit(rng, n)))).toBeCloseTo(1, 6);
    expect(clusterProjection(300)).toHaveLength(16 * 300);
    expect(clusterProjection(300)).toBe(clusterProjection(300)); // cached
  });

  it('keeps cosines roughly (Johnson–Lindenstrauss): mean abs error 0.14 over cosines spread on [−1, 1]', () => {
    // Pairs b = c·a + √(1 − c²)·z with c uniform in [−1, 1]: true cosine ≈ c. Measured: 0.132–0.147
    // over seeds 1..5 (theory for 16 dims: about 0.8·E[1 − c²]/√16 = 0.13).
    const rng = createSeededRng(1);
    let error = 0;
    const pairs = 500;
    for (let i = 0; i < pairs; i++) {
      const a = randomUnit(rng, 512);
      const z = randomUnit(rng, 512);
      const c = 2 * rng.next() - 1;
      const b = a.map((x, j) => c * x + Math.sqrt(1 - c * c) * z[j]);
      error += Math.abs(cosine(projectToClusterSpace(a), projectToClusterSpace(b)) - cosine(a, b)) / pairs;
    }
    expect(error).toBeLessThan(0.2);
    expect(error).toBeGreaterThan(0.05); // 16 dims cannot do much better: the bound is not vacuous
    // Identical and opposite vectors stay exactly so.
    const a = randomUnit(rng, 512);
    expect(cosine(projectToClusterSpace(a), projectToClusterSpace(a.map((x) => -x)))).toBeCloseTo(-1, 6);
  });
});

describe('initialCentroids', () => {
  it('gives one distinct unit prototype per style, built from the vocabulary alone', () => {
    const centroids = initialCentroids();
    expect(centroids).toHaveLength(STYLES.length);
    for (const c of centroids) {
      expect(c).toHaveLength(CLUSTER_DIM);
      expect(norm(c)).toBeCloseTo(1, 6);
    }
    for (let i = 0; i < centroids.length; i++) {
      for (let j = i + 1; j < centroids.length; j++) expect(cosine(centroids[i], centroids[j])).toBeLessThan(0.5);
    }
    expect(initialCentroids()).toEqual(centroids);
  });

  it('puts a user who clearly prefers a style nearest to that style’s prototype', () => {
    const centroids = initialCentroids();
    STYLES.forEach((style, k) => {
      let state = createPreferenceState();
      for (let i = 0; i < 3; i++) state = observe(state, { style, tone: 'friendly' }, 1);
      const point = projectToClusterSpace(buildUserEmbedding({ preferences: { style: posteriorMean(state, 'style'), tone: posteriorMean(state, 'tone') } }));
      expect(nearestIndex(centroids, point)).toBe(k);
    });
  });
});

describe('clipping and contributions', () => {
  it('scales a point longer than 1 onto the unit sphere and leaves shorter ones alone', () => {
    const long = new Array(16).fill(1);
    expect(norm(clipPoint(long))).toBeCloseTo(1, 12);
    const short = new Array(16).fill(0).map((_, i) => (i === 0 ? 0.5 : 0));
    expect(clipPoint(short)).toEqual(short);
    expect(() => clipPoint([1, 2])).toThrow('point must have 16 entries, got 2');
    expect(() => clipPoint(new Array(16).fill(Number.NaN))).toThrow('point must be finite');
  });

  it('sets negative style entries to 0 and scales the rest to sum ≤ 1', () => {
    expect(clipStyle({ casual: 2, formal: -1, technical: 2 })).toEqual({ casual: 0.5, formal: 0, technical: 0.5, creative: 0 });
    expect(clipStyle({ formal: 0.3 })).toEqual({ casual: 0, formal: 0.3, technical: 0, creative: 0 });
    expect(() => clipStyle({ poetic: 1 } as never)).toThrow('unknown style "poetic"');
  });

  it('votes for the most likely style, splitting ties', () => {
    expect(styleVote({ casual: 0.1, formal: 0.6, technical: 0.2, creative: 0.1 })).toEqual({ casual: 0, formal: 1, technical: 0, creative: 0 });
    expect(styleVote({ casual: 0.25, formal: 0.25, technical: 0.25, creative: 0.25 })).toEqual({ casual: 0.25, formal: 0.25, technical: 0.25, creative: 0.25 });
  });

  it('builds a contribution from an embedding and a preference state', () => {
    const state = observe(createPreferenceState(), { style: 'technical' }, 1);
    const embedding = buildUserEmbedding({ preferences: { style: { technical: 0.4, casual: 0.2, formal: 0.2, creative: 0.2 } } });
    const vote = clusterContribution(embedding, state);
    expect(vote.style).toEqual({ casual: 0, formal: 0, technical: 1, creative: 0 });
    expect(norm(vote.point)).toBeCloseTo(1, 6);
    expect(clusterContribution(embedding, state, 'mean').style).toEqual({ casual: 0.2, formal: 0.2, technical: 0.4, creative: 0.2 });
  });
});
