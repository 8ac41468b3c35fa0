/**
 * @module model/checkpoint
 * Loads a model checkpoint directory in the Hugging Face layout: one `model.safetensors`, or a
 * `model.safetensors.index.json` whose `weight_map` names the shard holding each tensor. Weights
 * are looked up by name and checked against the shape the caller expects.
 * Each tensor is read into its own buffer through a file handle, so shards larger than Node's
 * 2 GiB `readFile` limit or its 4 GiB typed-array limit load as long as every tensor fits.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SafetensorsError, type SafetensorsDtype, type TensorEntry } from '../../../shared/safetensors/format';
import { parseHeader, readHeaderLength, tensorToFloat32 } from '../../../shared/safetensors/read';

/** File name of an unsharded checkpoint. */
export const SINGLE_FILE = 'model.safetensors';
/** File name of the index of a sharded checkpoint. */
export const INDEX_FILE = 'model.safetensors.index.json';

/**
 * Stable reasons a checkpoint cannot be loaded or a weight cannot be served.
 * - `NOT_FOUND`: the directory holds neither {@link SINGLE_FILE} nor {@link INDEX_FILE}.
 * - `BAD_INDEX`: the index is not JSON or has no valid `weight_map`.
 * - `MISSING_SHARD`: a shard named by the index is not on disk.
 * - `MISSING_TENSOR`: a tensor is absent from the checkpoint, or from the shard the index names.
 * - `SHAPE_MISMATCH`: a tensor's shape differs from the one the caller requires.
 * - `UNSUPPORTED_DTYPE`: a tensor whose dtype cannot be converted to float32.
 * - `BAD_FILE`: a safetensors file is malformed or truncated; `cause` is the {@link SafetensorsError}.
 */
export type CheckpointErrorCode =
  | 'NOT_FOUND'
  | 'BAD_INDEX'
  | 'MISSING_SHARD'
  | 'MISSING_TENSOR'
  | 'SHAPE_MISMATCH'
  | 'UNSUPPORTED_DTYPE'
  | 'BAD_FILE';

/** A checkpoint that cannot be loaded, or a weight it cannot supply. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly code: CheckpointErrorCode;
  /** The tensor at fault, when there is one. */
  readonly tensor?: string;
  /** Path of the file at fault, when there is one. */
  readonly file?: string;

  constructor(
    code: CheckpointErrorCode,
    message: string,
    details: { tensor?: string; file?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.tensor !== undefined) this.tensor = details.tensor;
    if (details.file !== undefined) this.file = details.file;
  }
}

/** The weights of a loaded checkpoint, by tensor name. */
export interface Checkpoint {
  /** The directory the checkpoint was loaded from. */
  readonly dir: string;
  /** Tensor names, sorted. */
  names(): string[];
  has(name: string): boolean;
  shape(name: string): number[];
  dtype(name: string): SafetensorsDtype;
  /**
   * The tensor as float32. F32 tensors are returned without copying (writes reach the checkpoint);
   * F16, BF16 and F64 are converted on every call.
   */
  float32(name: string): Float32Array;
  /** Like {@link Checkpoint.float32}, but first checks that the tensor exists and has `expectedShape`. */
  require(name: string, expectedShape: number[]): Float32Array;
}

interface StoredTensor extends TensorEntry {
  file: string;
}

/**
 * Loads every tensor of the checkpoint in `dir` into memory.
 *
 * @example
 * const checkpoint = await loadCheckpoint('/models/tinyllama');
 * const q = checkpoint.require('model.layers.0.self_attn.q_proj.weight', [2048, 2048]);
 * @throws CheckpointError naming the directory, file and tensor at fault
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const tensors = new Map<string, StoredTensor>();
  const single = join(dir, SINGLE_FILE);
  const index = join(dir, INDEX_FILE);
  if (await isFile(single)) {
    for (const [name, entry] of await readTensors(single)) tensors.set(name, { ...entry, file: single });
  } else if (await isFile(index)) {
    for (const [shard, names] of await readIndex(index)) {
      const path = join(dir, shard);
      if (!(await isFile(path))) {
        throw new CheckpointError(
          'MISSING_SHARD',
          `shard ${shard} named in ${index} (for ${names.length} tensors, e.g. ${names[0]}) is missing`,
          { file: path, tensor: names[0] },
        );
      }
      const loaded = await readTensors(path, new Set(names));
      for (const name of names) {
        const entry = loaded.get(name);
        if (!entry) {
          throw new CheckpointError(
            'MISSING_TENSOR',
            `${INDEX_FILE} places tensor ${name} in shard ${shard}, but ${path} does not contain it`,
            { tensor: name, file: path },
          );
        }
        tensors.set(name, { ...entry, file: path });
      }
    }
  } else {
    throw new CheckpointError('NOT_FOUND', `no checkpoint in ${dir}: found neither ${SINGLE_FILE} nor ${INDEX_FILE}`, {
      file: dir,
    });
  }
  return createCheckpoint(dir, tensors);
}

function createCheckpoint(dir: string, tensors: Map<string, StoredTensor>): Checkpoint {
  const lookup = (name: string): StoredTensor => {
    const entry = tensors.get(name);
    if (!entry) {
      throw new CheckpointError('MISSING_TENSOR', `checkpoint is missing tensor ${name} (${dir})`, { tensor: name });
    }
    return entry;
  };
  const float32 = (name: string): Float32Array => {
    const entry = lookup(name);
    try {
      return tensorToFloat32(entry, name);
    } catch (err) {
      if (err instanceof SafetensorsError && err.code === 'UNSUPPORTED_DTYPE') {
        throw new CheckpointError('UNSUPPORTED_DTYPE', `${err.message} (in ${entry.file})`, {
          tensor: name,
          file: entry.file,
          cause: err,
        });
      }
      throw err;
    }
  };
  return {
    dir,
    names: () => [...tensors.keys()].sort(),
    has: (name) => tensors.has(name),
    shape: (name) => [...lookup(name).shape],
    dtype: (name) => lookup(name).dtype,
    float32,
    require(name, expectedShape) {
      const entry = lookup(name);
      if (!sameShape(entry.shape, expectedShape)) {
        throw new CheckpointError(
          'SHAPE_MISMATCH',
          `tensor ${name} has shape [${entry.shape.join(',')}], expected [${expectedShape.join(',')}] (in ${entry.file})`,
          { tensor: name, file: entry.file },
        );
      }
      return float32(name);
    },
  };
}

/** Reads the index and groups the tensor names it lists by shard file, in first-seen order. */
async function readIndex(path: string): Promise<Map<string, string[]>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new CheckpointError('BAD_INDEX', `${path} is not valid JSON: ${(err as Error).message}`, {
      file: path,
      cause: err,
    });
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new CheckpointError('BAD_INDEX', `${path} has no weight_map object`, { file: path });
  }
  const byShard = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(weightMap)) {
    // Shards sit beside the index; a path here could reach outside the checkpoint directory.
    if (typeof shard !== 'string' || shard === '' || basename(shard) !== shard || shard === '..') {
      throw new CheckpointError(
        'BAD_INDEX',
        `${path}: weight_map entry for tensor ${name} is ${JSON.stringify(shard)}, not a shard file name`,
        { file: path, tensor: name },
      );
    }
    const names = byShard.get(shard) ?? [];
    names.push(name);
    byShard.set(shard, names);
  }
  return byShard;
}

/** Largest single read; Node rejects reads of 2 GiB or more, and some tensors are that large. */
const READ_CHUNK_BYTES = 1 << 30;

/**
 * Validates a safetensors file's header against its size, then reads the tensors named in `only`
 * (all when omitted), each into a buffer of its own.
 */
async function readTensors(path: string, only?: Set<string>): Promise<Map<string, TensorEntry>> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = await readExactly(handle, 0, Math.min(8, size));
    const headerLength = readHeaderLength(prefix, size);
    const header = await readExactly(handle, 8, headerLength);
    const dataStart = 8 + headerLength;
    const { layouts } = parseHeader(header, size - dataStart);
    const tensors = new Map<string, TensorEntry>();
    for (const [name, { dtype, shape, begin, end }] of layouts) {
      if (only && !only.has(name)) continue;
      tensors.set(name, { dtype, shape, data: await readExactly(handle, dataStart + begin, end - begin) });
    }
    return tensors;
  } catch (err) {
    if (err instanceof SafetensorsError) {
      throw new CheckpointError('BAD_FILE', `${path}: ${err.message}`, { file: path, tensor: err.tensor, cause: err });
    }
    throw err;
  } finally {
    await handle.close();
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function readExactly(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, Math.min(length - done, READ_CHUNK_BYTES), position + done);
    if (bytesRead === 0) {
      // The file shrank after it was measured.
      throw new SafetensorsError('TRUNCATED', `file ended at byte ${position + done}, expected ${length - done} more`);
    }
    done += bytesRead;
  }
  return bytes;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return false;
    }
    throw err;
  }
}

function sameShape(actual: readonly number[], expected: readonly number[]): boolean {
  return actual.length === expected.length && actual.every((dim, i) => dim === expected[i]);
}
