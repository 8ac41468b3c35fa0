/**
 * @module shared/onnx/graph
 * An in-memory ONNX graph: typed values, nodes, initializers, inputs and outputs.
 *
 * The builder keeps a plain intermediate representation (no protobuf objects) so that
 * other passes — the serializer, and the reverse-mode autodiff that walks nodes by op
 * type — can read it directly. Op helpers live in `ops.ts`; `serialize.ts` turns a
 * finished graph into an ONNX `ModelProto`.
 */

/** ONNX element types used by Attune (values from onnx.TensorProto.DataType). */
export enum ElemType {
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  INT32 = 6,
  INT64 = 7,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
}

/** A dimension: a fixed size, or a symbolic name such as `batch_size`. */
export type Dim = number | string;

/** Typed array that can back an initializer. */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array;

/** A named value flowing along graph edges. */
export interface Value {
  readonly name: string;
}

/** Attribute values an ONNX node may carry. */
export type AttrValue = number | string | number[] | { floats: number[] } | { tensor: Initializer };

/** One node of the graph. `attributes` holds ints as integers and floats as `{f}`-free numbers; see `floatAttr`. */
export interface GraphNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attributes: Record<string, AttrValue | FloatAttr>;
  readonly domain?: string;
}

/** Marks a scalar attribute as FLOAT (plain numbers are encoded as INT). */
export interface FloatAttr {
  readonly float: number;
}

/** Wraps a number so that the serializer writes a FLOAT attribute. */
export function floatAttr(value: number): FloatAttr {
  return { float: value };
}

/** A constant tensor stored with the model. */
export interface Initializer {
  readonly name: string;
  readonly elemType: ElemType;
  readonly dims: number[];
  readonly data: TensorData;
}

/** A graph input or output with its type. */
export interface ValueInfo {
  readonly name: string;
  readonly elemType: ElemType;
  readonly shape: Dim[];
}

/**
 * Builds one ONNX graph. Names are unique: `fresh(prefix)` numbers repeats.
 *
 * @example
 * const g = new GraphBuilder('tiny');
 * const x = g.input('x', ElemType.FLOAT, ['n', 4]);
 * const w = g.initializer('w', ElemType.FLOAT, [4, 2], new Float32Array(8));
 * g.output(matMul(g, x, w), 'y', ElemType.FLOAT, ['n', 2]);
 */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly scopes: string[] = [];

  constructor(readonly name: string) {}

  /** Runs `body` with names prefixed by `scope/` (e.g. `layers.0/attn`), for readable graphs. */
  scoped<T>(scope: string, body: () => T): T {
    this.scopes.push(scope);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  /** Returns a name not used before (and not returned before), built from the current scope and `prefix`. */
  fresh(prefix: string): string {
    const base = this.scopes.length ? `/${this.scopes.join('/')}/${prefix}` : `/${prefix}`;
    let n = this.counters.get(base) ?? 0;
    let candidate = n === 0 ? base : `${base}_${n}`;
    while (this.used.has(candidate)) candidate = `${base}_${++n}`;
    this.counters.set(base, n + 1);
    return candidate;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`graph ${this.name}: name "${name}" is already used`);
    this.used.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, elemType: ElemType, shape: Dim[]): Value {
    this.inputs.push({ name: this.claim(name), elemType, shape });
    return { name };
  }

  /** Marks `value` as a graph output named `name` (an Identity node renames it when needed). */
  output(value: Value, name: string, elemType: ElemType, shape: Dim[]): void {
    if (value.name !== name) this.node('Identity', [value], {}, 1, name);
    this.outputs.push({ name, elemType, shape });
  }

  /** Adds a named constant tensor. `dims` must match the data length. */
  initializer(name: string, elemType: ElemType, dims: number[], data: TensorData): Value {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw new Error(`initializer ${name}: dims [${dims}] hold ${count} elements, data has ${data.length}`);
    }
    this.initializers.push({ name: this.claim(name), elemType, dims, data });
    return { name };
  }

  /**
   * Turns initializer `name` into a graph input of the same type and shape, so that a training loop
   * can feed updated values on every run. Returns the initializer's data (the starting value).
   * @throws Error when no initializer has that name
   */
  promoteToInput(name: string): Initializer {
    const at = this.initializers.findIndex((init) => init.name === name);
    if (at < 0) throw new Error(`graph ${this.name}: no initializer named "${name}"`);
    const [init] = this.initializers.splice(at, 1);
    this.inputs.push({ name, elemType: init.elemType, shape: [...init.dims] });
    return init;
  }

  /**
   * Appends a node. With `outputName` the single output gets that exact name.
   * Returns the output values in order.
   */
  node(
    opType: string,
    inputs: Array<Value | null>,
    attributes: Record<string, AttrValue | FloatAttr> = {},
    outputCount = 1,
    outputName?: string,
    domain?: string,
  ): Value[] {
    const nodeName = this.fresh(opType);
    const outputs: string[] = [];
    for (let i = 0; i < outputCount; i++) {
      if (outputName && outputCount === 1) {
        outputs.push(this.claim(outputName));
        continue;
      }
      let candidate = `${nodeName}_output_${i}`;
      for (let k = 1; this.used.has(candidate); k++) candidate = `${nodeName}_output_${i}_${k}`;
      this.used.add(candidate);
      outputs.push(candidate);
    }
    this.nodes.push({
      opType,
      name: nodeName,
      inputs: inputs.map((v) => (v ? v.name : '')),
      outputs,
      attributes,
      ...(domain ? { domain } : {}),
    });
    return outputs.map((name) => ({ name }));
  }

  /** Total bytes held by initializers. */
  initializerBytes(): number {
    return this.initializers.reduce((sum, init) => sum + init.data.byteLength, 0);
  }
}
