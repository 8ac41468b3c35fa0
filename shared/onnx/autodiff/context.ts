/**
 * @module shared/onnx/autodiff/context
 * What a vector-Jacobian rule sees: the forward node, the gradients of its outputs, which
 * inputs need a gradient, and helpers for shapes, attributes and broadcast reduction.
 */
import { ElemType, type GraphBuilder, type GraphNode, type Value } from '../graph';
import { cast, constFloat, shapeOf } from '../ops';
import { reduceToShape, type ReduceEnv } from './broadcast';
import { castLike } from './extra-ops';
import type { StaticShape, StaticShapes } from './shapes';

/**
 * A vector-Jacobian product rule for one op type. Given the gradients of the node's outputs,
 * it appends nodes that compute the gradient of each input flagged in `ctx.needs`, and returns
 * them aligned with the node's inputs (`null`/`undefined` where none is needed).
 */
export type VjpRule = (ctx: VjpContext) => Array<Value | null | undefined>;

/** Thrown when a gradient cannot be built; the message names the op and the node. */
export class GradientError extends Error {
  readonly code = 'GRADIENT';
  constructor(message: string) {
    super(message);
    this.name = 'GradientError';
  }
}

/** The state one rule works on. Shape nodes are shared across rules of one `grad` call. */
export class VjpContext implements ReduceEnv {
  /** Gradient of the node's first output (the only one for single-output ops). */
  readonly grad: Value;

  constructor(
    readonly g: GraphBuilder,
    readonly node: GraphNode,
    /** Gradient of each output, `null` where no gradient reaches that output. */
    readonly outputGrads: Array<Value | null>,
    /** Per input: does the caller need its gradient? */
    readonly needs: boolean[],
    readonly shapes: StaticShapes,
    private readonly shapeCache: Map<string, Value>,
  ) {
    const first = outputGrads.find((v) => v !== null);
    this.grad = outputGrads[0] ?? first!;
  }

  /** The node's i-th input as a value. */
  input(i: number): Value {
    return { name: this.node.inputs[i] };
  }

  /** True when the optional i-th input is present. */
  hasInput(i: number): boolean {
    return !!this.node.inputs[i];
  }

  /** The node's i-th output as a value. */
  output(i = 0): Value {
    return { name: this.node.outputs[i] };
  }

  /** The runtime shape of `value`, one `Shape` node per value per `grad` call. */
  shapeOf(value: Value): Value {
    let shape = this.shapeCache.get(value.name);
    if (!shape) this.shapeCache.set(value.name, (shape = shapeOf(this.g, value)));
    return shape;
  }

  /** The build-time shape of a forward value, when known. */
  staticShape(value: Value): StaticShape | undefined {
    return this.shapes.shape(value.name);
  }

  /**
   * A scalar constant of the element type of the forward value `like`: float32 when that type
   * is float32 or unknown, otherwise a CastLike of it (so double or float16 graphs work too).
   */
  constLike(value: number, like: Value): Value {
    const type = this.shapes.elemType(like.name);
    const c = constFloat(this.g, [value]);
    return type === undefined || type === ElemType.FLOAT ? c : castLike(this.g, c, like);
  }

  /** `value` cast to the element type of the forward value `like` (Cast when that type is known, else CastLike). */
  castAs(value: Value, like: Value): Value {
    const type = this.shapes.elemType(like.name);
    return type === undefined ? castLike(this.g, value, like) : cast(this.g, value, type);
  }

  /** The rank of a forward value; throws a {@link GradientError} naming the op when unknown. */
  rank(value: Value): number {
    const rank = this.shapes.rank(value.name);
    if (rank === undefined) this.fail(`needs the rank of "${value.name}", which is not known at build time`);
    return rank!;
  }

  /** Sums `grad` (shaped like this node's output unless `gradShape` says otherwise) to the i-th input's shape. */
  reduceToInput(grad: Value, i: number, gradShape: StaticShape | undefined = this.staticShape(this.output())): Value {
    return reduceToShape(this, grad, gradShape, this.input(i), this.staticShape(this.input(i)));
  }

  /** An integer attribute, or `def`. */
  int(name: string, def: number): number {
    const v = this.node.attributes[name];
    return typeof v === 'number' ? v : def;
  }

  /** A float attribute (written with `floatAttr` or as a plain number), or `def`. */
  float(name: string, def: number): number {
    const v = this.node.attributes[name];
    if (typeof v === 'number') return v;
    if (v && typeof v === 'object' && 'float' in v) return v.float;
    return def;
  }

  /** An integer-list attribute, or `undefined`. */
  ints(name: string): number[] | undefined {
    const v = this.node.attributes[name];
    return Array.isArray(v) ? v : undefined;
  }

  /** The contents of the i-th input when it is a constant int initializer. */
  constInts(i: number): number[] | undefined {
    return this.hasInput(i) ? this.shapes.ints(this.node.inputs[i]) : undefined;
  }

  /** Throws a {@link GradientError} that names this node's op and name. */
  fail(reason: string): never {
    throw new GradientError(`gradient of ${this.node.opType} (node ${this.node.name}): ${reason}`);
  }
}
