/** @module adapters/adapter-file tests: round trips, PEFT layout on disk, and every way decoding fails. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TINY_BASE_ID, TINY_CFG } from './tiny-config.test-fixture';
import { parseSafetensors, tensorToFloat32 } from '../../../shared/safetensors/read';
import { serializeSafetensors, type TensorToWrite } from '../../../shared/safetensors/write';
import { AdapterError, type AdapterErrorCode } from './adapter';
import { decodeAdapter, encodeAdapter, readAdapterFile, writeAdapterFile, type AdapterExpectation } from './adapter-file';
import { randomAdapter } from './random-adapter';

const cfg = TINY_CFG;
const BASE = TINY_BASE_ID;
const Q_A0 = 'model.layers.0.self_attn.q_proj.lora_A.weight';
const DOWN_A1 = 'model.layers.1.mlp.down_proj.lora_A.weight';
const DOWN_B1 = 'model.layers.1.mlp.down_proj.lora_B.weight';

const adapter = randomAdapter(cfg, { baseModelId: BASE, targets: ['q_proj', 'down_proj'], rank: 3, alpha: 6, seed: 7, version: 5 });
const expectation: AdapterExpectation = { cfg, baseModelId: BASE, compiledTargets: ['q_proj', 'v_proj', 'down_proj'], maxRank: 8 };

/** Re-serializes the encoded adapter after `edit` changes its tensors or metadata. */
function editedFile(edit: (tensors: Record<string, TensorToWrite>, meta: Record<string, string>) => void): Uint8Array {
  const { tensors, metadata } = parseSafetensors(encodeAdapter(adapter));
  const out: Record<string, TensorToWrite> = {};
  for (const [name, t] of tensors) out[name] = { dtype: t.dtype, shape: t.shape, data: t.data.slice() };
  const meta = { ...metadata };
  edit(out, meta);
  return serializeSafetensors(out, meta);
}

function decodeError(bytes: Uint8Array, code: AdapterErrorCode, expect_: AdapterExpectation | undefined = expectation): AdapterError {
  try {
    decodeAdapter(bytes, expect_);
  } catch (err) {
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).code).toBe(code);
    return err as AdapterError;
  }
  throw new Error(`expected AdapterError ${code}, but decoding succeeded`);
}

describe('encodeAdapter and decodeAdapter', () => {
  it('round-trip the weights bit for bit and every header field', () => {
    const decoded = decodeAdapter(encodeAdapter(adapter), expectation);
    expect(decoded).toMatchObject({ baseModelId: BASE, targets: ['q_proj', 'down_proj'], rank: 3, alpha: 6, scale: 2, version: 5, numLayers: 2 });
    expect([...decoded.weights.keys()].sort()).toEqual([...adapter.weights.keys()].sort());
    for (const [key, w] of adapter.weights) {
      expect(decoded.weights.get(key)!.a).toEqual(w.a);
      expect(decoded.weights.get(key)!.b).toEqual(w.b);
    }
  });

  it('decodes without an expectation, inferring the feature sizes from the tensors', () => {
    const decoded = decodeAdapter(encodeAdapter(adapter));
    expect(decoded.weights.get('1.down_proj')!.b).toEqual(adapter.weights.get('1.down_proj')!.b);
  });

  it('keeps a scale that is not alpha / rank exactly', () => {
    const odd = { ...adapter, alpha: 1, scale: 1 / 3 };
    expect(decodeAdapter(encodeAdapter(odd)).scale).toBe(1 / 3);
  });

  it('stores tensors under the graph input names in PEFT layout: lora_A [r, in], lora_B [out, r]', () => {
    const { tensors, metadata } = parseSafetensors(encodeAdapter(adapter));
    expect(metadata).toEqual({
      format: 'attune-lora', format_version: '1', base_model: BASE, targets: 'q_proj,down_proj',
      rank: '3', alpha: '6', scale: '2', version: '5', num_layers: '2',
    });
    expect(tensors.size).toBe(2 * 2 * 2);
    expect(tensors.get(Q_A0)!.shape).toEqual([3, 8]);
    expect(tensors.get(DOWN_A1)!.shape).toEqual([3, 12]);
    expect(tensors.get(DOWN_B1)!.shape).toEqual([8, 3]);
    // PEFT A[j][i] (rank j, input i) is graph a[i][j].
    const peftA = tensorToFloat32(tensors.get(DOWN_A1)!);
    const graphA = adapter.weights.get('1.down_proj')!.a;
    expect(peftA[2 * 12 + 5]).toBe(graphA[5 * 3 + 2]);
    // PEFT B[o][j] is graph b[j][o].
    const peftB = tensorToFloat32(tensors.get(DOWN_B1)!);
    expect(peftB[7 * 3 + 1]).toBe(adapter.weights.get('1.down_proj')!.b[1 * 8 + 7]);
  });

  it('rejects an adapter trained for another base model, naming both', () => {
    const err = decodeError(encodeAdapter(adapter), 'BASE_MODEL_MISMATCH', { ...expectation, baseModelId: 'sha256:cd34cd34' });
    expect(err.message).toBe('adapter was trained for base model sha256:ab12ab12, this model is sha256:cd34cd34');
  });

  it('rejects a rank above maxRank', () => {
    const err = decodeError(encodeAdapter(adapter), 'RANK_TOO_LARGE', { ...expectation, maxRank: 2 });
    expect(err.message).toBe('adapter rank 3 exceeds the maximum rank 2');
  });

  it('rejects a target the graph was not compiled with, naming it', () => {
    const err = decodeError(encodeAdapter(adapter), 'TARGET_NOT_COMPILED', { ...expectation, compiledTargets: ['q_proj', 'v_proj'] });
    expect(err.message).toContain('down_proj');
    expect(err.subject).toBe('down_proj');
  });

  it('rejects a tensor whose feature size disagrees with the model, naming the tensor', () => {
    const bytes = editedFile((t) => (t[DOWN_A1] = { dtype: 'F32', shape: [3, 11], data: new Float32Array(33) }));
    const err = decodeError(bytes, 'BAD_SHAPE');
    expect(err.message).toBe(`tensor ${DOWN_A1} has shape [3, 11], expected [3, 12] (in features 12)`);
  });

  it('rejects a missing tensor, naming it', () => {
    const err = decodeError(editedFile((t) => delete t[DOWN_B1]), 'MISSING_TENSOR');
    expect(err.message).toBe(`adapter file has no tensor ${DOWN_B1}`);
  });

  it('rejects a header rank that disagrees with the tensors', () => {
    const err = decodeError(editedFile((_, m) => (m.rank = '4')), 'RANK_MISMATCH');
    expect(err.message).toBe(`tensor ${Q_A0} has rank 3, the adapter header says 4`);
  });

  it('rejects a truncated file', () => {
    const bytes = encodeAdapter(adapter);
    const err = decodeError(bytes.subarray(0, bytes.length - 10), 'BAD_FILE');
    expect(err.message).toMatch(/^adapter file is not valid safetensors: safetensors file is truncated/);
  });

  it('rejects a tensor that belongs to no declared target', () => {
    const extra = 'model.layers.0.self_attn.v_proj.lora_A.weight';
    const err = decodeError(editedFile((t) => (t[extra] = { dtype: 'F32', shape: [3, 8], data: new Float32Array(24) })), 'BAD_FILE');
    expect(err.message).toContain(extra);
  });

  it('rejects metadata of another format or with a malformed number, naming the field', () => {
    expect(decodeError(editedFile((_, m) => (m.format = 'peft')), 'BAD_HEADER').subject).toBe('format');
    const err = decodeError(editedFile((_, m) => (m.num_layers = '2.5')), 'BAD_HEADER');
    expect(err.message).toBe('adapter metadata num_layers is "2.5", expected a positive integer');
    expect(decodeError(editedFile((_, m) => (m.targets = 'q_proj,lm_head')), 'BAD_HEADER').message).toContain('lm_head');
  });

  it('defaults the version to 1 when the metadata has none', () => {
    expect(decodeAdapter(editedFile((_, m) => delete m.version)).version).toBe(1);
  });

  it('refuses to encode an adapter with a layer missing', () => {
    const weights = new Map(adapter.weights);
    weights.delete('1.q_proj');
    expect(() => encodeAdapter({ ...adapter, weights })).toThrow(/layer 1 q_proj/);
  });
});

describe('readAdapterFile and writeAdapterFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-adapter-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('write then read returns the same adapter and leaves no temporary file', async () => {
    const path = join(dir, 'user.safetensors');
    await writeAdapterFile(path, adapter);
    await writeAdapterFile(path, { ...adapter, version: 6 }); // overwrites in place
    const read = await readAdapterFile(path, expectation);
    expect(read.version).toBe(6);
    expect(read.weights.get('0.q_proj')!.a).toEqual(adapter.weights.get('0.q_proj')!.a);
    expect(await readdir(dir)).toEqual(['user.safetensors']);
  });

  it('names the path when the file is missing or invalid', async () => {
    const missing = join(dir, 'none.safetensors');
    await expect(readAdapterFile(missing)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringContaining(missing) });
    const bad = join(dir, 'bad.safetensors');
    await writeFile(bad, editedFile((t) => delete t[DOWN_B1]));
    await expect(readAdapterFile(bad)).rejects.toMatchObject({ code: 'MISSING_TENSOR', message: `${bad}: adapter file has no tensor ${DOWN_B1}` });
  });
});
