/**
 * @module adapters/adapter-mixture tests: the mixed adapter's delta equals the weighted sum of the
 * experts' deltas computed by hand, its header and errors, and, through the compiled ONNX graph,
 * logits equal to a reference pass with the weighted deltas merged into the base weights.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logitsAt, runPadded } from '../../../test/runtime/forward-helpers';
import { maxAbsDiff, PARITY_CONFIGS, tokenIds, writeModelFixture, type ModelFixture } from '../../../test/runtime/model-fixtures';
import { referenceForward, type ReferenceConfig } from '../../../test/reference/llama-reference';
import { createSeededRng } from '../../../shared/random/seeded-rng';
import { compileModel } from '../compiler/compile';
import { LORA_TARGETS, projectionShape, projectionWeightName, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { ModelSession } from '../runtime/model-session';
import { AdapterError, adapterWeightKey, checkAdapterShapes, type LoraAdapter } from './adapter';
import { MAX_MIXTURE_RANK, mixAdapters } from './adapter-mixture';
import { stackAdapters } from './adapter-stack';
import { randomAdapter } from './random-adapter';
import { TINY_BASE_ID, TINY_CFG } from './tiny-config.test-fixture';

/** Three experts of ranks 2, 4, 3 with different scales and overlapping target sets. */
function experts(cfg: LlamaConfig, baseModelId: string): LoraAdapter[] {
  return [
    randomAdapter(cfg, { baseModelId, targets: ['q_proj', 'v_proj'], rank: 2, alpha: 3, seed: 1 }),
    randomAdapter(cfg, { baseModelId, targets: ['o_proj', 'gate_proj', 'down_proj', 'v_proj'], rank: 4, alpha: 2, seed: 2 }),
    randomAdapter(cfg, { baseModelId, targets: ['q_proj', 'k_proj', 'up_proj'], rank: 3, alpha: 12, seed: 3, rsLora: true }),
  ];
}
const WEIGHTS = [0.5, 0.3, 0.2];

/** `s·(x A) B` for one row x, by plain loops in float64; zeros when the adapter lacks `target`. */
function deltaOf(adapter: LoraAdapter, layer: number, target: LoraTarget, x: Float64Array, outFeatures: number): Float64Array {
  const out = new Float64Array(outFeatures);
  if (!adapter.targets.includes(target)) return out;
  const { a, b } = adapter.weights.get(adapterWeightKey(layer, target))!;
  const r = adapter.rank;
  const down = new Float64Array(r);
  for (let i = 0; i < x.length; i++) for (let j = 0; j < r; j++) down[j] += x[i] * a[i * r + j];
  for (let j = 0; j < r; j++) for (let o = 0; o < outFeatures; o++) out[o] += adapter.scale * down[j] * b[j * outFeatures + o];
  return out;
}

describe('mixAdapters', () => {
  const parts = experts(TINY_CFG, TINY_BASE_ID);
  const mixed = mixAdapters(parts.map((adapter, i) => ({ adapter, weight: WEIGHTS[i] })), { version: 7 });

  it('has rank Σr, scale 1, the union of targets, and fits the model', () => {
    expect(mixed).toMatchObject({ rank: 9, scale: 1, alpha: 9, version: 7, numLayers: 2, baseModelId: TINY_BASE_ID });
    expect(mixed.targets).toEqual([...LORA_TARGETS]);
    expect(() => checkAdapterShapes(TINY_CFG, mixed)).not.toThrow();
  });

  it('gives Σ w_i·s_i·(x A_i) B_i on every layer and target, computed by hand', () => {
    const rng = createSeededRng(99);
    let worst = 0;
    for (const target of LORA_TARGETS) {
      const [inFeatures, outFeatures] = projectionShape(TINY_CFG, target);
      for (let layer = 0; layer < TINY_CFG.numLayers; layer++) {
        const x = Float64Array.from({ length: inFeatures }, () => rng.normal());
        const expected = new Float64Array(outFeatures);
        parts.forEach((p, i) => deltaOf(p, layer, target, x, outFeatures).forEach((d, o) => (expected[o] += WEIGHTS[i] * d)));
        const got = deltaOf(mixed, layer, target, x, outFeatures);
        worst = Math.max(worst, maxAbsDiff(got, expected));
      }
    }
    console.log(`mixture vs hand-computed weighted delta: max abs error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it('stacks into one slot of rank Σr', () => {
    const { rank, feeds } = stackAdapters(TINY_CFG, [...LORA_TARGETS], [mixed]);
    expect(rank).toBe(9);
    expect([...feeds.lora_scale.data]).toEqual([0, 1]);
  });

  it('rejects an empty list and bad weights, naming the part', () => {
    expect(() => mixAdapters([])).toThrow('mixAdapters needs at least one adapter');
    expect(() => mixAdapters([{ adapter: parts[0], weight: 1 }, { adapter: parts[1], weight: -0.1 }])).toThrow('parts[1].weight must be a finite number ≥ 0, got -0.1');
    expect(() => mixAdapters([{ adapter: parts[0], weight: Number.NaN }])).toThrow('parts[0].weight');
  });

  it('rejects parts trained for another base model or layer count', () => {
    const other = { ...parts[1], baseModelId: 'sha256:ffff' };
    expect(() => mixAdapters([{ adapter: parts[0], weight: 1 }, { adapter: other, weight: 1 }])).toThrow(
      new AdapterError('BASE_MODEL_MISMATCH', `parts[1] was trained for base model sha256:ffff, parts[0] for ${TINY_BASE_ID}`, 'baseModelId'),
    );
    const deeper = { ...parts[2], numLayers: 3 };
    expect(() => mixAdapters([{ adapter: parts[0], weight: 1 }, { adapter: deeper, weight: 1 }])).toThrow('parts[1] covers 3 layers, parts[0] covers 2');
  });

  it('rejects a mixture whose rank exceeds maxRank, naming it', () => {
    const all = parts.map((adapter) => ({ adapter, weight: 1 }));
    let err: unknown;
    try {
      mixAdapters(all, { maxRank: 8 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).code).toBe('RANK_TOO_LARGE');
    expect((err as AdapterError).message).toBe('mixture rank 9 (2 + 4 + 3) exceeds maxRank 8');
    const big = randomAdapter(TINY_CFG, { baseModelId: TINY_BASE_ID, targets: ['q_proj'], rank: MAX_MIXTURE_RANK, alpha: 1, seed: 4 });
    expect(() => mixAdapters([{ adapter: big, weight: 1 }, { adapter: parts[0], weight: 1 }])).toThrow(`exceeds maxRank ${MAX_MIXTURE_RANK}`);
  });
});

describe('mixAdapters through the compiled ONNX graph', () => {
  const raw = PARITY_CONFIGS['multi-head, tied head'];
  let fixture: ModelFixture;
  let root: string;
  let session: ModelSession;
  let parts: LoraAdapter[];

  beforeAll(async () => {
    fixture = await writeModelFixture(raw, 5);
    root = await mkdtemp(join(tmpdir(), 'attune-mixture-'));
    const compiled = await compileModel(fixture.dir, join(root, 'lora'), { loraTargets: [...LORA_TARGETS], maxRank: 16 });
    session = await ModelSession.open(compiled, { providers: ['cpu'] });
    parts = experts(fixture.cfg, compiled.manifest.baseModelId);
  });
  afterAll(async () => {
    await session?.close();
    await fixture?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('gives the same logits for one adapter mixed with weight 1 as for the adapter itself', async () => {
    const ids = tokenIds(6, fixture.cfg.vocabSize, 2);
    const alone = await runPadded(session, [ids], [parts[0]]);
    const mixed = await runPadded(session, [ids], [mixAdapters([{ adapter: parts[0], weight: 1 }])]);
    const err = maxAbsDiff(mixed.out.logits, alone.out.logits);
    const peak = Math.max(...alone.out.logits.map(Math.abs));
    console.log(`single adapter mixed with weight 1 vs itself: max abs logit error ${err.toExponential(2)} (largest logit ${peak.toFixed(1)})`);
    // Folding s into B rounds differently from scaling x A B: a few float32 ulps of the largest
    // logit (≈ 2 ulps here), so the bound is relative to keep it stable across CPU kernels.
    expect(err).toBeLessThanOrEqual(1e-6 * peak);
  });

  it('gives the logits of the base model with Σ w_i·s_i·A_i B_i merged into its weights', async () => {
    const ids = tokenIds(7, fixture.cfg.vocabSize, 3);
    const mixed = mixAdapters(parts.map((adapter, i) => ({ adapter, weight: WEIGHTS[i] })));
    const { out } = await runPadded(session, [ids], [mixed]);
    const merged = mergedWeights(fixture, parts, WEIGHTS);
    const ref = referenceForward(raw as unknown as ReferenceConfig, merged, [ids]);
    const base = referenceForward(raw as unknown as ReferenceConfig, (name) => fixture.weights.get(name)!.data, [ids]);
    let worst = 0;
    let shift = 0;
    for (let t = 0; t < ids.length; t++) {
      worst = Math.max(worst, maxAbsDiff(logitsAt(out, fixture.cfg.vocabSize, 0, t), ref.logits[0][t]));
      shift = Math.max(shift, maxAbsDiff(ref.logits[0][t], base.logits[0][t]));
    }
    console.log(`mixed adapter in ONNX vs merged-weights reference: max abs logit error ${worst.toExponential(2)} (adapter shift ${shift.toFixed(3)})`);
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(shift).toBeGreaterThan(0.05); // the mixture visibly moves the logits
  });
});

/** A weight lookup with `W + Σ_i w_i·s_i·(A_i B_i)ᵀ` on every adapted projection (HF layout `[out, in]`). */
function mergedWeights(fixture: ModelFixture, parts: LoraAdapter[], weights: number[]): (name: string) => Float32Array {
  const merged = new Map<string, Float32Array>();
  for (const target of LORA_TARGETS) {
    const [inFeatures, outFeatures] = projectionShape(fixture.cfg, target);
    for (let layer = 0; layer < fixture.cfg.numLayers; layer++) {
      const name = projectionWeightName(layer, target);
      const w = Float64Array.from(fixture.weights.get(name)!.data);
      parts.forEach((adapter, k) => {
        if (!adapter.targets.includes(target)) return;
        const { a, b } = adapter.weights.get(adapterWeightKey(layer, target))!;
        const r = adapter.rank;
        const f = weights[k] * adapter.scale;
        for (let o = 0; o < outFeatures; o++) {
          for (let i = 0; i < inFeatures; i++) {
            let s = 0;
            for (let j = 0; j < r; j++) s += a[i * r + j] * b[j * outFeatures + o];
            w[o * inFeatures + i] += f * s;
          }
        }
      });
      merged.set(name, Float32Array.from(w));
    }
  }
  return (name) => merged.get(name) ?? fixture.weights.get(name)!.data;
}
