/**
 * Per-row LoRA inputs: slot 0 is exactly the base model, a random adapter changes logits exactly
 * as `W x + s·B(A x)` (checked against the reference pass with the same deltas), and eight rows
 * with eight different adapters in one batch equal eight separate runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { randomAdapter } from '../../gpu-worker/src/adapters/random-adapter';
import { compileModel } from '../../gpu-worker/src/compiler/compile';
import { LORA_TARGETS, projectionShape } from '../../gpu-worker/src/compiler/llama-config';
import { transpose2d } from '../../gpu-worker/src/compiler/weights';
import { ModelSession } from '../../gpu-worker/src/runtime/model-session';
import { referenceForward, type ReferenceConfig, type ReferenceLora } from '../reference/llama-reference';
import { logitsAt, runPadded } from './forward-helpers';
import { maxAbsDiff, PARITY_CONFIGS, tokenIds, writeModelFixture, type ModelFixture } from './model-fixtures';

const raw = PARITY_CONFIGS['grouped-query (8 heads, 2 kv), untied head, attention bias, llama3 RoPE'];

describe('per-row LoRA adapters as graph inputs', () => {
  let fixture: ModelFixture;
  let base: ModelSession;
  let withLora: ModelSession;
  let root: string;
  let baseModelId: string;

  beforeAll(async () => {
    fixture = await writeModelFixture(raw, 21);
    root = await mkdtemp(join(tmpdir(), 'attune-lora-'));
    base = await ModelSession.open(await compileModel(fixture.dir, join(root, 'base'), { loraTargets: [] }), { providers: ['cpu'] });
    const compiled = await compileModel(fixture.dir, join(root, 'lora'), { loraTargets: [...LORA_TARGETS], maxRank: 16 });
    baseModelId = compiled.manifest.baseModelId;
    withLora = await ModelSession.open(compiled, { providers: ['cpu'] });
  });
  afterAll(async () => {
    await base?.close();
    await withLora?.close();
    await fixture?.cleanup();
    await rm(root, { recursive: true, force: true });
  });

  const adapter = (seed: number, rank = 4, targets = [...LORA_TARGETS]) =>
    randomAdapter(fixture.cfg, { baseModelId, targets, rank, alpha: 2 * rank, seed });

  /** The reference's view of an adapter: PEFT layout A [r, in], B [out, r]. */
  const referenceRow = (a: LoraAdapter): NonNullable<ReferenceLora['rows'][number]> => ({
    scale: a.scale,
    rank: a.rank,
    A: (layer, target) => {
      const [inF] = projectionShape(fixture.cfg, target as never);
      return transpose2d(a.weights.get(`${layer}.${target}`)!.a, inF, a.rank);
    },
    B: (layer, target) => {
      const [, outF] = projectionShape(fixture.cfg, target as never);
      return transpose2d(a.weights.get(`${layer}.${target}`)!.b, a.rank, outF);
    },
  });

  it('gives exactly the base logits in slot 0, whether or not other rows carry adapters', async () => {
    const rows = [tokenIds(7, fixture.cfg.vocabSize, 1), tokenIds(7, fixture.cfg.vocabSize, 2)];
    const plain = await runPadded(base, rows);
    const zero = await runPadded(withLora, rows);
    expect(Array.from(zero.out.logits)).toEqual(Array.from(plain.out.logits));
    const mixed = await runPadded(withLora, rows, [null, adapter(3)]);
    const v = fixture.cfg.vocabSize;
    for (let t = 0; t < 7; t++) expect(Array.from(logitsAt(mixed.out, v, 0, t))).toEqual(Array.from(logitsAt(plain.out, v, 0, t)));
    expect(maxAbsDiff(logitsAt(mixed.out, v, 1, 6), logitsAt(plain.out, v, 1, 6))).toBeGreaterThan(1e-2);
  });

  it('changes logits exactly as W x + s·B(A x) on every target module', async () => {
    const a = adapter(5);
    const ids = tokenIds(8, fixture.cfg.vocabSize, 4);
    const { out } = await runPadded(withLora, [ids], [a]);
    const weight = (name: string) => fixture.weights.get(name)!.data;
    const ref = referenceForward(raw as unknown as ReferenceConfig, weight, [ids], { lora: { targets: [...LORA_TARGETS], rows: [referenceRow(a)] } });
    const refBase = referenceForward(raw as unknown as ReferenceConfig, weight, [ids]);
    let worst = 0;
    let shift = 0;
    for (let t = 0; t < ids.length; t++) {
      worst = Math.max(worst, maxAbsDiff(logitsAt(out, fixture.cfg.vocabSize, 0, t), ref.logits[0][t]));
      shift = Math.max(shift, maxAbsDiff(ref.logits[0][t], refBase.logits[0][t]));
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(shift).toBeGreaterThan(0.05); // the adapter visibly moves the logits
  });

  it('runs adapters of different ranks and target sets in one batch', async () => {
    const a = adapter(7, 2, ['q_proj', 'v_proj']);
    const b = adapter(8, 12, ['gate_proj', 'down_proj', 'o_proj']);
    const ids = tokenIds(6, fixture.cfg.vocabSize, 9);
    const { out } = await runPadded(withLora, [ids, ids], [a, b]);
    const weight = (name: string) => fixture.weights.get(name)!.data;
    for (const [row, ad] of [[0, a], [1, b]] as const) {
      const ref = referenceForward(raw as unknown as ReferenceConfig, weight, [ids], { lora: { targets: ad.targets, rows: [referenceRow(ad)] } });
      expect(maxAbsDiff(logitsAt(out, fixture.cfg.vocabSize, row, 5), ref.logits[0][5])).toBeLessThanOrEqual(1e-4);
    }
  });

  it('gives each of 8 rows with 8 different adapters the logits of its own separate run', async () => {
    const adapters = Array.from({ length: 8 }, (_, i) => adapter(100 + i, 4));
    const rows = Array.from({ length: 8 }, (_, i) => tokenIds(3 + i, fixture.cfg.vocabSize, 30 + i));
    const batched = await runPadded(withLora, rows, adapters);
    const v = fixture.cfg.vocabSize;
    let worst = 0;
    for (let r = 0; r < 8; r++) {
      const alone = await runPadded(withLora, [rows[r]], [adapters[r]]);
      const offset = batched.width - rows[r].length;
      for (let t = 0; t < rows[r].length; t++) worst = Math.max(worst, maxAbsDiff(logitsAt(batched.out, v, r, offset + t), logitsAt(alone.out, v, 0, t)));
    }
    expect(worst).toBeLessThanOrEqual(1e-5);
  });
});
