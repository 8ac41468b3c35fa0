/**
 * @module gpu-worker/training/fd-harness
 * Test support for finite-difference checks of the ONNX autodiff: runs a {@link GraphBuilder}
 * graph in onnxruntime-node (CPU, one thread, so runs are repeatable), and turns an
 * initializer into a graph input so a check can perturb it.
 */
import * as ort from 'onnxruntime-node';
import { ElemType, GraphBuilder, type AttrValue, type FloatAttr, type Initializer } from '../../../shared/onnx/graph';
import { serializeModel } from '../../../shared/onnx/serialize';

/** One input tensor for {@link GraphRunner.run}. */
export interface Feed {
  readonly type: 'float32' | 'float64' | 'int64' | 'bool';
  readonly data: Float32Array | Float64Array | BigInt64Array | Uint8Array;
  readonly dims: number[];
}

/** A float output read back from a run. */
export interface Output {
  readonly data: Float32Array | Float64Array;
  readonly dims: number[];
}

export const floatFeed = (data: Float32Array, dims: number[]): Feed => ({ type: 'float32', data, dims });
export const int64Feed = (values: number[], dims: number[]): Feed => ({ type: 'int64', data: BigInt64Array.from(values.map(BigInt)), dims });
export const boolFeed = (values: boolean[], dims: number[]): Feed => ({ type: 'bool', data: Uint8Array.from(values.map(Number)), dims });

/** An ONNX Runtime session over a serialized graph. */
export class GraphRunner {
  private constructor(private readonly session: ort.InferenceSession) {}

  /** Serializes `g` as it is now (later changes to `g` do not reach this session). */
  static async open(g: GraphBuilder): Promise<GraphRunner> {
    const session = await ort.InferenceSession.create(serializeModel(g).model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    return new GraphRunner(session);
  }

  /** Runs the graph and returns the requested float outputs (all outputs by default). */
  async run(feeds: Record<string, Feed>, fetches?: string[]): Promise<Record<string, Output>> {
    const tensors = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.type, f.data, f.dims)]));
    const results = fetches ? await this.session.run(tensors, fetches) : await this.session.run(tensors);
    return Object.fromEntries(
      Object.entries(results).map(([k, t]) => [k, { data: t.data as Float32Array | Float64Array, dims: [...t.dims] }]),
    );
  }

  /** Runs the graph and returns one scalar output as a number. */
  async scalar(feeds: Record<string, Feed>, name: string): Promise<number> {
    return (await this.run(feeds, [name]))[name].data[0];
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Moves the float initializer `name` to the graph inputs (same name and shape), so that a
 * finite-difference check can feed perturbed values; returns its current value as a feed.
 */
export function promoteInitializer(g: GraphBuilder, name: string): Feed {
  const index = g.initializers.findIndex((init) => init.name === name);
  if (index < 0) throw new Error(`graph ${g.name} has no initializer ${name}`);
  const [init] = g.initializers.splice(index, 1);
  if (init.elemType !== ElemType.FLOAT) throw new Error(`initializer ${name} is not float32`);
  g.inputs.push({ name, elemType: init.elemType, shape: init.dims });
  return floatFeed(Float32Array.from(init.data as Float32Array), init.dims);
}

function toDouble(init: Initializer): Initializer {
  if (init.elemType !== ElemType.FLOAT) return init;
  return { ...init, elemType: ElemType.DOUBLE, data: Float64Array.from(init.data as Float32Array) };
}

/**
 * A float64 copy of a float32 graph: float initializers, inputs and outputs become double,
 * Casts to float cast to double, and ConstantOfShape fills double. The ops are unchanged, so it
 * computes the same function with about 1e-16 instead of 1e-7 rounding: a finite-difference
 * reference whose own error is far below the float32 gradient it checks.
 */
export function float64Copy(g: GraphBuilder): GraphBuilder {
  const copy = new GraphBuilder(`${g.name}_f64`);
  copy.initializers.push(...g.initializers.map(toDouble));
  const retype = <T extends { elemType: ElemType }>(v: T): T => (v.elemType === ElemType.FLOAT ? { ...v, elemType: ElemType.DOUBLE } : v);
  copy.inputs.push(...g.inputs.map(retype));
  copy.outputs.push(...g.outputs.map(retype));
  for (const node of g.nodes) {
    const attributes: Record<string, AttrValue | FloatAttr> = { ...node.attributes };
    if (node.opType === 'Cast' && attributes.to === ElemType.FLOAT) attributes.to = ElemType.DOUBLE;
    if (node.opType === 'ConstantOfShape') {
      const value = attributes.value as { tensor: Initializer } | undefined;
      attributes.value = { tensor: value ? toDouble(value.tensor) : { name: 'value', elemType: ElemType.DOUBLE, dims: [1], data: new Float64Array(1) } };
    }
    copy.nodes.push({ ...node, attributes });
  }
  return copy;
}

/** The same feeds with float32 tensors widened to float64 (for a {@link float64Copy}). */
export function float64Feeds(feeds: Record<string, Feed>): Record<string, Feed> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, f]) => [k, f.type === 'float32' ? { type: 'float64', data: Float64Array.from(f.data as Float32Array), dims: f.dims } : f]),
  );
}
