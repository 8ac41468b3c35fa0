/** @module safetensors tests: round trips, byte layout, every validation error, dtype conversions. */
import { describe, expect, it } from 'vitest';
import { BYTES_PER_DTYPE, SafetensorsError, type SafetensorsDtype, type SafetensorsErrorCode } from './format';
import { halfToFloat, parseSafetensors, tensorToFloat32 } from './read';
import { serializeSafetensors, type TensorToWrite } from './write';

/** A file with an arbitrary header (object or raw text) and data region, bypassing the writer. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function u16Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => new DataView(out.buffer).setUint16(i * 2, v, true));
  return out;
}

function catchError(fn: () => unknown): SafetensorsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    return err as SafetensorsError;
  }
  throw new Error('expected a SafetensorsError, but nothing was thrown');
}

function expectParseError(bytes: Uint8Array, code: SafetensorsErrorCode, tensor?: string): SafetensorsError {
  const err = catchError(() => parseSafetensors(bytes));
  expect(err.code).toBe(code);
  expect(err.tensor).toBe(tensor);
  if (tensor !== undefined) expect(err.message).toContain(`tensor ${tensor}`);
  return err;
}

describe('serializeSafetensors and parseSafetensors', () => {
  const tensors: Record<string, TensorToWrite> = {
    'f32.matrix': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-8, -1e30]) },
    'f32.scalar': { dtype: 'F32', shape: [], data: new Float32Array([42]) },
    'f32.empty': { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    f16: { dtype: 'F16', shape: [3], data: u16Bytes([0x3c00, 0xc100, 0x7bff]) },
    bf16: { dtype: 'BF16', shape: [1, 2], data: u16Bytes([0x3f80, 0xc020]) },
    f64: { dtype: 'F64', shape: [1], data: new Uint8Array(new Float64Array([0.1]).buffer) },
    i64: { dtype: 'I64', shape: [2], data: new Uint8Array(new BigInt64Array([-1n, 2n ** 40n]).buffer) },
    i32: { dtype: 'I32', shape: [1, 1, 1], data: new Uint8Array(new Int32Array([-7]).buffer) },
    i16: { dtype: 'I16', shape: [2], data: new Uint8Array(new Int16Array([-300, 300]).buffer) },
    i8: { dtype: 'I8', shape: [3], data: new Uint8Array([0xff, 0, 1]) },
    u8: { dtype: 'U8', shape: [5], data: new Uint8Array([1, 2, 3, 4, 5]) },
    bool: { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
  };

  it('round-trips every dtype, a scalar and a zero-size tensor with their metadata', () => {
    const file = parseSafetensors(serializeSafetensors(tensors, { format: 'pt', note: 'ünïcode' }));
    expect(file.metadata).toEqual({ format: 'pt', note: 'ünïcode' });
    expect([...file.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, written] of Object.entries(tensors)) {
      const read = file.tensors.get(name)!;
      expect(read.dtype).toBe(written.dtype);
      expect(read.shape).toEqual(written.shape);
      const bytes = written.data instanceof Float32Array ? new Uint8Array(written.data.buffer) : written.data;
      expect([...read.data]).toEqual([...bytes]);
    }
    expect(file.tensors.get('f32.empty')!.data.length).toBe(0);
    expect([...tensorToFloat32(file.tensors.get('f32.scalar')!)]).toEqual([42]);
    expect([...tensorToFloat32(file.tensors.get('f32.matrix')!)]).toEqual([...(tensors['f32.matrix'].data as Float32Array)]);
    const i64 = file.tensors.get('i64')!.data;
    expect([...new BigInt64Array(i64.slice().buffer)]).toEqual([-1n, 2n ** 40n]);
  });

  it('returns tensor data as views of the file bytes rather than copies', () => {
    const bytes = serializeSafetensors(tensors);
    const entry = parseSafetensors(bytes).tensors.get('u8')!;
    expect(entry.data.buffer).toBe(bytes.buffer);
  });

  it('omits __metadata__ when none is given and reads it back as an empty record', () => {
    const bytes = serializeSafetensors({ x: { dtype: 'U8', shape: [1], data: new Uint8Array([9]) } });
    expect(new TextDecoder().decode(bytes)).not.toContain('__metadata__');
    expect(parseSafetensors(bytes).metadata).toEqual({});
  });

  it('writes the length, the JSON header padded with spaces to a multiple of 8, then the data', () => {
    const bytes = serializeSafetensors({ a: { dtype: 'U8', shape: [2], data: new Uint8Array([7, 9]) } });
    const json = '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}'; // 53 bytes → padded to 56
    expect(bytes.length).toBe(8 + 56 + 2);
    expect([...bytes.subarray(0, 8)]).toEqual([56, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + 53))).toBe(json);
    expect([...bytes.subarray(8 + 53, 8 + 56)]).toEqual([0x20, 0x20, 0x20]);
    expect([...bytes.subarray(64)]).toEqual([7, 9]);
  });

  it('starts the data region on an 8-byte boundary whatever the header length', () => {
    for (let length = 1; length <= 16; length++) {
      const bytes = serializeSafetensors({ ['n'.repeat(length)]: { dtype: 'U8', shape: [1], data: new Uint8Array([1]) } });
      const headerLength = new DataView(bytes.buffer).getUint32(0, true);
      expect(headerLength % 8).toBe(0);
      expect(bytes[8 + headerLength]).toBe(1);
    }
  });

  it('writes identical bytes whatever the insertion order, with data laid out by sorted name', () => {
    const b = { dtype: 'U8', shape: [1], data: new Uint8Array([2]) } as const;
    const a = { dtype: 'U8', shape: [1], data: new Uint8Array([1]) } as const;
    const first = serializeSafetensors({ b, a }, { y: '2', x: '1' });
    const second = serializeSafetensors({ a, b }, { x: '1', y: '2' });
    expect(first).toEqual(second);
    expect([...first.subarray(first.length - 2)]).toEqual([1, 2]);
  });

  it('parses a header that has trailing space padding and no tensors', () => {
    const file = parseSafetensors(rawFile('{"__metadata__":{"k":"v"}}      '));
    expect(file.metadata).toEqual({ k: 'v' });
    expect(file.tensors.size).toBe(0);
  });
});

describe('parseSafetensors validation', () => {
  const u8 = (begin: number, end: number, shape = [end - begin]) => ({ dtype: 'U8', shape, data_offsets: [begin, end] });

  it('reports TRUNCATED for a file shorter than the 8-byte length', () => {
    const err = expectParseError(new Uint8Array(5), 'TRUNCATED');
    expect(err.message).toMatch(/truncated: 5 bytes/);
  });

  it('reports TRUNCATED when the file ends inside the header', () => {
    const whole = rawFile({ a: u8(0, 2) }, new Uint8Array(2));
    expectParseError(whole.subarray(0, 20), 'TRUNCATED');
  });

  it('reports TRUNCATED, naming the last tensor, when the file ends inside the data', () => {
    const whole = serializeSafetensors({
      a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
      b: { dtype: 'F32', shape: [2], data: new Float32Array([3, 4]) },
    });
    const err = expectParseError(whole.subarray(0, whole.length - 3), 'TRUNCATED', 'b');
    expect(err.message).toContain('ends at data byte 16 but the data region holds only 13');
  });

  it('reports HEADER_TOO_LARGE for a header length over 100 MB or over 2^32', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(0, 200_000_000, true);
    expect(expectParseError(bytes, 'HEADER_TOO_LARGE').message).toContain('200000000');
    new DataView(bytes.buffer).setUint32(0, 0, true);
    new DataView(bytes.buffer).setUint32(4, 1, true);
    expectParseError(bytes, 'HEADER_TOO_LARGE');
  });

  it('reports BAD_HEADER for a header that is not JSON, not an object, or not UTF-8', () => {
    expect(expectParseError(rawFile('{"a": '), 'BAD_HEADER').message).toContain('not valid JSON');
    expect(expectParseError(rawFile('[1,2]'), 'BAD_HEADER').message).toContain('not a JSON object');
    const bytes = rawFile('{"a":1}');
    bytes[10] = 0xff;
    expect(expectParseError(bytes, 'BAD_HEADER').message).toContain('UTF-8');
  });

  it('reports BAD_HEADER for metadata that is not string to string', () => {
    const err = expectParseError(rawFile({ __metadata__: { total_size: 5 } }), 'BAD_HEADER');
    expect(err.message).toContain('total_size');
  });

  it('reports BAD_HEADER naming the tensor for an entry or shape of the wrong form', () => {
    expectParseError(rawFile({ 'w.bad': 3 }), 'BAD_HEADER', 'w.bad');
    expectParseError(rawFile({ 'w.neg': u8(0, 0, [-1]) }), 'BAD_HEADER', 'w.neg');
    expectParseError(rawFile({ 'w.frac': u8(0, 0, [1.5]) }), 'BAD_HEADER', 'w.frac');
    expectParseError(rawFile({ 'w.nodtype': { shape: [], data_offsets: [0, 0] } }), 'BAD_HEADER', 'w.nodtype');
  });

  it('reports UNKNOWN_DTYPE naming the tensor and the dtype', () => {
    const header = { 'w.fp8': { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } };
    const err = expectParseError(rawFile(header, new Uint8Array(2)), 'UNKNOWN_DTYPE', 'w.fp8');
    expect(err.message).toContain('F8_E4M3');
  });

  it('reports SHAPE_MISMATCH when the byte span is not product(shape) times the element size', () => {
    const header = { 'w.q': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } };
    const err = expectParseError(rawFile(header, new Uint8Array(12)), 'SHAPE_MISMATCH', 'w.q');
    expect(err.message).toContain('shape [2,2] of F32 needs 16 bytes but data_offsets [0,12] span 12');
  });

  it('reports BAD_OFFSETS for overlapping ranges, naming the later tensor and the one it overlaps', () => {
    const err = expectParseError(rawFile({ a: u8(0, 8), b: u8(4, 12) }, new Uint8Array(12)), 'BAD_OFFSETS', 'b');
    expect(err.message).toContain('overlaps tensor a');
  });

  it('reports BAD_OFFSETS for a gap between ranges or before the first one', () => {
    const gap = expectParseError(rawFile({ a: u8(0, 4), b: u8(6, 8) }, new Uint8Array(8)), 'BAD_OFFSETS', 'b');
    expect(gap.message).toContain('gap of 2 bytes after tensor a');
    const start = expectParseError(rawFile({ a: u8(2, 4) }, new Uint8Array(4)), 'BAD_OFFSETS', 'a');
    expect(start.message).toContain('after the start of the data');
  });

  it('reports BAD_OFFSETS for reversed or malformed offsets', () => {
    const reversed = { a: { dtype: 'U8', shape: [0], data_offsets: [4, 2] } };
    expect(expectParseError(rawFile(reversed, new Uint8Array(4)), 'BAD_OFFSETS', 'a').message).toContain('[4,2]');
    expectParseError(rawFile({ a: { dtype: 'U8', shape: [1], data_offsets: [0] } }), 'BAD_OFFSETS', 'a');
    expectParseError(rawFile({ a: { dtype: 'U8', shape: [1], data_offsets: [-1, 0] } }), 'BAD_OFFSETS', 'a');
  });

  it('reports BAD_OFFSETS when bytes after the last tensor are claimed by none', () => {
    const err = expectParseError(rawFile({ a: u8(0, 2) }, new Uint8Array(5)), 'BAD_OFFSETS');
    expect(err.message).toContain('holds 5 bytes but the tensors cover only 2');
  });

  it('accepts zero-size tensors sharing an offset with their neighbours', () => {
    const file = parseSafetensors(rawFile({ a: u8(0, 2), empty: u8(2, 2), c: u8(2, 3) }, new Uint8Array([1, 2, 3])));
    expect([...file.tensors.get('c')!.data]).toEqual([3]);
    expect(file.tensors.get('empty')!.data.length).toBe(0);
  });
});

describe('serializeSafetensors validation', () => {
  it('rejects data whose length does not match the shape, naming the tensor', () => {
    const err = catchError(() => serializeSafetensors({ 'w.o': { dtype: 'F16', shape: [3], data: new Uint8Array(4) } }));
    expect(err.code).toBe('SHAPE_MISMATCH');
    expect(err.tensor).toBe('w.o');
    expect(err.message).toBe('tensor w.o has 4 bytes but shape [3] of F16 needs 6');
  });

  it('rejects an unknown dtype, a Float32Array for a non-F32 dtype, a bad shape and a reserved name', () => {
    const data = new Uint8Array(2);
    const codeOf = (tensors: Record<string, TensorToWrite>) => catchError(() => serializeSafetensors(tensors)).code;
    expect(codeOf({ w: { dtype: 'F8' as SafetensorsDtype, shape: [2], data } })).toBe('UNKNOWN_DTYPE');
    expect(codeOf({ w: { dtype: 'F16', shape: [1], data: new Float32Array(1) } })).toBe('BAD_HEADER');
    expect(codeOf({ w: { dtype: 'U8', shape: [-2], data } })).toBe('BAD_HEADER');
    expect(codeOf({ __metadata__: { dtype: 'U8', shape: [2], data } })).toBe('BAD_HEADER');
  });
});

describe('tensorToFloat32', () => {
  const entry = (dtype: SafetensorsDtype, data: Uint8Array) => ({
    dtype,
    shape: [data.length / BYTES_PER_DTYPE[dtype]],
    data,
  });

  it('decodes F16 normals, the largest finite value, subnormals, zeros, infinities and NaN', () => {
    const bits = [0x3c00, 0xc100, 0x7bff, 0x0001, 0x0400, 0x3555, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00];
    const out = tensorToFloat32(entry('F16', u16Bytes(bits)));
    expect([...out.subarray(0, 6)]).toEqual([1, -2.5, 65504, 2 ** -24, 2 ** -14, Math.fround(0.333251953125)]);
    expect(Object.is(out[6], 0)).toBe(true);
    expect(Object.is(out[7], -0)).toBe(true);
    expect([out[8], out[9]]).toEqual([Infinity, -Infinity]);
    expect(out[10]).toBeNaN();
    expect(halfToFloat(0xc100)).toBe(-2.5);
  });

  it('decodes BF16 as the upper half of float32 bits', () => {
    const out = tensorToFloat32(entry('BF16', u16Bytes([0x3f80, 0xc020, 0x7f7f, 0x0001, 0xff80])));
    expect([...out]).toEqual([1, -2.5, 3.3895313892515355e38, 2 ** -133, -Infinity]);
  });

  it('rounds F64 to the nearest float32', () => {
    const out = tensorToFloat32(entry('F64', new Uint8Array(new Float64Array([0.1, -1e300]).buffer)));
    expect([...out]).toEqual([Math.fround(0.1), -Infinity]);
  });

  it('returns a view for aligned F32 data and a correct copy for unaligned data', () => {
    const aligned = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const view = tensorToFloat32(entry('F32', aligned));
    expect(view.buffer).toBe(aligned.buffer);
    expect([...view]).toEqual([1.5, -2]);

    const shifted = new Uint8Array(9);
    shifted.set(aligned, 1);
    const copy = tensorToFloat32(entry('F32', shifted.subarray(1)));
    expect(copy.buffer).not.toBe(shifted.buffer);
    expect([...copy]).toEqual([1.5, -2]);
  });

  it('rejects integer tensors with UNSUPPORTED_DTYPE naming the tensor', () => {
    const err = catchError(() => tensorToFloat32({ dtype: 'I32', shape: [1], data: new Uint8Array(4) }, 'ids'));
    expect(err.code).toBe('UNSUPPORTED_DTYPE');
    expect(err.message).toBe('tensor ids has dtype I32, which cannot be converted to float32');
  });
});
