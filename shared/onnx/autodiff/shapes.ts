/**
 * @module shared/onnx/autodiff/shapes
 * Build-time facts about a graph's values for the backward pass: static shapes, element
 * types, and the contents of small int vectors (shape arithmetic).
 *
 * Dims are numbers, the graph inputs' symbols (`batch_size`) or names derived by `dims.ts`
 * (fresh, products, sums), so equal names mean equal sizes. Ranks are what some rules need
 * (MatMul's "swap the last two axes", a Gather along a non-leading axis); dims let broadcast
 * reductions use constant axes instead of computing them at run time. Shape vectors built
 * from `Shape`, Concat, Add/Sub/Mul and Range are followed, so the decoder's mask keeps
 * `sequence_length` and `total_sequence_length`. Whatever is not modelled gets a fresh name,
 * or no shape at all (an unknown op), and callers fall back to runtime `Shape` nodes.
 */
import { ElemType, type GraphBuilder, type GraphNode, type Initializer } from '../graph';
import { DimAlgebra, type SymDim } from './dims';

export type { SymDim } from './dims';
/** A shape known at build time (its length is the rank). */
export type StaticShape = readonly SymDim[];

const SAME_SHAPE = new Set([
  'Neg', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Tanh', 'Sigmoid', 'Cos', 'Sin', 'Identity', 'Cast', 'CastLike', 'Softmax',
  'LogSoftmax', 'Relu', 'Abs', 'Erf', 'Sign', 'Floor', 'Ceil', 'Round', 'Not', 'IsNaN', 'IsInf', 'LeakyRelu', 'Softplus',
]);
const BROADCAST = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor',
  'Where', 'Max', 'Min', 'Sum', 'Mod',
]);
const BOOLEAN = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf']);
const REDUCE = new Set(['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ArgMax', 'ArgMin']);

/** Length of `x[start:end:step]` along a dim of size `dim` (ONNX Slice clamping rules). */
export function sliceLength(dim: number, start: number, end: number, step: number): number {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const s0 = start < 0 ? start + dim : start;
  const e0 = end < 0 ? end + dim : end;
  if (step > 0) return Math.max(0, Math.ceil((clamp(e0, 0, dim) - clamp(s0, 0, dim)) / step));
  return Math.max(0, Math.ceil((clamp(s0, 0, dim - 1) - clamp(e0, -1, dim - 1)) / -step));
}

/** Static shapes, element types and shape-vector contents of every value of a graph, inferred once. */
export class StaticShapes {
  private readonly shapes = new Map<string, StaticShape>();
  /** Known contents of int scalars and 1-D int tensors (shape vectors), possibly symbolic. */
  private readonly vectors = new Map<string, SymDim[]>();
  private readonly inits = new Map<string, Initializer>();
  private readonly types = new Map<string, ElemType>();
  private readonly dims = new DimAlgebra();

  constructor(g: GraphBuilder) {
    for (const init of g.initializers) {
      this.inits.set(init.name, init);
      this.types.set(init.name, init.elemType);
      this.shapes.set(init.name, init.dims);
      const ints = this.ints(init.name);
      if (ints && init.dims.length <= 1) this.vectors.set(init.name, ints);
    }
    for (const input of g.inputs) {
      this.shapes.set(input.name, input.shape);
      this.types.set(input.name, input.elemType);
    }
    for (const node of g.nodes) {
      const type = this.inferType(node);
      if (type !== undefined) node.outputs.forEach((o) => this.types.set(o, type));
      try {
        this.infer(node);
      } catch {
        // An op this pass misreads only loses static facts; the backward graph falls back to runtime shapes.
      }
    }
  }

  /** True when every dim of the shape is a number. */
  static isNumeric(shape: StaticShape | undefined): shape is readonly number[] {
    return shape !== undefined && shape.every((d) => typeof d === 'number');
  }

  /** The static shape of a value (dims proven equal share one name), or `undefined` when even its rank is unknown. */
  shape(name: string): StaticShape | undefined {
    return this.shapes.get(name)?.map((d) => this.dims.find(d));
  }

  /** The rank of a value, when known. */
  rank(name: string): number | undefined {
    return this.shapes.get(name)?.length;
  }

  /** The element type of a value, when known. */
  elemType(name: string): ElemType | undefined {
    return this.types.get(name);
  }

  /** The initializer named `name`, if any. */
  initializer(name: string): Initializer | undefined {
    return this.inits.get(name);
  }

  /** The contents of an int64/int32 initializer as numbers; `undefined` for anything else. */
  ints(name: string): number[] | undefined {
    const init = this.inits.get(name);
    if (!init || (init.elemType !== ElemType.INT64 && init.elemType !== ElemType.INT32)) return undefined;
    return Array.from(init.data as ArrayLike<number | bigint>, (v) => Number(v));
  }

  private inferType(node: GraphNode): ElemType | undefined {
    const of = (i: number) => this.types.get(node.inputs[i]);
    if (BOOLEAN.has(node.opType)) return ElemType.BOOL;
    switch (node.opType) {
      case 'Cast': return node.attributes.to as ElemType;
      case 'CastLike': case 'Where': return of(1);
      case 'Shape': case 'Size': case 'ArgMax': case 'ArgMin': case 'NonZero': return ElemType.INT64;
      case 'ConstantOfShape': {
        const value = node.attributes.value;
        return value && typeof value === 'object' && 'tensor' in value ? value.tensor.elemType : ElemType.FLOAT;
      }
      default: return of(0);
    }
  }

  private set(name: string | undefined, shape: StaticShape | undefined): void {
    if (name && shape) this.shapes.set(name, shape);
  }

  private broadcast(shapes: Array<StaticShape | undefined>): StaticShape | undefined {
    if (shapes.some((s) => s === undefined)) return undefined;
    const rank = Math.max(0, ...shapes.map((s) => s!.length));
    const out: SymDim[] = Array(rank).fill(1);
    for (const s of shapes as StaticShape[]) s.forEach((d, i) => (out[rank - s.length + i] = this.dims.broadcast(out[rank - s.length + i], d)));
    return out;
  }

  private freshDims(count: number): SymDim[] {
    return Array.from({ length: count }, () => this.dims.fresh());
  }

  private infer(node: GraphNode): void {
    const ins = node.inputs.map((n) => (n ? this.shape(n) : undefined));
    const values = node.inputs.map((n) => (n ? this.vectors.get(n)?.map((d) => this.dims.find(d)) : undefined));
    const out = node.outputs[0];
    const a = node.attributes;
    const int = (key: string, def: number) => (typeof a[key] === 'number' ? (a[key] as number) : def);
    const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
    const x = ins[0];
    const op = node.opType;
    if (SAME_SHAPE.has(op)) {
      if (op === 'Identity' || (op === 'Cast' && values[0])) this.vectors.set(out, values[0]!);
      return this.set(out, x);
    }
    if (BROADCAST.has(op)) {
      this.set(out, this.broadcast(ins));
      const [u, v] = values;
      if ((op === 'Add' || op === 'Sub' || op === 'Mul') && u && v && (u.length === v.length || u.length === 1 || v.length === 1)) {
        const at = (w: SymDim[], i: number) => w[w.length === 1 ? 0 : i];
        const combine = (p: SymDim, q: SymDim) => (op === 'Mul' ? this.dims.product([p, q]) : this.dims.sum(p, q, op === 'Sub' ? -1 : 1));
        this.vectors.set(out, Array.from({ length: Math.max(u.length, v.length) }, (_, i) => combine(at(u, i), at(v, i))));
      }
      return;
    }
    switch (op) {
      case 'MatMul': {
        const [p, q] = ins;
        if (!p || !q || p.length === 0 || q.length === 0) return;
        const p2 = p.length === 1 ? [1, p[0]] : p;
        const q2 = q.length === 1 ? [q[0], 1] : q;
        this.dims.unify(p2[p2.length - 1], q2[q2.length - 2]); // the contracted dims match exactly
        const shape = [...this.broadcast([p2.slice(0, -2), q2.slice(0, -2)])!, p2[p2.length - 2], q2[q2.length - 1]];
        if (q.length === 1) shape.pop();
        if (p.length === 1) shape.splice(shape.length - (q.length === 1 ? 1 : 2), 1);
        return this.set(out, shape);
      }
      case 'Gemm': {
        const w = ins[1];
        if (!x || !w) return;
        this.dims.unify(int('transA', 0) ? x[0] : x[1], int('transB', 0) ? w[1] : w[0]);
        return this.set(out, [int('transA', 0) ? x[1] : x[0], int('transB', 0) ? w[0] : w[1]]);
      }
      case 'Transpose': {
        if (!x) return;
        const perm = Array.isArray(a.perm) ? a.perm : x.map((_, i) => x.length - 1 - i);
        return this.set(out, perm.map((p) => x[p]));
      }
      case 'Reshape': return this.set(out, this.reshape(x, values[1], ins[1], int('allowzero', 0) === 1));
      case 'Flatten': {
        if (!x) return;
        const axis = norm(int('axis', 1), x.length);
        return this.set(out, [this.dims.product(x.slice(0, axis)) ?? this.dims.fresh(), this.dims.product(x.slice(axis)) ?? this.dims.fresh()]);
      }
      case 'Unsqueeze': {
        const axes = this.ints(node.inputs[1]);
        if (!x || !axes) return;
        const rank = x.length + axes.length;
        const at = new Set(axes.map((ax) => norm(ax, rank)));
        const rest = [...x];
        this.set(out, Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : rest.shift()!)));
        if (values[0]) this.vectors.set(out, values[0]);
        return;
      }
      case 'Squeeze': {
        // Without axes every size-1 dim goes, which only known sizes can tell.
        if (!x || (!node.inputs[1] && !StaticShapes.isNumeric(x))) return;
        const axes = node.inputs[1] ? this.ints(node.inputs[1]) : x.flatMap((d, i) => (d === 1 ? [i] : []));
        if (!axes) return;
        const at = new Set(axes.map((ax) => norm(ax, x.length)));
        this.set(out, x.filter((_, i) => !at.has(i)));
        if (values[0]) this.vectors.set(out, values[0]);
        return;
      }
      case 'Concat': {
        if (ins.some((s) => !s)) return;
        const shapes = ins as StaticShape[];
        const axis = norm(int('axis', 0), shapes[0].length);
        for (const other of shapes.slice(1)) other.forEach((d, i) => i !== axis && this.dims.unify(shapes[0][i], d));
        const total = shapes.reduce<SymDim>((sum, s) => this.dims.sum(sum, s[axis]), 0) ?? this.dims.fresh();
        this.set(out, shapes[0].map((d, i) => (i === axis ? total : d)));
        if (shapes[0].length === 1 && values.every((v) => v)) this.vectors.set(out, values.flatMap((v) => v!));
        return;
      }
      case 'Split': {
        if (!x) return;
        const axis = norm(int('axis', 0), x.length);
        const sizes = node.inputs[1] ? this.ints(node.inputs[1]) : undefined;
        node.outputs.forEach((o, k) => this.set(o, x.map((d, i) => (i === axis ? (sizes ? sizes[k] : this.dims.fresh()) : d))));
        return;
      }
      case 'Slice': return this.set(out, this.slice(x, node.inputs.slice(1).map((n) => (n ? (this.ints(n) ?? null) : undefined))));
      case 'Gather': {
        const idx = ins[1];
        if (!x || !idx) return;
        const axis = norm(int('axis', 0), x.length);
        this.set(out, [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]);
        const at = this.ints(node.inputs[1]);
        if (values[0] && at && x.length === 1) this.vectors.set(out, at.map((i) => values[0]![i < 0 ? i + values[0]!.length : i]));
        return;
      }
      case 'GatherElements': return this.set(out, ins[1]);
      case 'ScatterND': case 'ScatterElements': return this.set(out, x);
      case 'Expand': {
        const length = ins[1]?.[0];
        if (values[1]) return this.set(out, this.broadcast([x, values[1]]));
        if (x && typeof length === 'number') return this.set(out, this.freshDims(Math.max(x.length, length)));
        return;
      }
      case 'Shape': {
        if (!x) return;
        const start = norm(int('start', 0), x.length);
        const end = Math.min(x.length, norm(int('end', x.length), x.length));
        const dims = x.slice(Math.max(0, start), Math.max(start, end));
        this.set(out, [dims.length]);
        this.vectors.set(out, [...dims]);
        return;
      }
      case 'Size': return this.set(out, []);
      case 'Range': {
        const [start, limit, delta] = values;
        const length = start && limit && delta?.[0] === 1 ? this.dims.rangeLength(start[0], limit[0]) : this.dims.fresh();
        return this.set(out, [length]);
      }
      case 'Compress': return this.set(out, [this.dims.fresh()]);
      case 'NonZero': return x ? this.set(out, [x.length, this.dims.fresh()]) : undefined;
      case 'ConstantOfShape': {
        const length = ins[0]?.[0];
        return this.set(out, values[0] ?? (typeof length === 'number' ? this.freshDims(length) : undefined));
      }
    }
    if (REDUCE.has(op)) this.reduce(node, x);
  }

  private reduce(node: GraphNode, x: StaticShape | undefined): void {
    if (!x) return;
    const a = node.attributes;
    const axesList = node.opType.startsWith('Arg')
      ? [typeof a.axis === 'number' ? a.axis : 0]
      : Array.isArray(a.axes) ? a.axes : node.inputs[1] ? this.ints(node.inputs[1]) : [];
    if (!axesList) return;
    const out = node.outputs[0];
    if (axesList.length === 0 && a.noop_with_empty_axes === 1) return this.set(out, x);
    const axes = new Set((axesList.length ? axesList : x.map((_, i) => i)).map((ax) => (ax < 0 ? ax + x.length : ax)));
    const keep = a.keepdims !== 0;
    this.set(out, keep ? x.map((d, i) => (axes.has(i) ? 1 : d)) : x.filter((_, i) => !axes.has(i)));
  }

  private reshape(x: StaticShape | undefined, target: SymDim[] | undefined, targetShape: StaticShape | undefined, allowZero: boolean): StaticShape | undefined {
    if (!target) {
      const length = targetShape?.[0];
      return typeof length === 'number' ? this.freshDims(length) : undefined;
    }
    const dims = target.map((d, i) => (d === 0 && !allowZero ? (x?.[i] ?? this.dims.fresh()) : d));
    const inferred = dims.indexOf(-1);
    if (inferred >= 0) {
      const total = x ? this.dims.product(x) : null;
      dims[inferred] = this.dims.quotient(total, this.dims.product(dims.filter((_, i) => i !== inferred))) ?? this.dims.fresh();
    }
    return dims.map((d) => d ?? this.dims.fresh());
  }

  /** `bounds`: starts, ends, axes, steps; `null` for an input computed at run time, `undefined` when absent. */
  private slice(x: StaticShape | undefined, bounds: Array<number[] | null | undefined>): StaticShape | undefined {
    if (!x) return undefined;
    const [starts, ends, axesIn, steps] = bounds;
    if (axesIn === null || (!axesIn && !starts)) return this.freshDims(x.length);
    const axes = (axesIn ?? starts!.map((_, i) => i)).map((ax) => (ax < 0 ? ax + x.length : ax));
    const out = [...x];
    axes.forEach((i, k) => {
      const d = x[i];
      const known = starts && ends && steps !== null && typeof d === 'number';
      out[i] = known ? sliceLength(d, starts[k], ends[k], steps?.[k] ?? 1) : this.dims.fresh();
    });
    return out;
  }
}
