/**
 * @module safetensors/read
 * Parses safetensors files and converts their tensors to Float32Array, validating every header
 * field. Layout (https://github.com/huggingface/safetensors#format): an 8-byte little-endian u64 N,
 * N bytes of UTF-8 JSON, then the data region; each tensor's `data_offsets` count from the data
 * region's first byte and together must tile it exactly.
 * Runtime-neutral: the header steps are exported apart so that a caller holding only a file handle
 * can validate a file without reading it whole.
 */
import {
  BYTES_PER_DTYPE,
  HOST_IS_LITTLE_ENDIAN,
  MAX_HEADER_BYTES,
  SafetensorsError,
  elementCount,
  isSafetensorsDtype,
  isValidShape,
  type TensorEntry,
  type TensorLayout,
} from './format';

/** A parsed safetensors file: free-form string metadata and the tensors, in header order. */
export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, TensorEntry>;
}

/** A parsed header: metadata and where each tensor's bytes lie in the data region. */
export interface SafetensorsHeader {
  metadata: Record<string, string>;
  layouts: Map<string, TensorLayout>;
}

/**
 * Reads and checks the header length N from a file's first 8 bytes.
 *
 * @param prefix - at least the file's first 8 bytes
 * @param fileByteLength - length of the whole file
 * @returns N, the JSON header's length in bytes; the data region starts at 8 + N
 * @throws SafetensorsError `TRUNCATED` when the file cannot hold 8 + N bytes, `HEADER_TOO_LARGE` when N > 100 MB
 */
export function readHeaderLength(prefix: Uint8Array, fileByteLength: number): number {
  if (fileByteLength < 8 || prefix.length < 8) {
    throw new SafetensorsError(
      'TRUNCATED',
      `safetensors file is truncated: ${Math.min(fileByteLength, prefix.length)} bytes, fewer than the 8-byte header length`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  if (high !== 0 || low > MAX_HEADER_BYTES) {
    const declared = high !== 0 ? `${high} * 2^32 + ${low}` : `${low}`;
    throw new SafetensorsError(
      'HEADER_TOO_LARGE',
      `safetensors header length ${declared} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit; not a safetensors file?`,
    );
  }
  if (8 + low > fileByteLength) {
    throw new SafetensorsError(
      'TRUNCATED',
      `safetensors file is truncated: header declares ${low} bytes but the file holds only ${fileByteLength - 8} after the length`,
    );
  }
  return low;
}

/**
 * Parses and validates the JSON header against the size of the data region that follows it.
 *
 * @param headerBytes - exactly the N header bytes (trailing space padding allowed)
 * @param dataByteLength - bytes in the file after the header
 * @throws SafetensorsError naming the tensor at fault, with code `BAD_HEADER`, `UNKNOWN_DTYPE`,
 *   `SHAPE_MISMATCH`, `BAD_OFFSETS`, or `TRUNCATED` when the data region is shorter than the header says
 */
export function parseHeader(headerBytes: Uint8Array, dataByteLength: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(headerBytes);
  } catch {
    throw new SafetensorsError('BAD_HEADER', 'safetensors header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SafetensorsError('BAD_HEADER', `safetensors header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError('BAD_HEADER', 'safetensors header is not a JSON object');
  }

  let metadata: Record<string, string> = {};
  const layouts = new Map<string, TensorLayout>();
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(value);
    } else {
      layouts.set(name, parseLayout(name, value));
    }
  }
  checkTiling(layouts, dataByteLength);
  return { metadata, layouts };
}

/**
 * Parses a whole safetensors file held in memory. Tensor data are views of `bytes`, not copies.
 *
 * @example
 * const { tensors } = parseSafetensors(bytes);
 * const weight = tensorToFloat32(tensors.get('lm_head.weight')!);
 * @throws SafetensorsError with a stable `code` and a message naming the tensor at fault
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  const headerLength = readHeaderLength(bytes, bytes.length);
  const dataStart = 8 + headerLength;
  const { metadata, layouts } = parseHeader(bytes.subarray(8, dataStart), bytes.length - dataStart);
  const tensors = new Map<string, TensorEntry>();
  for (const [name, { dtype, shape, begin, end }] of layouts) {
    tensors.set(name, { dtype, shape, data: bytes.subarray(dataStart + begin, dataStart + end) });
  }
  return { metadata, tensors };
}

/**
 * Converts an F32, F16, BF16 or F64 tensor to Float32Array (F64 is rounded to nearest).
 * An F32 tensor whose bytes are 4-byte aligned is returned as a view sharing the file bytes, so
 * writing to the result writes to the file buffer; otherwise the result is a fresh array.
 *
 * @param name - used in the error message only
 * @throws SafetensorsError `UNSUPPORTED_DTYPE` for integer and boolean tensors
 */
export function tensorToFloat32(entry: TensorEntry, name = '(unnamed)'): Float32Array {
  const { dtype, data } = entry;
  const count = elementCount(entry.shape);
  if (data.length !== count * BYTES_PER_DTYPE[dtype]) {
    throw new SafetensorsError(
      'SHAPE_MISMATCH',
      `tensor ${name} has ${data.length} bytes but shape [${entry.shape.join(',')}] of ${dtype} needs ${count * BYTES_PER_DTYPE[dtype]}`,
      name,
    );
  }
  switch (dtype) {
    case 'F32': {
      if (HOST_IS_LITTLE_ENDIAN && data.byteOffset % 4 === 0) {
        return new Float32Array(data.buffer, data.byteOffset, count);
      }
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F16': {
      const table = halfTable();
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = table[data[2 * i] | (data[2 * i + 1] << 8)];
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of an IEEE float32, so widening is a 16-bit shift of the bits.
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = (data[2 * i] | (data[2 * i + 1] << 8)) << 16;
      return out;
    }
    case 'F64': {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    default:
      throw new SafetensorsError(
        'UNSUPPORTED_DTYPE',
        `tensor ${name} has dtype ${dtype}, which cannot be converted to float32`,
        name,
      );
  }
}

/** Decodes one IEEE 754 binary16 value (given as its 16 bits) to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

let halfLookup: Float32Array | undefined;

/** All 65 536 binary16 values as float32, built on first use (256 KiB) so F16 decoding is one lookup. */
function halfTable(): Float32Array {
  if (!halfLookup) {
    halfLookup = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfLookup[bits] = halfToFloat(bits);
  }
  return halfLookup;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseMetadata(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError('BAD_HEADER', 'safetensors __metadata__ is not a JSON object');
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new SafetensorsError('BAD_HEADER', `safetensors __metadata__ value for ${key} is not a string`);
    }
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

function parseLayout(name: string, value: unknown): TensorLayout {
  if (!isPlainObject(value)) {
    throw new SafetensorsError('BAD_HEADER', `tensor ${name}: header entry is not a JSON object`, name);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') {
    throw new SafetensorsError('BAD_HEADER', `tensor ${name}: dtype is missing or not a string`, name);
  }
  if (!isSafetensorsDtype(dtype)) {
    throw new SafetensorsError(
      'UNKNOWN_DTYPE',
      `tensor ${name} has unknown dtype ${dtype} (known: ${Object.keys(BYTES_PER_DTYPE).join(', ')})`,
      name,
    );
  }
  if (!isValidShape(shape)) {
    throw new SafetensorsError(
      'BAD_HEADER',
      `tensor ${name}: shape ${JSON.stringify(shape)} is not an array of non-negative integers`,
      name,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0)
  ) {
    throw new SafetensorsError(
      'BAD_OFFSETS',
      `tensor ${name}: data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`,
      name,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) {
    throw new SafetensorsError('BAD_OFFSETS', `tensor ${name}: data_offsets [${begin},${end}] end before they begin`, name);
  }
  const expected = elementCount(shape) * BYTES_PER_DTYPE[dtype];
  if (end - begin !== expected) {
    throw new SafetensorsError(
      'SHAPE_MISMATCH',
      `tensor ${name}: shape [${shape.join(',')}] of ${dtype} needs ${expected} bytes but data_offsets [${begin},${end}] span ${end - begin}`,
      name,
    );
  }
  return { dtype, shape, begin, end };
}

/** Checks that the tensors' byte ranges tile [0, dataByteLength) with no gap and no overlap. */
function checkTiling(layouts: Map<string, TensorLayout>, dataByteLength: number): void {
  const ordered = [...layouts].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: string | undefined;
  for (const [name, { begin, end }] of ordered) {
    if (begin !== covered) {
      const after = previous === undefined ? 'the start of the data' : `tensor ${previous}`;
      const problem = begin < covered ? 'overlaps' : `leaves a gap of ${begin - covered} bytes after`;
      throw new SafetensorsError(
        'BAD_OFFSETS',
        `tensor ${name}: data_offsets [${begin},${end}] ${problem} ${after} (expected to begin at ${covered})`,
        name,
      );
    }
    covered = end;
    previous = name;
  }
  if (covered > dataByteLength) {
    throw new SafetensorsError(
      'TRUNCATED',
      `safetensors file is truncated: tensor ${previous} ends at data byte ${covered} but the data region holds only ${dataByteLength}`,
      previous,
    );
  }
  if (covered < dataByteLength) {
    throw new SafetensorsError(
      'BAD_OFFSETS',
      `safetensors data region holds ${dataByteLength} bytes but the tensors cover only ${covered}`,
    );
  }
}
