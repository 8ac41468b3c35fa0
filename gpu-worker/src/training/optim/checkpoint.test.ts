/** @module training/optim/checkpoint.test Saving, resuming and refusing training checkpoints. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../../../shared/safetensors/read';
import { serializeSafetensors } from '../../../../shared/safetensors/write';
import { createAdamW } from './adamw';
import {
  decodeTrainingCheckpoint,
  encodeTrainingCheckpoint,
  readTrainingCheckpoint,
  TrainingCheckpointError,
  writeTrainingCheckpoint,
  type TrainingCheckpoint,
} from './checkpoint';
import { lrAt } from './schedule';

const schedule = { baseLr: 0.01, warmupSteps: 2, totalSteps: 10, minLrRatio: 0.1 };
const shapes = new Map([['lora_A', [2, 3]], ['lora_B', [3, 2]]]);

function freshParams(): Map<string, Float32Array> {
  return new Map([['lora_A', Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6])], ['lora_B', new Float32Array(6)]]);
}

/** A deterministic gradient for step t. */
function gradsAt(t: number): Map<string, Float32Array> {
  return new Map([...shapes.keys()].map((name, k) => [name, Float32Array.from({ length: 6 }, (_, i) => Math.sin(t * 7 + i + 3 * k))]));
}

function train(params: Map<string, Float32Array>, optimizer: ReturnType<typeof createAdamW>, until: number): void {
  while (optimizer.stepCount < until) optimizer.step(gradsAt(optimizer.stepCount), lrAt(optimizer.stepCount, schedule));
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'attune-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('training checkpoints', () => {
  it('store parameters, optimizer.m./optimizer.v. moments with the parameter shapes, and step and schedule as metadata', () => {
    const params = freshParams();
    const optimizer = createAdamW(params, { lr: 0.01 });
    train(params, optimizer, 3);
    const file = parseSafetensors(encodeTrainingCheckpoint({ params, shapes, optimizer: optimizer.state(), schedule, metadata: { seed: '42' } }));
    expect([...file.tensors.keys()].sort()).toEqual(['lora_A', 'lora_B', 'optimizer.m.lora_A', 'optimizer.m.lora_B', 'optimizer.v.lora_A', 'optimizer.v.lora_B']);
    expect(file.tensors.get('optimizer.v.lora_B')!.shape).toEqual([3, 2]);
    expect(file.metadata).toEqual({
      format: 'attune-training-checkpoint',
      format_version: '1',
      seed: '42',
      step: '3',
      schedule: '{"baseLr":0.01,"warmupSteps":2,"totalSteps":10,"minLrRatio":0.1}',
    });
  });

  it('resume training bit for bit: 3 steps, save, load into a fresh optimizer, 4 more equal 7 uninterrupted steps', async () => {
    const straightParams = freshParams();
    train(straightParams, createAdamW(straightParams, { lr: 0.01 }), 7);

    const params = freshParams();
    const optimizer = createAdamW(params, { lr: 0.01 });
    train(params, optimizer, 3);
    const path = join(dir, 'ckpt.safetensors');
    await writeTrainingCheckpoint(path, { params, shapes, optimizer: optimizer.state(), schedule });

    const loaded = await readTrainingCheckpoint(path, shapes);
    expect(loaded.optimizer.step).toBe(3);
    expect(loaded.schedule).toEqual(schedule);
    const resumedParams = new Map([...shapes].map(([name, shape]) => [name, new Float32Array(shape[0] * shape[1])]));
    for (const [name, values] of loaded.params) resumedParams.get(name)!.set(values);
    const resumed = createAdamW(resumedParams, { lr: 0.01 });
    resumed.loadState(loaded.optimizer);
    train(resumedParams, resumed, 7);
    for (const name of shapes.keys()) expect([...resumedParams.get(name)!]).toEqual([...straightParams.get(name)!]);
  });

  it('replace an existing file through a renamed temporary file and leave no temporary behind', async () => {
    const path = join(dir, 'ckpt.safetensors');
    const params = freshParams();
    const optimizer = createAdamW(params, { lr: 0.01 });
    await writeTrainingCheckpoint(path, { params, shapes, optimizer: optimizer.state(), schedule });
    train(params, optimizer, 2);
    await writeTrainingCheckpoint(path, { params, shapes, optimizer: optimizer.state(), schedule });
    expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
    expect((await readTrainingCheckpoint(path, shapes)).optimizer.step).toBe(2);
  });

  it('remove the temporary file when the rename fails', async () => {
    const path = join(dir, 'occupied');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'x');
    const params = freshParams();
    await expect(writeTrainingCheckpoint(path, { params, shapes, optimizer: createAdamW(params, { lr: 0.01 }).state(), schedule })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['occupied']);
  });
});

describe('loading a checkpoint that does not fit', () => {
  function encoded(overrides: Partial<TrainingCheckpoint> = {}): Uint8Array {
    const params = freshParams();
    return encodeTrainingCheckpoint({ params, shapes, optimizer: createAdamW(params, { lr: 0.01 }).state(), schedule, ...overrides });
  }

  function refusal(run: () => unknown): TrainingCheckpointError {
    try {
      run();
    } catch (err) {
      if (err instanceof TrainingCheckpointError) return err;
      throw err;
    }
    throw new Error('expected a TrainingCheckpointError');
  }

  it('lists every missing, unexpected and misshapen tensor by name', () => {
    const expected = new Map([['lora_A', [3, 2]], ['lora_C', [4]]]);
    const err = refusal(() => decodeTrainingCheckpoint(encoded(), expected));
    expect(err.code).toBe('MISMATCH');
    expect(err.problems).toEqual([
      'tensor lora_A has shape [2,3], expected [3,2]',
      'tensor optimizer.m.lora_A has shape [2,3], expected [3,2]',
      'tensor optimizer.v.lora_A has shape [2,3], expected [3,2]',
      'tensor lora_C is missing',
      'tensor optimizer.m.lora_C is missing',
      'tensor optimizer.v.lora_C is missing',
      'tensor lora_B is not expected by the model',
      'tensor optimizer.m.lora_B is not expected by the model',
      'tensor optimizer.v.lora_B is not expected by the model',
    ]);
    expect(err.message).toMatch(/^checkpoint does not match the model: tensor lora_A has shape \[2,3\], expected \[3,2\]; /);
  });

  it('names a moment of the wrong dtype', () => {
    const file = parseSafetensors(encoded());
    const tensors = Object.fromEntries([...file.tensors].map(([name, entry]) => [name, { ...entry }]));
    tensors['optimizer.v.lora_B'] = { dtype: 'F16', shape: [3, 2], data: new Uint8Array(12) };
    const err = refusal(() => decodeTrainingCheckpoint(serializeSafetensors(tensors, file.metadata), shapes));
    expect(err.problems).toEqual(['tensor optimizer.v.lora_B has dtype F16, expected F32']);
  });

  it('refuses foreign files and bad metadata with the key at fault', () => {
    const plain = serializeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    expect(refusal(() => decodeTrainingCheckpoint(plain, shapes)).message).toBe('metadata format is undefined, expected "attune-training-checkpoint"');
    expect(refusal(() => decodeTrainingCheckpoint(new Uint8Array(4), shapes)).code).toBe('BAD_FILE');

    const file = parseSafetensors(encoded());
    const tensors = Object.fromEntries(file.tensors);
    const withMetadata = (changes: Record<string, string>) => serializeSafetensors(tensors, { ...file.metadata, ...changes });
    expect(refusal(() => decodeTrainingCheckpoint(withMetadata({ step: '-1' }), shapes)).message).toBe('metadata step is "-1", expected a non-negative integer');
    expect(refusal(() => decodeTrainingCheckpoint(withMetadata({ format_version: '2' }), shapes)).message).toBe('metadata format_version is "2", this reader knows "1"');
    expect(refusal(() => decodeTrainingCheckpoint(withMetadata({ schedule: '{"baseLr":0.01,"warmupSteps":5,"totalSteps":3}' }), shapes)).message).toBe(
      'metadata schedule is invalid: totalSteps must be an integer ≥ warmupSteps (5), got 3',
    );
  });

  it('puts the path in front of the message when reading a file', async () => {
    const path = join(dir, 'other.safetensors');
    await writeFile(path, encoded());
    await expect(readTrainingCheckpoint(path, new Map([['lora_A', [2, 3]], ['lora_B', [3, 2]], ['x', [1]]]))).rejects.toThrow(`${path}: checkpoint does not match the model: tensor x is missing`);
    await expect(readTrainingCheckpoint(join(dir, 'absent'), shapes)).rejects.toThrow(/absent: cannot be read/);
    expect((await readFile(path)).length).toBeGreaterThan(0);
  });
});

describe('saving a checkpoint', () => {
  it('refuses inconsistent input, naming the parameter', () => {
    const params = freshParams();
    const state = createAdamW(params, { lr: 0.01 }).state();
    const clash = new Map([...params, ['optimizer.m.x', new Float32Array(1)]]);
    expect(() => encodeTrainingCheckpoint({ params: clash, shapes, optimizer: state, schedule })).toThrow('parameter name optimizer.m.x clashes with the optimizer\'s "optimizer." prefix');
    state.m.delete('lora_B');
    expect(() => encodeTrainingCheckpoint({ params, shapes, optimizer: state, schedule })).toThrow('optimizer m for parameter lora_B is missing');
    expect(() => encodeTrainingCheckpoint({ params, shapes: new Map([['lora_A', [4, 2]]]), optimizer: state, schedule })).toThrow('parameter lora_A has 6 elements but shape [4,2]');
    expect(() => encodeTrainingCheckpoint({ params, shapes, optimizer: createAdamW(params, { lr: 0.01 }).state(), schedule, metadata: { step: '9' } })).toThrow('metadata key step is reserved');
  });
});
