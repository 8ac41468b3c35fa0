/**
 * @module shared/onnx/autodiff/shapes
 * Build-time shape facts about a graph's values, for the backward pass.
 *
 * Each value gets a static shape whose dims are a number, a symbolic name (the graph inputs'
 * `batch_size`, equal wherever the same name appears) or `null` (unknown). Ranks are almost
 * always known; they are what some rules need (MatMul's "swap the last two axes", a Gather
 * along a non-leading axis). Known dims let broadcast reductions use constant axes instead of
 * computing them at run time. The inference is conservative: whatever it cannot be sure of is
 * `null`, or the whole shape is `undefined` (an op it does not model), and callers fall back
 * to runtime `Shape` nodes.
 */
import { ElemType, type GraphBuilder, type GraphNode, type Initializer } from '../graph';

/** A dimension known at build time: a size, a symbolic name, or `null` when unknown. */
export type SymDim = number | string | null;
/** A shape known at build time (its length is the rank). */
export type StaticShape = readonly SymDim[];

/** Broadcasts two dims (numpy rules); a symbol against a size other than 1 gives that size. */
export function broadcastDim(a: SymDim, b: SymDim): SymDim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a !== null && a === b) return a;
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return null;
}

/** Broadcasts shapes right-aligned (numpy rules); `undefined` when any rank is unknown. */
export function broadcastShapes(shapes: Array<StaticShape | undefined>): StaticShape | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(0, ...shapes.map((s) => s!.length));
  const out: SymDim[] = Array(rank).fill(1);
  for (const s of shapes as StaticShape[]) {
    const lead = rank - s.length;
    s.forEach((d, i) => (out[lead + i] = broadcastDim(out[lead + i], d)));
  }
  return out;
}

const SAME_SHAPE = new Set([
  'Neg', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Tanh', 'Sigmoid', 'Cos', 'Sin', 'Identity', 'Cast', 'CastLike', 'Softmax',
  'LogSoftmax', 'Relu', 'Abs', 'Erf', 'Sign', 'Floor', 'Ceil', 'Round', 'Not', 'IsNaN', 'IsInf', 'LeakyRelu', 'Softplus',
]);
const BROADCAST = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor',
  'Where', 'Max', 'Min', 'Sum', 'Mod',
]);

/** Static shapes (and small constant int vectors) of every value of a graph, inferred once. */
export class StaticShapes {
  private readonly shapes = new Map<string, StaticShape>();
  /** Known contents of 1-D int tensors (shape vectors), possibly symbolic. */
  private readonly vectors = new Map<string, SymDim[]>();
  private readonly inits = new Map<string, Initializer>();

  constructor(g: GraphBuilder) {
    for (const init of g.initializers) {
      this.inits.set(init.name, init);
      this.shapes.set(init.name, init.dims);
      const ints = this.ints(init.name);
      if (ints && init.dims.length <= 1) this.vectors.set(init.name, ints);
    }
    for (const input of g.inputs) this.shapes.set(input.name, input.shape);
    for (const node of g.nodes) {
      try {
        this.infer(node);
      } catch {
        // An op this pass misreads only loses static facts; the backward graph falls back to runtime shapes.
      }
    }
  }

  /** The static shape of a value, or `undefined` when even its rank is unknown. */
  shape(name: string): StaticShape | undefined {
    return this.shapes.get(name);
  }

  /** The rank of a value, when known. */
  rank(name: string): number | undefined {
    return this.shapes.get(name)?.length;
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

  /** The contents of a float initializer as numbers; `undefined` for anything else. */
  floats(name: string): number[] | undefined {
    const init = this.inits.get(name);
    if (!init || (init.elemType !== ElemType.FLOAT && init.elemType !== ElemType.DOUBLE)) return undefined;
    return Array.from(init.data as ArrayLike<number>);
  }

  /** True when every dim of the shape is a number. */
  static isNumeric(shape: StaticShape | undefined): shape is readonly number[] {
    return shape !== undefined && shape.every((d) => typeof d === 'number');
  }

  private set(name: string | undefined, shape: StaticShape | undefined): void {
    if (name && shape) this.shapes.set(name, shape);
  }

  private infer(node: GraphNode): void {
    const ins = node.inputs.map((n) => (n ? this.shapes.get(n) : undefined));
    const out = node.outputs[0];
    const a = node.attributes;
    const int = (key: string, def: number) => (typeof a[key] === 'number' ? (a[key] as number) : def);
    const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
    const x = ins[0];
    const op = node.opType;
    if (SAME_SHAPE.has(op)) return this.set(out, x);
    if (BROADCAST.has(op)) return this.set(out, broadcastShapes(ins));
    switch (op) {
      case 'MatMul': return this.set(out, matMulShape(ins[0], ins[1]));
      case 'Gemm': {
        if (!x || !ins[1]) return;
        const m = int('transA', 0) ? x[1] : x[0];
        const n = int('transB', 0) ? ins[1][0] : ins[1][1];
        return this.set(out, [m, n]);
      }
      case 'ReduceSum': case 'ReduceMean': case 'ReduceMax': case 'ReduceMin': case 'ReduceProd': case 'ArgMax': case 'ArgMin': {
        if (!x) return;
        const axesList = op.startsWith('Arg') ? [int('axis', 0)] : Array.isArray(a.axes) ? a.axes : node.inputs[1] ? this.ints(node.inputs[1]) : [];
        if (!axesList) return;
        const keep = int('keepdims', 1) === 1;
        if (axesList.length === 0 && int('noop_with_empty_axes', 0) === 1) return this.set(out, x);
        const axes = new Set((axesList.length ? axesList : x.map((_, i) => i)).map((ax) => norm(ax, x.length)));
        return this.set(out, keep ? x.map((d, i) => (axes.has(i) ? 1 : d)) : x.filter((_, i) => !axes.has(i)));
      }
      case 'Transpose': {
        if (!x) return;
        const perm = Array.isArray(a.perm) ? a.perm : x.map((_, i) => x.length - 1 - i);
        return this.set(out, perm.map((p) => x[p]));
      }
      case 'Reshape': return this.set(out, reshapeShape(x, this.vectors.get(node.inputs[1]), this.shapes.get(node.inputs[1])));
      case 'Flatten': {
        if (!x) return;
        const axis = norm(int('axis', 1), x.length);
        return this.set(out, [product(x.slice(0, axis)), product(x.slice(axis))]);
      }
      case 'Unsqueeze': {
        const axes = this.ints(node.inputs[1]);
        if (!x || !axes) return;
        const rank = x.length + axes.length;
        const at = new Set(axes.map((ax) => norm(ax, rank)));
        const dims = [...x];
        const shape: SymDim[] = [];
        for (let i = 0; i < rank; i++) shape.push(at.has(i) ? 1 : dims.shift()!);
        this.set(out, shape);
        const v = this.vectors.get(node.inputs[0]);
        if (v && x.length === 0) this.vectors.set(out, v);
        return;
      }
      case 'Squeeze': {
        if (!x) return;
        const axes = node.inputs[1] ? this.ints(node.inputs[1]) : x.flatMap((d, i) => (d === 1 ? [i] : []));
        if (!axes) return;
        const at = new Set(axes.map((ax) => norm(ax, x.length)));
        this.set(out, x.filter((_, i) => !at.has(i)));
        const v = this.vectors.get(node.inputs[0]);
        if (v && x.length === 1) this.vectors.set(out, v);
        return;
      }
      case 'Concat': {
        if (ins.some((s) => !s)) return;
        const shapes = ins as StaticShape[];
        const axis = norm(int('axis', 0), shapes[0].length);
        const total = shapes.reduce<SymDim>((sum, s) => (typeof sum === 'number' && typeof s[axis] === 'number' ? sum + (s[axis] as number) : null), 0);
        this.set(out, shapes[0].map((d, i) => (i === axis ? total : d)));
        const parts = node.inputs.map((n) => this.vectors.get(n));
        if (shapes[0].length === 1 && parts.every((p) => p)) this.vectors.set(out, parts.flatMap((p) => p!));
        return;
      }
      case 'Split': {
        if (!x) return;
        const axis = norm(int('axis', 0), x.length);
        const sizes = node.inputs[1] ? this.ints(node.inputs[1]) : undefined;
        node.outputs.forEach((o, k) => this.set(o, x.map((d, i) => (i === axis ? (sizes ? sizes[k] : null) : d))));
        return;
      }
      case 'Slice': return this.set(out, sliceShape(x, node.inputs.slice(1).map((n) => (n ? (this.ints(n) ?? null) : undefined))));
      case 'Gather': {
        const idx = ins[1];
        if (!x || !idx) return;
        const axis = norm(int('axis', 0), x.length);
        this.set(out, [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]);
        const v = this.vectors.get(node.inputs[0]);
        const at = this.ints(node.inputs[1]);
        if (v && at && x.length === 1) this.vectors.set(out, at.map((i) => v[i < 0 ? i + v.length : i]));
        return;
      }
      case 'GatherElements': return this.set(out, ins[1]);
      case 'ScatterND': case 'ScatterElements': return this.set(out, x);
      case 'Expand': {
        const target = this.vectors.get(node.inputs[1]);
        const len = ins[1]?.[0];
        if (target) return this.set(out, broadcastShapes([x, target]));
        if (x && typeof len === 'number') return this.set(out, Array(Math.max(x.length, len)).fill(null));
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
      case 'Range': case 'Compress': case 'NonZero': return this.set(out, op === 'NonZero' && x ? [x.length, null] : [null]);
      case 'ConstantOfShape': {
        const v = this.vectors.get(node.inputs[0]);
        const len = ins[0]?.[0];
        return this.set(out, v ?? (typeof len === 'number' ? Array(len).fill(null) : undefined));
      }
    }
  }
}

function product(dims: StaticShape): SymDim {
  return dims.reduce<SymDim>((p, d) => (typeof p === 'number' && typeof d === 'number' ? p * d : null), 1);
}

function matMulShape(a: StaticShape | undefined, b: StaticShape | undefined): StaticShape | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)])!;
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (b.length === 1) out.pop();
  if (a.length === 1) out.splice(out.length - (b.length === 1 ? 1 : 2), 1);
  return out;
}

function reshapeShape(x: StaticShape | undefined, target: SymDim[] | undefined, targetShape: StaticShape | undefined): StaticShape | undefined {
  if (!target) {
    const len = targetShape?.[0];
    return typeof len === 'number' ? Array(len).fill(null) : undefined;
  }
  const dims = target.map((d, i) => (d === 0 ? (x ? x[i] ?? null : null) : d));
  const inferred = dims.indexOf(-1);
  if (inferred >= 0) {
    const total = x ? product(x) : null;
    const rest = product(dims.filter((_, i) => i !== inferred));
    dims[inferred] = typeof total === 'number' && typeof rest === 'number' && rest > 0 ? total / rest : null;
  }
  return dims;
}

/** Length of `x[start:end:step]` along a dim of size `dim` (ONNX Slice clamping rules). */
export function sliceLength(dim: number, start: number, end: number, step: number): number {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const s0 = start < 0 ? start + dim : start;
  const e0 = end < 0 ? end + dim : end;
  if (step > 0) return Math.max(0, Math.ceil((clamp(e0, 0, dim) - clamp(s0, 0, dim)) / step));
  return Math.max(0, Math.ceil((clamp(s0, 0, dim - 1) - clamp(e0, -1, dim - 1)) / -step));
}

/** `bounds`: starts, ends, axes, steps; `null` for an input computed at run time, `undefined` when absent. */
function sliceShape(x: StaticShape | undefined, bounds: Array<number[] | null | undefined>): StaticShape | undefined {
  if (!x) return undefined;
  const [starts, ends, axesIn, steps] = bounds;
  if (!starts || !ends || axesIn === null || steps === null) return x.map(() => null);
  const axes = axesIn ?? starts.map((_, i) => i);
  const out = [...x];
  axes.forEach((ax, k) => {
    const i = ax < 0 ? ax + x.length : ax;
    const d = x[i];
    out[i] = typeof d === 'number' ? sliceLength(d, starts[k], ends[k], steps?.[k] ?? 1) : null;
  });
  return out;
}
