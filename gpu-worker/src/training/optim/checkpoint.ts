/**
 * @module training/optim/checkpoint
 * A training checkpoint in one safetensors file, so a job can stop and resume exactly:
 * - the parameters, under their own names;
 * - AdamW's moments, under `optimizer.m.<name>` and `optimizer.v.<name>`, with the parameter's shape;
 * - in `__metadata__`: `format`, `format_version`, `step` (optimizer steps taken), `schedule`
 *   (the {@link CosineScheduleOptions} as JSON) and any extra string pairs the caller adds.
 * Files are written to a temporary sibling, flushed, then renamed over the target, so a crash
 * leaves the old checkpoint or the new one, never half of one.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { SafetensorsError, type TensorEntry } from '../../../../shared/safetensors/format';
import { parseSafetensors, tensorToFloat32 } from '../../../../shared/safetensors/read';
import { serializeSafetensors, type TensorToWrite } from '../../../../shared/safetensors/write';
import type { AdamWState } from './adamw';
import { assertCosineSchedule, type CosineScheduleOptions } from './schedule';

/** `format` in the metadata of every training checkpoint. */
export const TRAINING_CHECKPOINT_FORMAT = 'attune-training-checkpoint';
/** `format_version` this code writes and reads. */
export const TRAINING_CHECKPOINT_VERSION = '1';
/** Tensor-name prefixes of the AdamW moments. */
export const MOMENT_PREFIX = { m: 'optimizer.m.', v: 'optimizer.v.' } as const;

const RESERVED_METADATA = new Set(['format', 'format_version', 'step', 'schedule']);

/** What a checkpoint holds. Arrays are flat; shapes travel beside them. */
export interface TrainingCheckpoint {
  /** Parameter values by name. */
  params: Map<string, Float32Array>;
  /** Each parameter's shape, outermost first. On save, @default [length] for a parameter not listed. */
  shapes: Map<string, number[]>;
  /** AdamW's step count and moments, as {@link AdamW.state} returns them. */
  optimizer: AdamWState;
  /** The learning-rate schedule the run follows. */
  schedule: CosineScheduleOptions;
  /** Extra string metadata (e.g. dataset id, shuffling seed); the reserved keys are refused. @default {} */
  metadata?: Record<string, string>;
}

/**
 * Stable reasons a checkpoint is refused.
 * - `BAD_FILE`: unreadable, or not a valid safetensors file (`cause` holds the {@link SafetensorsError}).
 * - `BAD_METADATA`: wrong `format`/`format_version`, or `step`/`schedule` missing or invalid.
 * - `MISMATCH`: tensors missing, unexpected, of the wrong shape or dtype; `problems` lists each.
 * - `BAD_INPUT`: what was given to save is inconsistent (a name clash, a moment of the wrong length).
 */
export type TrainingCheckpointErrorCode = 'BAD_FILE' | 'BAD_METADATA' | 'MISMATCH' | 'BAD_INPUT';

/** A checkpoint that cannot be written or does not fit the model it is loaded for. */
export class TrainingCheckpointError extends Error {
  override readonly name = 'TrainingCheckpointError';
  constructor(
    readonly code: TrainingCheckpointErrorCode,
    message: string,
    /** Every problem found, one sentence each, naming the tensor or metadata key. */
    readonly problems: string[] = [message],
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : options);
  }
}

/**
 * Encodes a checkpoint as safetensors bytes (see the module comment for the layout).
 * @throws TrainingCheckpointError `BAD_INPUT` naming the parameter at fault
 */
export function encodeTrainingCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const { params, shapes, optimizer, schedule, metadata = {} } = checkpoint;
  assertCosineSchedule(schedule);
  if (!Number.isSafeInteger(optimizer.step) || optimizer.step < 0) {
    throw new TrainingCheckpointError('BAD_INPUT', `optimizer.step must be a non-negative integer, got ${optimizer.step}`);
  }
  for (const key of Object.keys(metadata)) {
    if (RESERVED_METADATA.has(key)) throw new TrainingCheckpointError('BAD_INPUT', `metadata key ${key} is reserved`);
  }
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, values] of params) {
    if (name.startsWith('optimizer.')) {
      throw new TrainingCheckpointError('BAD_INPUT', `parameter name ${name} clashes with the optimizer's "optimizer." prefix`);
    }
    const shape = shapes.get(name) ?? [values.length];
    if (shape.reduce((a, b) => a * b, 1) !== values.length) {
      throw new TrainingCheckpointError('BAD_INPUT', `parameter ${name} has ${values.length} elements but shape [${shape.join(',')}]`);
    }
    tensors[name] = { dtype: 'F32', shape, data: values };
    for (const which of ['m', 'v'] as const) {
      const moment = optimizer[which].get(name);
      if (moment?.length !== values.length) {
        const found = moment === undefined ? 'is missing' : `has ${moment.length} elements, not ${values.length}`;
        throw new TrainingCheckpointError('BAD_INPUT', `optimizer ${which} for parameter ${name} ${found}`);
      }
      tensors[MOMENT_PREFIX[which] + name] = { dtype: 'F32', shape, data: moment };
    }
  }
  for (const which of ['m', 'v'] as const) {
    for (const name of optimizer[which].keys()) {
      if (!params.has(name)) throw new TrainingCheckpointError('BAD_INPUT', `optimizer ${which} names ${name}, which is not a parameter`);
    }
  }
  return serializeSafetensors(tensors, {
    ...metadata,
    format: TRAINING_CHECKPOINT_FORMAT,
    format_version: TRAINING_CHECKPOINT_VERSION,
    step: String(optimizer.step),
    schedule: JSON.stringify(schedule),
  });
}

/**
 * Decodes checkpoint bytes and checks them against the model: every name in `expectedShapes`
 * must be present as a parameter and both moments, with that shape and dtype F32, and nothing else.
 * The arrays returned are copies, independent of `bytes`.
 *
 * @param expectedShapes - the shapes of the parameters being trained, by name
 * @throws TrainingCheckpointError `BAD_FILE`, `BAD_METADATA`, or `MISMATCH` listing every problem
 */
export function decodeTrainingCheckpoint(bytes: Uint8Array, expectedShapes: ReadonlyMap<string, readonly number[]>): TrainingCheckpoint {
  let file: ReturnType<typeof parseSafetensors>;
  try {
    file = parseSafetensors(bytes);
  } catch (err) {
    if (err instanceof SafetensorsError) throw new TrainingCheckpointError('BAD_FILE', `not a valid safetensors file: ${err.message}`, undefined, { cause: err });
    throw err;
  }
  const { step, schedule, metadata } = parseMetadata(file.metadata);

  const problems: string[] = [];
  const take = (tensorName: string, shape: readonly number[]): Float32Array | undefined => {
    const entry: TensorEntry | undefined = file.tensors.get(tensorName);
    if (entry === undefined) return void problems.push(`tensor ${tensorName} is missing`);
    if (entry.dtype !== 'F32') return void problems.push(`tensor ${tensorName} has dtype ${entry.dtype}, expected F32`);
    if (entry.shape.length !== shape.length || entry.shape.some((dim, i) => dim !== shape[i])) {
      return void problems.push(`tensor ${tensorName} has shape [${entry.shape.join(',')}], expected [${shape.join(',')}]`);
    }
    return tensorToFloat32(entry, tensorName).slice();
  };

  const params = new Map<string, Float32Array>();
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const [name, shape] of expectedShapes) {
    const value = take(name, shape);
    const first = take(MOMENT_PREFIX.m + name, shape);
    const second = take(MOMENT_PREFIX.v + name, shape);
    if (value && first && second) {
      params.set(name, value);
      m.set(name, first);
      v.set(name, second);
    }
  }
  for (const tensorName of file.tensors.keys()) {
    const name = tensorName.startsWith(MOMENT_PREFIX.m) ? tensorName.slice(MOMENT_PREFIX.m.length)
      : tensorName.startsWith(MOMENT_PREFIX.v) ? tensorName.slice(MOMENT_PREFIX.v.length) : tensorName;
    if (!expectedShapes.has(name)) problems.push(`tensor ${tensorName} is not expected by the model`);
  }
  if (problems.length > 0) {
    throw new TrainingCheckpointError('MISMATCH', `checkpoint does not match the model: ${problems.join('; ')}`, problems);
  }
  const shapes = new Map([...expectedShapes].map(([name, shape]) => [name, [...shape]]));
  return { params, shapes, optimizer: { step, m, v }, schedule, metadata };
}

function parseMetadata(raw: Record<string, string>): { step: number; schedule: CosineScheduleOptions; metadata: Record<string, string> } {
  const bad = (message: string, cause?: unknown) => new TrainingCheckpointError('BAD_METADATA', message, undefined, { cause });
  if (raw.format !== TRAINING_CHECKPOINT_FORMAT) throw bad(`metadata format is ${JSON.stringify(raw.format)}, expected "${TRAINING_CHECKPOINT_FORMAT}"`);
  if (raw.format_version !== TRAINING_CHECKPOINT_VERSION) {
    throw bad(`metadata format_version is ${JSON.stringify(raw.format_version)}, this reader knows "${TRAINING_CHECKPOINT_VERSION}"`);
  }
  const step = /^(0|[1-9][0-9]*)$/.test(raw.step ?? '') ? Number(raw.step) : NaN;
  if (!Number.isSafeInteger(step)) throw bad(`metadata step is ${JSON.stringify(raw.step)}, expected a non-negative integer`);
  let schedule: CosineScheduleOptions;
  try {
    schedule = JSON.parse(raw.schedule ?? '') as CosineScheduleOptions;
    if (typeof schedule !== 'object' || schedule === null) throw new RangeError('not a JSON object');
    assertCosineSchedule(schedule);
  } catch (err) {
    throw bad(`metadata schedule is invalid: ${(err as Error).message}`, err);
  }
  const metadata = Object.fromEntries(Object.entries(raw).filter(([key]) => !RESERVED_METADATA.has(key)));
  return { step, schedule, metadata };
}

/**
 * Writes a checkpoint atomically: a temporary file beside `path` is written, flushed to disk and
 * renamed over `path`.
 * @example await writeTrainingCheckpoint('run/ckpt.safetensors', { params, shapes, optimizer: opt.state(), schedule });
 */
export async function writeTrainingCheckpoint(path: string, checkpoint: TrainingCheckpoint): Promise<void> {
  const bytes = encodeTrainingCheckpoint(checkpoint);
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Reads and validates a checkpoint (see {@link decodeTrainingCheckpoint}); messages start with `path`.
 * @example
 * const ckpt = await readTrainingCheckpoint(path, shapes);
 * for (const [name, values] of ckpt.params) params.get(name)!.set(values);
 * optimizer.loadState(ckpt.optimizer);
 */
export async function readTrainingCheckpoint(path: string, expectedShapes: ReadonlyMap<string, readonly number[]>): Promise<TrainingCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new TrainingCheckpointError('BAD_FILE', `${path}: cannot be read: ${(err as Error).message}`, undefined, { cause: err });
  }
  try {
    return decodeTrainingCheckpoint(bytes, expectedShapes);
  } catch (err) {
    if (!(err instanceof TrainingCheckpointError)) throw err;
    throw new TrainingCheckpointError(err.code, `${path}: ${err.message}`, err.problems, { cause: err.cause });
  }
}
