/** @module model/checkpoint tests: single-file and sharded checkpoints on disk, and each way they fail. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeSafetensors } from '../../../shared/safetensors/write';
import { CheckpointError, loadCheckpoint, type CheckpointErrorCode } from './checkpoint';

const Q = 'model.layers.0.self_attn.q_proj.weight';
const K = 'model.layers.0.self_attn.k_proj.weight';
const EMBED = 'model.embed_tokens.weight';
const NORM = 'model.norm.weight';

/** Float32 weights 0, 1, 2, … so each tensor's contents are easy to check. */
function ramp(length: number, start = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => start + i);
}

function f32(shape: number[], start = 0) {
  return { dtype: 'F32' as const, shape, data: ramp(shape.reduce((a, b) => a * b, 1), start) };
}

/** Bits of 1.0 and -2.5 in float16 and bfloat16. */
const F16_ONE_MINUS_TWO_AND_HALF = new Uint8Array([0x00, 0x3c, 0x00, 0xc1]);
const BF16_ONE_MINUS_TWO_AND_HALF = new Uint8Array([0x80, 0x3f, 0x20, 0xc0]);

async function expectCheckpointError(promise: Promise<unknown>, code: CheckpointErrorCode): Promise<CheckpointError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected CheckpointError ${code}, but loading succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).code).toBe(code);
  return err as CheckpointError;
}

function catchCheckpointError(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    return err as CheckpointError;
  }
  throw new Error('expected a CheckpointError, but nothing was thrown');
}

describe('loadCheckpoint', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-checkpoint-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes two shards and an index placing EMBED and Q in the first, K and NORM in the second. */
  async function writeShardedCheckpoint(): Promise<void> {
    await writeFile(join(dir, 'model-00001-of-00002.safetensors'), serializeSafetensors({ [EMBED]: f32([4, 2]), [Q]: f32([2, 2], 100) }));
    await writeFile(
      join(dir, 'model-00002-of-00002.safetensors'),
      serializeSafetensors({
        [K]: { dtype: 'F16', shape: [2], data: F16_ONE_MINUS_TWO_AND_HALF },
        [NORM]: { dtype: 'BF16', shape: [2], data: BF16_ONE_MINUS_TWO_AND_HALF },
      }),
    );
    await writeIndex({
      [EMBED]: 'model-00001-of-00002.safetensors',
      [Q]: 'model-00001-of-00002.safetensors',
      [K]: 'model-00002-of-00002.safetensors',
      [NORM]: 'model-00002-of-00002.safetensors',
    });
  }

  async function writeIndex(weightMap: Record<string, string>): Promise<void> {
    const index = { metadata: { total_size: 56 }, weight_map: weightMap };
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
  }

  it('loads every tensor of a single model.safetensors with its shape and values', async () => {
    await writeFile(join(dir, 'model.safetensors'), serializeSafetensors({ [Q]: f32([2, 3]), [NORM]: f32([3], 10) }, { format: 'pt' }));
    const checkpoint = await loadCheckpoint(dir);
    expect(checkpoint.dir).toBe(dir);
    expect(checkpoint.names()).toEqual([Q, NORM]);
    expect(checkpoint.has(Q)).toBe(true);
    expect(checkpoint.has(K)).toBe(false);
    expect(checkpoint.shape(Q)).toEqual([2, 3]);
    expect(checkpoint.dtype(Q)).toBe('F32');
    expect([...checkpoint.float32(NORM)]).toEqual([10, 11, 12]);
    expect([...checkpoint.require(Q, [2, 3])]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('loads a two-shard checkpoint through its index and converts F16 and BF16 to float32', async () => {
    await writeShardedCheckpoint();
    const checkpoint = await loadCheckpoint(dir);
    expect(checkpoint.names()).toEqual([K, Q, EMBED, NORM].sort());
    expect([...checkpoint.require(EMBED, [4, 2])]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...checkpoint.require(Q, [2, 2])]).toEqual([100, 101, 102, 103]);
    expect(checkpoint.dtype(K)).toBe('F16');
    expect([...checkpoint.require(K, [2])]).toEqual([1, -2.5]);
    expect([...checkpoint.require(NORM, [2])]).toEqual([1, -2.5]);
  });

  it('loads only the tensors the index lists from each shard', async () => {
    await writeShardedCheckpoint();
    await writeIndex({ [Q]: 'model-00001-of-00002.safetensors', [K]: 'model-00002-of-00002.safetensors' });
    const checkpoint = await loadCheckpoint(dir);
    expect(checkpoint.names()).toEqual([K, Q]);
  });

  it('prefers model.safetensors when an index is also present', async () => {
    await writeShardedCheckpoint();
    await writeFile(join(dir, 'model.safetensors'), serializeSafetensors({ [NORM]: f32([1], 7) }));
    const checkpoint = await loadCheckpoint(dir);
    expect(checkpoint.names()).toEqual([NORM]);
  });

  it('names the directory and both file names when neither exists', async () => {
    const err = await expectCheckpointError(loadCheckpoint(dir), 'NOT_FOUND');
    expect(err.message).toBe(`no checkpoint in ${dir}: found neither model.safetensors nor model.safetensors.index.json`);
    await expectCheckpointError(loadCheckpoint(join(dir, 'does-not-exist')), 'NOT_FOUND');
  });

  it('names a shard that the index lists but that is missing on disk', async () => {
    await writeShardedCheckpoint();
    await rm(join(dir, 'model-00002-of-00002.safetensors'));
    const err = await expectCheckpointError(loadCheckpoint(dir), 'MISSING_SHARD');
    expect(err.message).toContain('shard model-00002-of-00002.safetensors');
    expect(err.message).toContain('for 2 tensors');
    expect(err.file).toBe(join(dir, 'model-00002-of-00002.safetensors'));
  });

  it('names a tensor that the index places in a shard that does not contain it', async () => {
    await writeShardedCheckpoint();
    await writeIndex({ [Q]: 'model-00001-of-00002.safetensors', [K]: 'model-00001-of-00002.safetensors' });
    const err = await expectCheckpointError(loadCheckpoint(dir), 'MISSING_TENSOR');
    expect(err.tensor).toBe(K);
    expect(err.message).toContain(`tensor ${K} in shard model-00001-of-00002.safetensors`);
  });

  it('rejects an index without a weight_map, or one whose shard names are paths', async () => {
    await writeFile(join(dir, 'model.safetensors.index.json'), '{"metadata":{}}');
    expect((await expectCheckpointError(loadCheckpoint(dir), 'BAD_INDEX')).message).toContain('no weight_map');
    await writeIndex({ [Q]: '../elsewhere.safetensors' });
    expect((await expectCheckpointError(loadCheckpoint(dir), 'BAD_INDEX')).tensor).toBe(Q);
    await writeFile(join(dir, 'model.safetensors.index.json'), '{"weight_map": ');
    expect((await expectCheckpointError(loadCheckpoint(dir), 'BAD_INDEX')).message).toContain('not valid JSON');
  });

  it('wraps the error of a truncated shard with the shard path and the tensor cut short', async () => {
    await writeShardedCheckpoint();
    const path = join(dir, 'model-00001-of-00002.safetensors');
    const whole = serializeSafetensors({ [EMBED]: f32([4, 2]), [Q]: f32([2, 2], 100) });
    await writeFile(path, whole.subarray(0, whole.length - 5));
    const err = await expectCheckpointError(loadCheckpoint(dir), 'BAD_FILE');
    expect(err.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: safetensors file is truncated`));
    expect(err.file).toBe(path);
    expect(err.tensor).toBe(Q);
    expect((err.cause as { code: string }).code).toBe('TRUNCATED');
  });

  it('wraps the error of a single file cut inside its 8-byte length', async () => {
    await writeFile(join(dir, 'model.safetensors'), new Uint8Array([1, 2, 3]));
    const err = await expectCheckpointError(loadCheckpoint(dir), 'BAD_FILE');
    expect(err.message).toContain('model.safetensors: safetensors file is truncated: 3 bytes');
  });

  describe('require', () => {
    it('names a missing tensor', async () => {
      await writeFile(join(dir, 'model.safetensors'), serializeSafetensors({ [K]: f32([2, 2]) }));
      const checkpoint = await loadCheckpoint(dir);
      const err = catchCheckpointError(() => checkpoint.require(Q, [2, 2]));
      expect(err.code).toBe('MISSING_TENSOR');
      expect(err.tensor).toBe(Q);
      expect(err.message).toContain(`checkpoint is missing tensor ${Q}`);
      expect(catchCheckpointError(() => checkpoint.shape(Q)).code).toBe('MISSING_TENSOR');
    });

    it('names a mis-shaped tensor with both shapes and its file', async () => {
      await writeFile(join(dir, 'model.safetensors'), serializeSafetensors({ [Q]: f32([4, 8]) }));
      const checkpoint = await loadCheckpoint(dir);
      const err = catchCheckpointError(() => checkpoint.require(Q, [8, 8]));
      expect(err.code).toBe('SHAPE_MISMATCH');
      expect(err.message).toBe(`tensor ${Q} has shape [4,8], expected [8,8] (in ${join(dir, 'model.safetensors')})`);
      expect(catchCheckpointError(() => checkpoint.require(Q, [4, 8, 1])).code).toBe('SHAPE_MISMATCH');
    });

    it('refuses to convert an integer tensor to float32', async () => {
      const ids = { dtype: 'I32' as const, shape: [1], data: new Uint8Array(4) };
      await writeFile(join(dir, 'model.safetensors'), serializeSafetensors({ ids }));
      const checkpoint = await loadCheckpoint(dir);
      const err = catchCheckpointError(() => checkpoint.require('ids', [1]));
      expect(err.code).toBe('UNSUPPORTED_DTYPE');
      expect(err.message).toContain('tensor ids has dtype I32');
    });
  });
});
