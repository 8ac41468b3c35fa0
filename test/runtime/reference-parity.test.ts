/**
 * The compiled ONNX decoder against the independent reference forward pass
 * (test/reference/llama-reference.ts): logits within 1e-4 for three configurations, with
 * left-padded batches, and KV-cache decoding equal to one full-sequence pass.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../../gpu-worker/src/compiler/compile';
import { ModelSession } from '../../gpu-worker/src/runtime/model-session';
import { referenceForward, type ReferenceConfig } from '../reference/llama-reference';
import { decodeTokenByToken, logitsAt, runPadded } from './forward-helpers';
import { maxAbsDiff, PARITY_CONFIGS, tokenIds, writeModelFixture, type ModelFixture } from './model-fixtures';

const TOLERANCE = 1e-4;

describe.each(Object.entries(PARITY_CONFIGS))('compiled decoder, %s', (_label, raw) => {
  let fixture: ModelFixture;
  let session: ModelSession;
  let outRoot: string;

  beforeAll(async () => {
    fixture = await writeModelFixture(raw, 11);
    outRoot = await mkdtemp(join(tmpdir(), 'attune-parity-'));
    session = await ModelSession.open(await compileModel(fixture.dir, join(outRoot, 'onnx'), { loraTargets: [] }), { providers: ['cpu'] });
  });
  afterAll(async () => {
    await session?.close();
    await fixture?.cleanup();
    await rm(outRoot, { recursive: true, force: true });
  });

  const weight = (name: string) => {
    const t = fixture.weights.get(name);
    if (!t) throw new Error(`no ${name}`);
    return t.data;
  };

  it('matches the reference logits within 1e-4 on a left-padded batch of three prompts', async () => {
    const vocab = fixture.cfg.vocabSize;
    const rows = [tokenIds(9, vocab, 1), tokenIds(4, vocab, 2), tokenIds(6, vocab, 3)];
    const { out, width, mask, positions } = await runPadded(session, rows);
    const padded = rows.map((row) => [...new Array(width - row.length).fill(0), ...row]);
    const ref = referenceForward(raw as unknown as ReferenceConfig, weight, padded, { attentionMask: mask, positionIds: positions });
    let worst = 0;
    let compared = 0;
    rows.forEach((row, r) => {
      for (let t = width - row.length; t < width; t++) {
        worst = Math.max(worst, maxAbsDiff(logitsAt(out, vocab, r, t), ref.logits[r][t]));
        compared++;
      }
    });
    expect(compared).toBe(19);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
    // The check is sensitive: logits are spread well beyond the tolerance.
    expect(maxAbsDiff(ref.logits[0][width - 1], ref.logits[1][width - 1])).toBeGreaterThan(0.1);
  });

  it('decodes token by token with the KV cache to the same logits as one full-sequence pass', async () => {
    const ids = tokenIds(12, fixture.cfg.vocabSize, 5);
    const full = await runPadded(session, [ids]);
    const steps = await decodeTokenByToken(session, ids);
    const worst = Math.max(...steps.map((logits, t) => maxAbsDiff(logits, logitsAt(full.out, fixture.cfg.vocabSize, 0, t))));
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });

  it('continues a prefilled cache with a multi-token chunk to the same logits as one pass', async () => {
    const ids = tokenIds(10, fixture.cfg.vocabSize, 8);
    const cfg = fixture.cfg;
    const full = await runPadded(session, [ids]);
    const head = await runPadded(session, [ids.slice(0, 6)]);
    const tail = await session.forward({
      batch: 1, seq: 4, inputIds: BigInt64Array.from(ids.slice(6), BigInt), attentionMask: new BigInt64Array(10).fill(1n),
      positionIds: BigInt64Array.of(6n, 7n, 8n, 9n), pastLength: 6, past: head.out.present,
    });
    for (let t = 0; t < 4; t++) {
      expect(maxAbsDiff(logitsAt(tail, cfg.vocabSize, 0, t), logitsAt(full.out, cfg.vocabSize, 0, 6 + t))).toBeLessThanOrEqual(TOLERANCE);
    }
    expect(tail.present[0].key.length).toBe(cfg.numKvHeads * 10 * cfg.headDim);
  });
});
