/** @module shared/personalization/user-embedding.test User vectors from profile, posterior and history; int8 storage. */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../random/seeded-rng';
import { cosineSimilarity, embedText, normalizeL2 } from './text-embedding';
import {
  base64ToInt8, buildUserEmbedding, cosineInt8, dequantize, fromStoredEmbedding, int8ToBase64, quantizeInt8,
  toStoredEmbedding, updateInteractionMean, type UserEmbeddingParts,
} from './user-embedding';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

function randomUnit(rng: ReturnType<typeof createSeededRng>, dim: number): Float32Array {
  return normalizeL2(Float32Array.from({ length: dim }, () => rng.normal()));
}

describe('updateInteractionMean', () => {
  it('starts from the first embedding and averages plainly while count < 1/rate', () => {
    let m = updateInteractionMean(null, Float32Array.of(1, 0));
    expect(m).toEqual({ mean: Float32Array.of(1, 0), count: 1 });
    m = updateInteractionMean(m, Float32Array.of(0, 1));
    expect(Array.from(m.mean)).toEqual([0.5, 0.5]);
    m = updateInteractionMean(m, Float32Array.of(0, 1));
    expect(m.mean[0]).toBeCloseTo(1 / 3, 6);
    expect(m.count).toBe(3);
  });

  it('moves by the rate once count exceeds 1/rate', () => {
    const m = updateInteractionMean({ mean: Float32Array.of(1, 0), count: 20 }, Float32Array.of(0, 1), 0.1);
    expect(m.mean[0]).toBeCloseTo(0.9, 6);
    expect(m.mean[1]).toBeCloseTo(0.1, 6);
    expect(m.count).toBe(21);
  });

  it('rejects a rate outside (0, 1] and a length mismatch', () => {
    expect(() => updateInteractionMean(null, Float32Array.of(1), 0)).toThrow(/^rate must be in/);
    expect(() => updateInteractionMean({ mean: Float32Array.of(1, 0), count: 1 }, Float32Array.of(1))).toThrow(RangeError);
  });
});

describe('buildUserEmbedding', () => {
  const history = (texts: string[]) => texts.reduce<ReturnType<typeof updateInteractionMean> | null>((m, t) => updateInteractionMean(m, embedText(t)), null)!;

  it('is unit length for any non-empty mix of parts, zero when all are empty', () => {
    const cases: UserEmbeddingParts[] = [
      { profile: { style: 'formal' } },
      { preferences: { tone: { friendly: 0.9, neutral: 0.1 } } },
      { interactions: history(['vegan recipes', 'tofu stir fry']) },
      { profile: { style: 'casual', domains: ['code', 'writing'], complexity: 0.3, locale: 'en-GB' }, preferences: { length: { concise: 0.6, detailed: 0.4 } }, interactions: history(['typescript generics']) },
    ];
    for (const parts of cases) expect(norm(buildUserEmbedding(parts))).toBeCloseTo(1, 5);
    expect(buildUserEmbedding({}).every((x) => x === 0)).toBe(true);
    expect(buildUserEmbedding({ preferences: { tone: { friendly: 0.5, neutral: 0.5 } } }).every((x) => x === 0)).toBe(true);
  });

  it('places users with the same preferences closer than users with different ones', () => {
    const formalCoder = buildUserEmbedding({
      profile: { style: 'formal', tone: 'professional', domains: ['code'] },
      preferences: { verbosity: { terse: 0.8, verbose: 0.2 } },
      interactions: history(['How do I type a generic function in TypeScript?', 'Explain TypeScript conditional types']),
    });
    const formalCoder2 = buildUserEmbedding({
      profile: { style: 'formal', tone: 'professional', domains: ['code'] },
      preferences: { verbosity: { terse: 0.7, verbose: 0.3 } },
      interactions: history(['TypeScript generic constraints example', 'What are mapped types in TypeScript?']),
    });
    const casualCook = buildUserEmbedding({
      profile: { style: 'casual', tone: 'friendly', domains: ['shopping'] },
      preferences: { verbosity: { terse: 0.1, verbose: 0.9 } },
      interactions: history(['Quick vegetarian dinner ideas', 'Where can I buy fresh basil?']),
    });
    const same = cosineSimilarity(formalCoder, formalCoder2);
    const different = cosineSimilarity(formalCoder, casualCook);
    expect(same).toBeGreaterThan(0.6); // measured 0.853
    expect(different).toBeLessThan(0.1); // measured -0.317: opposite posteriors point opposite ways
  });

  it('aligns a stated profile field with the same learned preference', () => {
    const stated = buildUserEmbedding({ profile: { style: 'formal' } });
    const learned = buildUserEmbedding({ preferences: { style: { formal: 0.9, casual: 0.1 } } });
    const opposite = buildUserEmbedding({ preferences: { style: { formal: 0.1, casual: 0.9 } } });
    expect(cosineSimilarity(stated, learned)).toBeGreaterThan(0.5); // exactly 1/√2: formal +0.4, casual −0.4
    expect(cosineSimilarity(stated, learned)).toBeGreaterThan(cosineSimilarity(stated, opposite) + 0.5);
  });

  it('honours part weights and checks sizes', () => {
    const interactions = history(['gardening tips']);
    const onlyHistory = buildUserEmbedding({ profile: { style: 'formal' }, interactions }, { weights: { profile: 0 } });
    expect(cosineSimilarity(onlyHistory, interactions.mean)).toBeCloseTo(1, 5);
    expect(() => buildUserEmbedding({ interactions }, { dim: 256 })).toThrow(/interactions\.mean/);
    expect(() => buildUserEmbedding({}, { dim: 2000 })).toThrow(/^dim must be/);
  });
});

describe('int8 quantization', () => {
  it('round-trips every component within half a quantization step', () => {
    const rng = createSeededRng(11);
    let worst = 0;
    for (let t = 0; t < 50; t++) {
      const v = randomUnit(rng, 512);
      const qv = quantizeInt8(v);
      const back = dequantize(qv);
      expect(qv.scale).toBeCloseTo(Math.max(...Array.from(v, Math.abs)) / 127, 9);
      expect(Math.max(...Array.from(qv.q, Math.abs))).toBe(127);
      for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(back[i] - v[i]) / qv.scale);
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-5); // float32 rounding can add ~1e-7
  });

  it('keeps int8 cosine within 0.01 of float cosine on random unit vectors (measured max 0.0014 at dim 512)', () => {
    const rng = createSeededRng(7);
    let maxError = 0;
    for (let t = 0; t < 500; t++) {
      const a = randomUnit(rng, 512);
      const noise = randomUnit(rng, 512);
      // Independent pairs (cosine ≈ 0) and correlated pairs (cosine ≈ 0.96).
      for (const b of [noise, normalizeL2(a.map((x, i) => x + 0.3 * noise[i]))]) {
        maxError = Math.max(maxError, Math.abs(cosineInt8(quantizeInt8(a), quantizeInt8(b)) - cosineSimilarity(a, b)));
      }
    }
    expect(maxError).toBeLessThanOrEqual(0.01);
    expect(maxError).toBeGreaterThan(0);
  });

  it('gives the zero vector scale 0 and cosine 0, and rejects non-finite values', () => {
    const zero = quantizeInt8(new Float32Array(4));
    expect(zero.scale).toBe(0);
    expect(cosineInt8(zero, quantizeInt8(Float32Array.of(1, 0, 0, 0)))).toBe(0);
    expect(() => quantizeInt8([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('base64 storage', () => {
  it('encodes int8 values as standard base64 and back, negatives included', () => {
    expect(int8ToBase64(Int8Array.of(-1, 0, 1))).toBe('/wAB');
    const q = Int8Array.from({ length: 300 }, (_, i) => ((i * 37) % 255) - 127);
    expect(Array.from(base64ToInt8(int8ToBase64(q)))).toEqual(Array.from(q));
    expect(() => base64ToInt8('not base64!')).toThrow(RangeError);
  });

  it('survives JSON and keeps the similarity of the float vectors', () => {
    const a = embedText('I like hiking in the mountains');
    const b = embedText('Mountain hiking trips are my favourite');
    const stored = JSON.parse(JSON.stringify(toStoredEmbedding(a)));
    expect(stored.int8).toHaveLength(Math.ceil(512 / 3) * 4);
    expect(cosineInt8(fromStoredEmbedding(stored), quantizeInt8(b))).toBeCloseTo(cosineSimilarity(a, b), 2);
  });
});
