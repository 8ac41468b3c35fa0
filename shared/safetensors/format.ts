/**
 * @module safetensors/format
 * Types shared by the safetensors reader and writer: the element types the format names, their
 * sizes, a parsed tensor, and the one error class every validation failure throws.
 * Format: https://github.com/huggingface/safetensors#format
 */

/** Element types this project reads and writes, spelled as in the safetensors header. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each dtype. */
export const BYTES_PER_DTYPE: Readonly<Record<SafetensorsDtype, number>> = Object.freeze({
  F64: 8,
  I64: 8,
  F32: 4,
  I32: 4,
  F16: 2,
  BF16: 2,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
});

/** True when `value` is one of the dtype names in {@link BYTES_PER_DTYPE}. */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(BYTES_PER_DTYPE, value);
}

/** One tensor of a parsed file. */
export interface TensorEntry {
  dtype: SafetensorsDtype;
  /** Dimensions, outermost first; `[]` is a scalar (one element). */
  shape: number[];
  /** The tensor's bytes, little-endian: a view of the file bytes, not a copy. */
  data: Uint8Array;
}

/** Where a tensor's bytes lie, as the header describes it (offsets relative to the data region). */
export interface TensorLayout {
  dtype: SafetensorsDtype;
  shape: number[];
  /** First byte of the tensor, counted from the first byte after the header. */
  begin: number;
  /** One past the last byte of the tensor, counted like `begin`. */
  end: number;
}

/**
 * Stable reasons a file or a tensor is rejected.
 * - `TRUNCATED`: the file ends before the header or the data the header describes.
 * - `HEADER_TOO_LARGE`: the declared header length is beyond {@link MAX_HEADER_BYTES}.
 * - `BAD_HEADER`: the header is not UTF-8 JSON of the expected shape, or a name or shape is invalid.
 * - `BAD_OFFSETS`: tensor byte ranges are reversed, overlap, leave gaps or leave bytes unclaimed.
 * - `UNKNOWN_DTYPE`: a dtype this project does not know.
 * - `SHAPE_MISMATCH`: a tensor's byte length is not product(shape) · bytes per element.
 * - `UNSUPPORTED_DTYPE`: a known dtype that the requested conversion cannot handle.
 */
export type SafetensorsErrorCode =
  | 'TRUNCATED'
  | 'HEADER_TOO_LARGE'
  | 'BAD_HEADER'
  | 'BAD_OFFSETS'
  | 'UNKNOWN_DTYPE'
  | 'SHAPE_MISMATCH'
  | 'UNSUPPORTED_DTYPE';

/** Largest header accepted, in bytes; the reference implementation uses the same bound. */
export const MAX_HEADER_BYTES = 100_000_000;

/** A safetensors file or tensor that cannot be read or written; `code` is stable, the message is for people. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  readonly code: SafetensorsErrorCode;
  /** The tensor at fault, when there is one. */
  readonly tensor?: string;

  constructor(code: SafetensorsErrorCode, message: string, tensor?: string) {
    super(message);
    this.code = code;
    if (tensor !== undefined) this.tensor = tensor;
  }
}

/** True on little-endian hosts, where typed-array views read safetensors bytes directly. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Number of elements of a tensor with this shape (1 for the scalar shape `[]`). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** True when `shape` is an array of non-negative safe integers. */
export function isValidShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0);
}
