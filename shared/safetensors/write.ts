/**
 * @module safetensors/write
 * Serializes tensors to the safetensors format, deterministically: tensors sorted by name, data
 * laid out in that order, metadata keys sorted, and the JSON header padded with spaces to a
 * multiple of 8 bytes so that the data region starts 8-byte aligned, as the reference
 * implementation does (https://github.com/huggingface/safetensors, `prepare` in tensor.rs).
 */
import {
  BYTES_PER_DTYPE,
  HOST_IS_LITTLE_ENDIAN,
  SafetensorsError,
  elementCount,
  isSafetensorsDtype,
  isValidShape,
  type SafetensorsDtype,
} from './format';

/** A tensor to write: raw little-endian bytes, or a Float32Array for an F32 tensor. */
export interface TensorToWrite {
  dtype: SafetensorsDtype;
  shape: readonly number[];
  data: Uint8Array | Float32Array;
}

/**
 * Builds a safetensors file.
 *
 * @param tensors - tensors by name; `__metadata__` is reserved and rejected
 * @param metadata - free-form string pairs, written under `__metadata__` when given
 * @returns the file bytes
 * @throws SafetensorsError naming the tensor: `UNKNOWN_DTYPE`, `BAD_HEADER` (bad name or shape, or
 *   a Float32Array for a non-F32 dtype), `SHAPE_MISMATCH` (byte length ≠ product(shape) · bytes per element)
 * @example
 * const bytes = serializeSafetensors({ bias: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
 */
export function serializeSafetensors(
  tensors: Record<string, TensorToWrite>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = Object.keys(tensors).sort(compareCodeUnits);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = sortedMetadata(metadata);

  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const bytes = tensorBytes(name, tensors[name]);
    const { dtype, shape } = tensors[name];
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - (json.length % 8)) % 8;
  const headerLength = json.length + padding;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}

/** Validates one tensor and returns its little-endian bytes. */
function tensorBytes(name: string, tensor: TensorToWrite): Uint8Array {
  if (name === '' || name === '__metadata__') {
    throw new SafetensorsError('BAD_HEADER', `tensor name ${JSON.stringify(name)} is reserved or empty`, name);
  }
  const { dtype, shape, data } = tensor;
  if (!isSafetensorsDtype(dtype)) {
    throw new SafetensorsError('UNKNOWN_DTYPE', `tensor ${name} has unknown dtype ${String(dtype)}`, name);
  }
  if (!isValidShape(shape)) {
    throw new SafetensorsError(
      'BAD_HEADER',
      `tensor ${name}: shape ${JSON.stringify(shape)} is not an array of non-negative integers`,
      name,
    );
  }
  const bytes = data instanceof Float32Array ? float32Bytes(name, dtype, data) : data;
  const expected = elementCount(shape) * BYTES_PER_DTYPE[dtype];
  if (bytes.length !== expected) {
    throw new SafetensorsError(
      'SHAPE_MISMATCH',
      `tensor ${name} has ${bytes.length} bytes but shape [${shape.join(',')}] of ${dtype} needs ${expected}`,
      name,
    );
  }
  return bytes;
}

/** Little-endian bytes of a Float32Array, which only an F32 tensor may carry. */
function float32Bytes(name: string, dtype: SafetensorsDtype, data: Float32Array): Uint8Array {
  if (dtype !== 'F32') {
    throw new SafetensorsError(
      'BAD_HEADER',
      `tensor ${name}: Float32Array data can only be written as F32, not ${dtype}; pass encoded bytes instead`,
      name,
    );
  }
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return bytes;
}

function sortedMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata).sort(([a], [b]) => compareCodeUnits(a, b));
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      throw new SafetensorsError('BAD_HEADER', `metadata value for ${key} is not a string`);
    }
  }
  return Object.fromEntries(entries);
}

/** Orders strings by UTF-16 code units, independent of locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
