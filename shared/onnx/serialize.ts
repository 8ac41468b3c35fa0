/**
 * @module shared/onnx/serialize
 * Turns a {@link GraphBuilder} graph into ONNX `ModelProto` bytes (protobuf via onnx-proto).
 *
 * Weights can be written as external data (ONNX's `data_location = EXTERNAL`): the model file
 * then stays small and the weights go to a side file, which is how ONNX models above the
 * 2 GB protobuf limit are stored. The side file is returned as a list of byte chunks with
 * their offsets so the caller can stream it to disk without one giant buffer.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import type { AttrValue, Dim, FloatAttr, GraphBuilder, Initializer, ValueInfo } from './graph';

const { onnx } = onnxProto;

/** Options for {@link serializeModel}. */
export interface SerializeOptions {
  /** Default-domain opset. @default 17 */
  opset?: number;
  /** Recorded as `producer_name`. @default 'attune' */
  producer?: string;
  /** When set, initializers of at least `minBytes` go to the external file named `location`. */
  externalData?: { location: string; minBytes?: number; alignment?: number };
  /** Extra key/value metadata stored in the model. */
  metadata?: Record<string, string>;
}

/** A piece of the external-data file. */
export interface ExternalChunk {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** Serialized model: the protobuf bytes and, with external data, the weight file's chunks. */
export interface SerializedModel {
  readonly model: Uint8Array;
  readonly external: { location: string; chunks: ExternalChunk[]; totalBytes: number } | null;
}

/** Highest ONNX IR version understood by the bundled onnx-proto schema (IR 8 ↔ opset ≤ 18). */
const IR_VERSION = 8;

function bytesOf(init: Initializer): Uint8Array {
  return new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
}

function tensorProto(init: Initializer, external?: { location: string; offset: number }): OnnxTypes.ITensorProto {
  const base: OnnxTypes.ITensorProto = { name: init.name, dims: init.dims, dataType: init.elemType };
  if (!external) return { ...base, rawData: bytesOf(init) };
  return {
    ...base,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: external.location },
      { key: 'offset', value: String(external.offset) },
      { key: 'length', value: String(init.data.byteLength) },
    ],
  };
}

function attributeProto(name: string, value: AttrValue | FloatAttr): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; wrap floats with floatAttr()`);
    return { name, type: T.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.TENSOR, t: tensorProto(value.tensor) };
}

function valueInfo(info: ValueInfo): OnnxTypes.IValueInfoProto {
  const dim = info.shape.map((d: Dim) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: info.name, type: { tensorType: { elemType: info.elemType, shape: { dim } } } };
}

/**
 * Encodes the graph as an ONNX model.
 *
 * @example
 * const { model } = serializeModel(g, { opset: 17 });
 * const session = await ort.InferenceSession.create(model);
 */
export function serializeModel(g: GraphBuilder, options: SerializeOptions = {}): SerializedModel {
  const opset = options.opset ?? 17;
  if (opset < 17) throw new Error(`opset must be at least 17, got ${opset}`);
  const chunks: ExternalChunk[] = [];
  let cursor = 0;
  const ext = options.externalData;
  const minBytes = ext?.minBytes ?? 1024;
  const alignment = ext?.alignment ?? 64;

  const initializer = g.initializers.map((init) => {
    if (!ext || init.data.byteLength < minBytes) return tensorProto(init);
    cursor = Math.ceil(cursor / alignment) * alignment;
    const offset = cursor;
    chunks.push({ offset, bytes: bytesOf(init) });
    cursor += init.data.byteLength;
    return tensorProto(init, { location: ext.location, offset });
  });

  const domains = new Set(g.nodes.map((n) => n.domain).filter((d): d is string => !!d));
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: options.producer ?? 'attune',
    opsetImport: [{ domain: '', version: opset }, ...[...domains].map((domain) => ({ domain, version: 1 }))],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        input: n.inputs,
        output: n.outputs,
        domain: n.domain ?? '',
        attribute: Object.entries(n.attributes).map(([k, v]) => attributeProto(k, v)),
      })),
      initializer,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  if (bytes.byteLength > 2 ** 31 - 1) {
    throw new Error(`model protobuf is ${bytes.byteLength} bytes, over the 2 GB limit: use externalData`);
  }
  return { model: bytes, external: ext ? { location: ext.location, chunks, totalBytes: cursor } : null };
}
