/**
 * ModelSession checks every feed before ONNX Runtime sees it: bad ids, positions, mask and
 * cache sizes, adapter slots and adapters on a model without LoRA inputs are errors that name
 * the input, and the session keeps working afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../../gpu-worker/src/compiler/compile';
import { ModelSession, type ForwardInput } from '../../gpu-worker/src/runtime/model-session';
import { runPadded } from './forward-helpers';
import { PARITY_CONFIGS, writeModelFixture, type ModelFixture } from './model-fixtures';

describe('forward input checks', () => {
  let fixture: ModelFixture;
  let root: string;
  let plain: ModelSession;
  let lora: ModelSession;

  beforeAll(async () => {
    fixture = await writeModelFixture(PARITY_CONFIGS['multi-head, tied head'], 3);
    root = await mkdtemp(join(tmpdir(), 'attune-checks-'));
    plain = await ModelSession.open(await compileModel(fixture.dir, join(root, 'plain'), { loraTargets: [] }), { providers: ['cpu'] });
    lora = await ModelSession.open(await compileModel(fixture.dir, join(root, 'lora'), { loraTargets: ['q_proj'] }), { providers: ['cpu'] });
  });
  afterAll(async () => {
    await plain?.close();
    await lora?.close();
    await fixture?.cleanup();
    await rm(root, { recursive: true, force: true });
  });

  const input = (over: Partial<ForwardInput> = {}): ForwardInput => ({
    batch: 1, seq: 2, inputIds: BigInt64Array.of(1n, 2n), attentionMask: BigInt64Array.of(1n, 1n), positionIds: BigInt64Array.of(0n, 1n),
    pastLength: 0, past: Array.from({ length: 2 }, () => ({ key: new Float32Array(0), value: new Float32Array(0) })), ...over,
  });

  it('names input_ids when a token id is outside the vocabulary', async () => {
    await expect(plain.forward(input({ inputIds: BigInt64Array.of(1n, 97n) }))).rejects.toThrow('input_ids: token id 97 is outside the vocabulary (size 97)');
    await expect(plain.forward(input({ inputIds: BigInt64Array.of(-1n, 2n) }))).rejects.toThrow(/input_ids/);
  });

  it('names position_ids beyond max_position_embeddings', async () => {
    await expect(plain.forward(input({ positionIds: BigInt64Array.of(0n, 256n) }))).rejects.toThrow(/position_ids: position 256 is outside 0..255/);
  });

  it('names attention_mask and input_ids when their sizes do not fit the batch', async () => {
    await expect(plain.forward(input({ attentionMask: BigInt64Array.of(1n) }))).rejects.toThrow(/attention_mask holds 1 values, expected 1×2/);
    await expect(plain.forward(input({ inputIds: BigInt64Array.of(1n) }))).rejects.toThrow(/input_ids holds 1 ids/);
  });

  it('names the past cache layer whose size is wrong', async () => {
    const past = [{ key: new Float32Array(5), value: new Float32Array(5) }, { key: new Float32Array(0), value: new Float32Array(0) }];
    await expect(plain.forward(input({ pastLength: 1, attentionMask: BigInt64Array.of(1n, 1n, 1n), past }))).rejects.toThrow(/past_key_values.0: expected 48 values/);
  });

  it('rejects an adapter slot outside the stacked adapters and adapters on a model without LoRA inputs', async () => {
    const tensors = { lora_scale: { data: new Float32Array(1), dims: [1] } };
    await expect(lora.forward(input({ lora: { adapterIndex: BigInt64Array.of(3n), tensors } }))).rejects.toThrow(/adapter_index: slot 3 is outside 0..0/);
    await expect(plain.forward(input({ lora: { adapterIndex: BigInt64Array.of(0n), tensors } }))).rejects.toThrow(/compiled without LoRA targets/);
  });

  it('still runs normally after rejecting bad input', async () => {
    const { out } = await runPadded(plain, [[1, 2, 3]]);
    expect(out.logits.length).toBe(3 * 97);
    expect(out.logits.every(Number.isFinite)).toBe(true);
  });
});
