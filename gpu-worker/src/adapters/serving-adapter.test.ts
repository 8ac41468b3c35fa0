/**
 * @module gpu-worker/adapters/serving-adapter tests, against a real AdapterStore on Redis
 * (127.0.0.1:6379, DB 13; fresh owners and expert ids per run, their keys deleted afterwards):
 * user only, experts only, user + experts equal to the hand-computed weighted sum of deltas,
 * a missing expert skipped and logged once, rank overflow dropping the lowest weight, and a new
 * user adapter version (or an erased and re-created user) never served a stale cached mixture.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../../../shared/privacy/crypto/base64url';
import { loadKeyring, type Keyring } from '../../../shared/privacy/crypto/keyring';
import { expertOwnerKey } from '../../../shared/personalization/expert-registry';
import { projectionShape, type LoraTarget } from '../compiler/llama-config';
import type { Logger } from '../runtime/logger';
import { adapterWeightKey, type LoraAdapter } from './adapter';
import type { AdapterExpectation } from './adapter-file';
import { AdapterStore } from './adapter-store';
import { randomAdapter } from './random-adapter';
import { createServingAdapterResolver } from './serving-adapter';
import { TINY_BASE_ID, TINY_CFG } from './tiny-config.test-fixture';

const REDIS_URL = 'redis://127.0.0.1:6379/13';
const MAX_RANK = 8;
const TARGETS: LoraTarget[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];
const expectation: AdapterExpectation = { cfg: TINY_CFG, baseModelId: TINY_BASE_ID, compiledTargets: TARGETS, maxRank: MAX_RANK };
const RUN = randomBytes(4).toString('hex');

let redis: Redis;
let keyring: Keyring;
const owners: string[] = [];

const adapterOf = (seed: number, rank: number, targets: LoraTarget[] = ['q_proj', 'v_proj']) =>
  randomAdapter(TINY_CFG, { baseModelId: TINY_BASE_ID, targets, rank, alpha: 2 * rank + seed % 3, seed });

function newOwner(): string {
  const owner = randomBytes(32).toString('hex');
  owners.push(owner);
  return owner;
}

/** A fresh expert id whose adapter (when given) is saved in `store`. */
async function newExpert(store: AdapterStore, name: string, adapter?: LoraAdapter): Promise<string> {
  const id = `t${RUN}-${name}`;
  const owner = await expertOwnerKey(id);
  owners.push(owner);
  if (adapter) await store.save(owner, adapter);
  return id;
}

function recording(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, fields });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

const newStore = () => new AdapterStore({ redis, keyring, expect: expectation });
const job = (owner: string, experts: { id: string; weight: number }[] = []) => ({ job_id: `job-${RUN}`, owner, experts });

/** x·A·B·scale of one adapter for one layer/target, in float64 (zero when the target is absent). */
function delta(adapter: LoraAdapter, layer: number, target: LoraTarget, x: Float64Array): Float64Array {
  const [inF, outF] = projectionShape(TINY_CFG, target);
  const out = new Float64Array(outF);
  const w = adapter.weights.get(adapterWeightKey(layer, target));
  if (!w) return out;
  const r = adapter.rank;
  const xa = new Float64Array(r);
  for (let i = 0; i < inF; i++) for (let k = 0; k < r; k++) xa[k] += x[i] * w.a[i * r + k];
  for (let k = 0; k < r; k++) for (let j = 0; j < outF; j++) out[j] += xa[k] * w.b[k * outF + j] * adapter.scale;
  return out;
}

/** Largest |delta(mixed) − Σ w_i·delta(part_i)| over every layer, target and a few random inputs. */
function maxMixError(mixed: LoraAdapter, parts: { adapter: LoraAdapter; weight: number }[]): number {
  let worst = 0;
  for (let trial = 0; trial < 3; trial++) {
    for (const target of TARGETS) {
      const [inF] = projectionShape(TINY_CFG, target);
      const x = Float64Array.from({ length: inF }, (_, i) => Math.sin(7 * trial + 3 * i + 1));
      for (let layer = 0; layer < TINY_CFG.numLayers; layer++) {
        const got = delta(mixed, layer, target, x);
        const want = new Float64Array(got.length);
        for (const p of parts) delta(p.adapter, layer, target, x).forEach((v, j) => (want[j] += p.weight * v));
        got.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[j]))));
      }
    }
  }
  return worst;
}

/** Largest |delta| of the sum, so the error above is read against the size of what is compared. */
function maxDelta(parts: { adapter: LoraAdapter; weight: number }[]): number {
  const x = Float64Array.from({ length: TINY_CFG.hiddenSize }, (_, i) => Math.sin(3 * i + 1));
  let worst = 0;
  for (const p of parts) for (const v of delta(p.adapter, 0, 'q_proj', x)) worst = Math.max(worst, Math.abs(p.weight * v));
  return worst;
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  keyring = await loadKeyring(`s1:${toBase64url(Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 5) & 0xff))}`);
});

afterAll(async () => {
  for (const owner of owners) {
    const keys = await redis.keys(`attune:{user:${owner}}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

describe('createServingAdapterResolver', () => {
  it('serves the user’s own adapter alone when the job routes no expert, and null without one', async () => {
    const store = newStore();
    const adapterFor = createServingAdapterResolver({ store, maxRank: MAX_RANK });
    const owner = newOwner();
    expect(await adapterFor(job(owner))).toEqual({ adapter: null, experts: [] });
    await store.save(owner, adapterOf(1, 4));
    const served = await adapterFor(job(owner));
    expect(served.experts).toEqual([]);
    expect(served.adapter).toBe(await store.current(owner));
    expect(served.adapter!.version).toBe(1);
  });

  it('mixes only the weighted experts when the user has no adapter', async () => {
    const store = newStore();
    const code = adapterOf(2, 2, ['q_proj', 'k_proj']);
    const health = adapterOf(3, 3, ['v_proj']);
    const ids = [await newExpert(store, 'e-code', code), await newExpert(store, 'e-health', health)];
    const served = await createServingAdapterResolver({ store, maxRank: MAX_RANK })(job(newOwner(), [{ id: ids[0], weight: 0.7 }, { id: ids[1], weight: 0.3 }]));
    expect(served.experts).toEqual(ids);
    expect(served.adapter!.rank).toBe(5);
    expect(served.adapter!.targets).toEqual(['q_proj', 'k_proj', 'v_proj']);
    expect(maxMixError(served.adapter!, [{ adapter: code, weight: 0.7 }, { adapter: health, weight: 0.3 }])).toBeLessThan(1e-6);
  });

  it('adds the user adapter at full strength to the weighted experts: the delta is x·A_u·B_u·s_u + Σ w_i·x·A_i·B_i·s_i', async () => {
    const store = newStore();
    const owner = newOwner();
    const user = adapterOf(4, 4, ['q_proj', 'v_proj', 'o_proj']);
    const e1 = adapterOf(5, 2, TARGETS);
    const e2 = adapterOf(6, 2, ['q_proj']);
    await store.save(owner, user);
    const ids = [await newExpert(store, 'mix-a', e1), await newExpert(store, 'mix-b', e2)];
    const served = await createServingAdapterResolver({ store, maxRank: MAX_RANK })(job(owner, [{ id: ids[0], weight: 0.62 }, { id: ids[1], weight: 0.38 }]));
    expect(served.experts).toEqual(ids);
    expect(served.adapter!.rank).toBe(8);
    const parts = [{ adapter: user, weight: 1 }, { adapter: e1, weight: 0.62 }, { adapter: e2, weight: 0.38 }];
    const error = maxMixError(served.adapter!, parts);
    expect(maxDelta(parts)).toBeGreaterThan(0.05); // the deltas compared are not vanishingly small
    expect(error).toBeLessThan(1e-6);
    // Not the unweighted sum: the weights matter.
    expect(maxMixError(served.adapter!, parts.map((p) => ({ ...p, weight: 1 })))).toBeGreaterThan(1e-3);
  });

  it('skips a missing expert, logging it once until it is stored', async () => {
    const store = newStore();
    const logger = recording();
    const adapterFor = createServingAdapterResolver({ store, maxRank: MAX_RANK, logger });
    const owner = newOwner();
    const present = adapterOf(7, 2);
    const here = await newExpert(store, 'here', present);
    const absent = await newExpert(store, 'absent');
    const routed = [{ id: absent, weight: 0.6 }, { id: here, weight: 0.4 }];
    for (let i = 0; i < 3; i++) {
      const served = await adapterFor(job(owner, routed));
      expect(served.experts).toEqual([here]);
      expect(maxMixError(served.adapter!, [{ adapter: present, weight: 0.4 }])).toBeLessThan(1e-6);
    }
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: 'expert adapter unavailable; serving without it', fields: { expert: absent } });
    expect(await adapterFor(job(owner, [{ id: absent, weight: 1 }]))).toEqual({ adapter: null, experts: [] });
    await store.save(await expertOwnerKey(absent), adapterOf(8, 2));
    expect((await adapterFor(job(owner, routed))).experts).toEqual([absent, here]);
  });

  it('drops the lowest-weight experts when Σ rank exceeds maxRank, and logs which', async () => {
    const store = newStore();
    const logger = recording();
    const owner = newOwner();
    const user = adapterOf(9, 4);
    await store.save(owner, user);
    const big = adapterOf(10, 2);
    const mid = adapterOf(11, 2);
    const ids = [await newExpert(store, 'r-low', adapterOf(12, 2)), await newExpert(store, 'r-big', big), await newExpert(store, 'r-mid', mid)];
    const routed = [{ id: ids[0], weight: 0.1 }, { id: ids[1], weight: 0.6 }, { id: ids[2], weight: 0.3 }];
    const served = await createServingAdapterResolver({ store, maxRank: MAX_RANK, logger })(job(owner, routed));
    expect(served.experts).toEqual([ids[1], ids[2]]);
    expect(served.adapter!.rank).toBe(8);
    expect(maxMixError(served.adapter!, [{ adapter: user, weight: 1 }, { adapter: big, weight: 0.6 }, { adapter: mid, weight: 0.3 }])).toBeLessThan(1e-6);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ dropped: [ids[0]], rank: 6, maxRank: MAX_RANK }) }),
    ]);
    // With room for the user adapter only, every expert goes and the user adapter is served alone.
    const tight = await createServingAdapterResolver({ store, maxRank: 5 })(job(owner, routed));
    expect(tight).toEqual({ adapter: await store.current(owner), experts: [] });
  });

  it('reuses a built mixture, and builds a new one for a new user adapter version or after erasure re-creates the user', async () => {
    const store = newStore();
    const adapterFor = createServingAdapterResolver({ store, maxRank: MAX_RANK });
    const owner = newOwner();
    const expert = adapterOf(13, 2);
    const id = await newExpert(store, 'cache', expert);
    const routed = [{ id, weight: 0.5 }];
    const v1 = adapterOf(14, 4);
    await store.save(owner, v1);
    const first = await adapterFor(job(owner, routed));
    expect((await adapterFor(job(owner, routed))).adapter).toBe(first.adapter); // cached: the same object
    expect((await adapterFor(job(owner, [{ id, weight: 0.25 }]))).adapter).not.toBe(first.adapter); // another weight

    const v2 = adapterOf(15, 4);
    await store.save(owner, v2);
    const second = await adapterFor(job(owner, routed));
    expect(second.adapter).not.toBe(first.adapter);
    expect(maxMixError(second.adapter!, [{ adapter: v2, weight: 1 }, { adapter: expert, weight: 0.5 }])).toBeLessThan(1e-6);

    // Erasure deletes every key of the user; a new adapter is version 1 again, under a new epoch.
    await redis.del(...(await redis.keys(`attune:{user:${owner}}:*`)));
    const v1Again = adapterOf(16, 4);
    expect(await store.save(owner, v1Again)).toBe(1);
    const third = await adapterFor(job(owner, routed));
    expect(third.adapter).not.toBe(first.adapter);
    expect(maxMixError(third.adapter!, [{ adapter: v1Again, weight: 1 }, { adapter: expert, weight: 0.5 }])).toBeLessThan(1e-6);

    // A retrained expert (new version) also gives a new mixture.
    const retrained = adapterOf(17, 2);
    await store.save(await expertOwnerKey(id), retrained);
    const fourth = await adapterFor(job(owner, routed));
    expect(maxMixError(fourth.adapter!, [{ adapter: v1Again, weight: 1 }, { adapter: retrained, weight: 0.5 }])).toBeLessThan(1e-6);
  });

  it('rejects a bad maxRank or cacheEntries when created, naming the option', () => {
    expect(() => createServingAdapterResolver({ store: newStore(), maxRank: 0 })).toThrow('maxRank must be a positive integer, got 0');
    expect(() => createServingAdapterResolver({ store: newStore(), maxRank: 8, cacheEntries: 0 })).toThrow('cacheEntries must be a positive integer, got 0');
  });
});
