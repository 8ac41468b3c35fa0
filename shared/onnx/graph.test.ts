/**
 * @module shared/onnx/graph tests: GraphBuilder naming and checks, and serializeModel's ONNX output
 * (opset, nodes, attribute kinds, external data layout) read back with onnx-proto.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ElemType, floatAttr, GraphBuilder } from './graph';
import { serializeModel } from './serialize';

const { onnx } = onnxProto;
const AttrType = onnx.AttributeProto.AttributeType;

/** Decodes model bytes into plain objects with int64 fields as numbers. */
function decode(bytes: Uint8Array) {
  const message = onnx.ModelProto.decode(bytes);
  return onnx.ModelProto.toObject(message, { longs: Number, enums: Number, defaults: true }) as {
    irVersion: number;
    producerName: string;
    opsetImport: Array<{ domain: string; version: number }>;
    graph: {
      name: string;
      node: Array<{ name: string; opType: string; input: string[]; output: string[]; attribute: Array<{ name: string; type: number; i: number; ints: number[]; f: number }> }>;
      initializer: Array<{ name: string; dims: number[]; dataType: number; rawData: Uint8Array; dataLocation: number; externalData: Array<{ key: string; value: string }> }>;
      input: Array<{ name: string }>;
      output: Array<{ name: string }>;
    };
  };
}

/** x[n,4] · w[4,2] → Softmax(axis 1) → y, with one INT, one INTS and one FLOAT attribute. */
function smallGraph(): GraphBuilder {
  const g = new GraphBuilder('small');
  const x = g.input('x', ElemType.FLOAT, ['n', 4]);
  const w = g.initializer('w', ElemType.FLOAT, [4, 2], Float32Array.from({ length: 8 }, (_, i) => i));
  const [mm] = g.node('MatMul', [x, w]);
  const [t] = g.node('Transpose', [mm], { perm: [1, 0] });
  const [s] = g.node('Softmax', [t], { axis: 1 });
  const [l] = g.node('LeakyRelu', [s], { alpha: floatAttr(0.25) });
  g.output(l, 'y', ElemType.FLOAT, [2, 'n']);
  return g;
}

describe('GraphBuilder', () => {
  it('numbers repeated fresh names and prefixes them with the current scopes', () => {
    const g = new GraphBuilder('names');
    expect(g.fresh('Add')).toBe('/Add');
    expect(g.fresh('Add')).toBe('/Add_1');
    expect(g.fresh('Add')).toBe('/Add_2');
    const scoped = g.scoped('layers.0', () => g.scoped('attn', () => [g.fresh('Add'), g.fresh('Add')]));
    expect(scoped).toEqual(['/layers.0/attn/Add', '/layers.0/attn/Add_1']);
    expect(g.scoped('layers.1', () => g.fresh('Add'))).toBe('/layers.1/Add');
    // Leaving a scope restores the outer prefix.
    expect(g.fresh('Mul')).toBe('/Mul');
  });

  it('never hands out a name that an input or initializer already claimed', () => {
    const g = new GraphBuilder('claims');
    g.input('/Add', ElemType.FLOAT, [1]);
    g.initializer('/Add_1', ElemType.FLOAT, [1], new Float32Array(1));
    expect(g.fresh('Add')).toBe('/Add_2');
  });

  it('gives every node and node output a distinct name', () => {
    const g = smallGraph();
    const names = g.nodes.map((n) => n.name);
    const outputs = g.nodes.flatMap((n) => n.outputs);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(outputs).size).toBe(outputs.length);
    // The last node is the Identity that renames LeakyRelu's output to the graph output name.
    expect(g.nodes.at(-1)).toMatchObject({ opType: 'Identity', outputs: ['y'] });
  });

  it('rejects an input named like an existing node output', () => {
    const g = new GraphBuilder('after');
    const x = g.input('x', ElemType.FLOAT, [1]);
    const [sum] = g.node('Add', [x, x]);
    expect(sum.name).toBe('/Add_output_0');
    expect(() => g.input('/Add_output_0', ElemType.FLOAT, [1])).toThrow('graph after: name "/Add_output_0" is already used');
  });

  // Bug: node() adds generated output names to the used set without checking them, so an input
  // declared earlier under the same name is silently duplicated (graph.ts, GraphBuilder.node).
  it('never gives a node output the name of an input declared before it', () => {
    const g = new GraphBuilder('before');
    const x = g.input('/Add_output_0', ElemType.FLOAT, [1]);
    const [sum] = g.node('Add', [x, x]);
    expect(sum.name).not.toBe('/Add_output_0');
  });

  it('rejects a second input with the same name and names it', () => {
    const g = new GraphBuilder('dup');
    g.input('input_ids', ElemType.INT64, ['batch', 'seq']);
    expect(() => g.input('input_ids', ElemType.INT64, ['batch', 'seq'])).toThrow(/"input_ids" is already used/);
    expect(() => g.input('input_ids', ElemType.INT64, [1])).toThrow(/graph dup/);
  });

  it('rejects an initializer whose dims do not match its data length', () => {
    const g = new GraphBuilder('init');
    expect(() => g.initializer('w', ElemType.FLOAT, [2, 3], new Float32Array(5))).toThrow(
      'initializer w: dims [2,3] hold 6 elements, data has 5',
    );
    expect(g.initializers).toHaveLength(0);
    // A scalar (dims []) holds exactly one element.
    expect(g.initializer('s', ElemType.FLOAT, [], new Float32Array(1))).toEqual({ name: 's' });
  });

  it('sums the bytes of all initializers', () => {
    const g = new GraphBuilder('bytes');
    g.initializer('a', ElemType.FLOAT, [3], new Float32Array(3));
    g.initializer('b', ElemType.INT64, [2], new BigInt64Array(2));
    expect(g.initializerBytes()).toBe(3 * 4 + 2 * 8);
  });
});

describe('serializeModel', () => {
  it('writes opset 17, the node op types and the inputs and outputs', () => {
    const { model, external } = serializeModel(smallGraph());
    expect(external).toBeNull();
    const m = decode(model);
    expect(m.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(m.irVersion).toBe(8);
    expect(m.producerName).toBe('attune');
    expect(m.graph.name).toBe('small');
    expect(m.graph.node.map((n) => n.opType)).toEqual(['MatMul', 'Transpose', 'Softmax', 'LeakyRelu', 'Identity']);
    expect(m.graph.input.map((i) => i.name)).toEqual(['x']);
    expect(m.graph.output.map((o) => o.name)).toEqual(['y']);
  });

  it('encodes integers as INT, integer lists as INTS and floatAttr values as FLOAT', () => {
    const m = decode(serializeModel(smallGraph()).model);
    const attr = (op: string) => m.graph.node.find((n) => n.opType === op)!.attribute[0];
    expect(attr('Transpose')).toMatchObject({ name: 'perm', type: AttrType.INTS, ints: [1, 0] });
    expect(attr('Softmax')).toMatchObject({ name: 'axis', type: AttrType.INT, i: 1 });
    expect(attr('LeakyRelu')).toMatchObject({ name: 'alpha', type: AttrType.FLOAT, f: 0.25 });
  });

  it('embeds initializer bytes as raw data by default', () => {
    const m = decode(serializeModel(smallGraph()).model);
    const w = m.graph.initializer[0];
    expect(w.name).toBe('w');
    expect(w.dims).toEqual([4, 2]);
    expect(w.dataType).toBe(ElemType.FLOAT);
    expect(w.dataLocation).toBe(onnx.TensorProto.DataLocation.DEFAULT);
    const raw = new Uint8Array(w.rawData);
    expect(Array.from(new Float32Array(raw.buffer, raw.byteOffset, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('records an opset above 17 and rejects one below it', () => {
    expect(decode(serializeModel(smallGraph(), { opset: 18 }).model).opsetImport[0].version).toBe(18);
    expect(() => serializeModel(smallGraph(), { opset: 13 })).toThrow('opset must be at least 17, got 13');
  });

  it('rejects a fractional number attribute that is not wrapped with floatAttr', () => {
    const g = new GraphBuilder('frac');
    const x = g.input('x', ElemType.FLOAT, [1]);
    g.output(g.node('LeakyRelu', [x], { alpha: 0.5 })[0], 'y', ElemType.FLOAT, [1]);
    expect(() => serializeModel(g)).toThrow(/attribute alpha: 0.5 is not an integer/);
  });

  it('moves initializers of at least minBytes to 64-byte-aligned external chunks', () => {
    const g = new GraphBuilder('ext');
    // 20, 8 (stays inline), 36 and 16 bytes.
    g.initializer('a', ElemType.FLOAT, [5], Float32Array.from([1, 2, 3, 4, 5]));
    g.initializer('small', ElemType.FLOAT, [2], Float32Array.from([9, 9]));
    g.initializer('b', ElemType.FLOAT, [9], Float32Array.from({ length: 9 }, (_, i) => 10 + i));
    g.initializer('c', ElemType.INT64, [2], BigInt64Array.from([7n, 8n]));
    const { model, external } = serializeModel(g, { externalData: { location: 'w.bin', minBytes: 16 } });

    expect(external).not.toBeNull();
    expect(external!.location).toBe('w.bin');
    expect(external!.chunks.map((c) => [c.offset, c.bytes.byteLength])).toEqual([
      [0, 20],
      [64, 36],
      [128, 16],
    ]);
    for (const chunk of external!.chunks) expect(chunk.offset % 64).toBe(0);
    expect(external!.totalBytes).toBe(144);

    const inits = decode(model).graph.initializer;
    const byName = Object.fromEntries(inits.map((i) => [i.name, i]));
    expect(byName.small.dataLocation).toBe(onnx.TensorProto.DataLocation.DEFAULT);
    expect(byName.small.externalData).toEqual([]);
    expect(byName.small.rawData.byteLength).toBe(8);
    const expected: Record<string, [number, number]> = { a: [0, 20], b: [64, 36], c: [128, 16] };
    for (const [name, [offset, length]] of Object.entries(expected)) {
      expect(byName[name].dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
      expect(byName[name].rawData.byteLength).toBe(0);
      expect(byName[name].externalData).toEqual([
        { key: 'location', value: 'w.bin' },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ]);
    }
    // Each chunk holds exactly its tensor's bytes.
    const b = external!.chunks[1].bytes;
    expect(Array.from(new Float32Array(b.buffer, b.byteOffset, 9))).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
  });

  it('stores metadata properties as key/value pairs', () => {
    const message = onnx.ModelProto.decode(serializeModel(smallGraph(), { metadata: { base: 'sha256:ab' }, producer: 'test' }).model);
    expect(message.producerName).toBe('test');
    expect(message.metadataProps.map((p) => [p.key, p.value])).toEqual([['base', 'sha256:ab']]);
  });
});
