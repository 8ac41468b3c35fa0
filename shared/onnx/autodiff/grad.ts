/**
 * @module shared/onnx/autodiff/grad
 * Reverse-mode automatic differentiation over a {@link GraphBuilder} graph.
 *
 * `grad` appends the backward graph to the forward graph, so one ONNX session computes the
 * loss and its gradients (the backward nodes read forward activations directly). It visits the
 * nodes that lie on a path from a parameter to the loss in reverse topological order, applies
 * each op's vector-Jacobian rule (`registry.ts`), and sums the contributions of a value used
 * more than once with Add nodes. Everything is standard ONNX (opset 17), so the result runs in
 * onnxruntime-node and onnxruntime-web alike. Gradients are float32, like the graphs Attune builds.
 */
import { ElemType, type Dim, type GraphBuilder, type GraphNode, type Value } from '../graph';
import { add, constFloat, shapeOf } from '../ops';
import { GradientError, VjpContext } from './context';
import { isDerived } from './dims';
import { constantOfShape } from './extra-ops';
import { isNonDifferentiable, vjpRule } from './registry';
import { StaticShapes } from './shapes';

/** Options for {@link grad}. */
export interface GradOptions {
  /** Upstream gradient dL/dloss, shaped like `loss`. @default ones (a scalar 1 for a scalar loss) */
  seed?: Value;
  /** Values treated as constants: no gradient flows through them (PyTorch's `detach`). @default [] */
  stopGradients?: Value[];
  /** Name scope of the backward nodes. @default 'grad' */
  scope?: string;
}

/**
 * Appends to `g` the nodes that compute dLoss/dParam for every parameter and returns, by
 * parameter name, the value holding that gradient (the parameter's shape). Parameters may be
 * graph inputs, initializers (the gradient is for the initializer's value) or any node output.
 * A parameter the loss does not depend on gets zeros. A non-scalar `loss` is seeded with ones,
 * i.e. the gradient of the sum of its elements.
 *
 * @throws GradientError naming the op and node when an op on a parameter-to-loss path has no rule.
 * @example
 * const loss = reduceSum(g, mul(g, matMul(g, x, w), r), [], false);
 * const grads = grad(g, loss, [w]);
 * g.output(grads.get('w')!, 'grad.w', ElemType.FLOAT, [4, 2]);
 */
export function grad(g: GraphBuilder, loss: Value, params: Value[], options: GradOptions = {}): Map<string, Value> {
  const nodes = [...g.nodes];
  const known = new Set([...g.inputs.map((i) => i.name), ...g.initializers.map((i) => i.name)]);
  nodes.forEach((node, i) => {
    for (const input of node.inputs) {
      if (input && !known.has(input)) {
        throw new GradientError(`node ${node.name} (${node.opType}, #${i}) reads "${input}" before any node produces it: nodes must be in topological order`);
      }
    }
    node.outputs.forEach((o) => known.add(o));
  });
  for (const v of [loss, ...params]) if (!known.has(v.name)) throw new GradientError(`grad: "${v.name}" is not a value of graph ${g.name}`);

  // Forward sweep: the values that depend on some parameter.
  const stops = new Set((options.stopGradients ?? []).map((v) => v.name));
  const dependent = new Set(params.map((p) => p.name).filter((n) => !stops.has(n)));
  for (const node of nodes) {
    if (isNonDifferentiable(node) || !node.inputs.some((n) => dependent.has(n))) continue;
    for (const o of node.outputs) if (!stops.has(o)) dependent.add(o);
  }
  // Backward sweep: of those, the nodes that lead to the loss.
  const wanted = new Set(dependent.has(loss.name) ? [loss.name] : []);
  const active: GraphNode[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (isNonDifferentiable(node) || !node.outputs.some((o) => wanted.has(o))) continue;
    const inputs = node.inputs.filter((n) => dependent.has(n));
    if (inputs.length === 0) continue;
    inputs.forEach((n) => wanted.add(n));
    active.push(node);
  }
  const missing = active.filter((node) => !vjpRule(node));
  if (missing.length) {
    const ops = [...new Set(missing.map((n) => n.opType))].join(', ');
    throw new GradientError(`no gradient rule for ${ops} (node ${missing[0].name} lies between a parameter and the loss)`);
  }

  const shapes = new StaticShapes(g);
  const shapeCache = new Map<string, Value>();
  return g.scoped(options.scope ?? 'grad', () => {
    const pending = new Map<string, Value[]>();
    const accumulate = (name: string, value: Value) => {
      const list = pending.get(name);
      if (list) list.push(value);
      else pending.set(name, [value]);
    };
    /** The summed gradient of a value (every consumer has been visited when this is asked). */
    const total = (name: string): Value | null => {
      const list = pending.get(name);
      if (!list) return null;
      const sum = list.reduce((a, b) => add(g, a, b));
      pending.set(name, [sum]);
      return sum;
    };

    const scalarLoss = shapes.shape(loss.name)?.length === 0;
    accumulate(loss.name, options.seed ?? (scalarLoss ? constFloat(g, [1]) : constantOfShape(g, shapeOf(g, loss), 1)));
    for (const node of active) {
      const outputGrads = node.outputs.map(total);
      if (outputGrads.every((v) => v === null)) continue;
      const needs = node.inputs.map((n) => !!n && dependent.has(n));
      const results = vjpRule(node)!(new VjpContext(g, node, outputGrads, needs, shapes, shapeCache));
      needs.forEach((need, i) => {
        if (!need) return;
        const value = results[i];
        if (!value) throw new GradientError(`gradient of ${node.opType} (node ${node.name}): the rule gave no gradient for input ${i}`);
        accumulate(node.inputs[i], value);
      });
    }

    const out = new Map<string, Value>();
    for (const p of params) out.set(p.name, total(p.name) ?? constantOfShape(g, shapeOf(g, p)));
    return out;
  });
}

/**
 * Declares each gradient as a graph output named `${prefix}${param}`, typed and shaped like its
 * parameter (input symbols are kept; unknown or derived dims get `${name}_dim${i}`). Returns the output names.
 *
 * @throws GradientError when a parameter's rank is not known at build time.
 *
 * @example
 * const names = addGradientOutputs(g, grad(g, loss, [a, b])); // ['grad.a', 'grad.b']
 */
export function addGradientOutputs(g: GraphBuilder, grads: Map<string, Value>, prefix = 'grad.'): string[] {
  const shapes = new StaticShapes(g);
  const types = new Map([...g.inputs, ...g.initializers].map((v) => [v.name, v.elemType]));
  return [...grads].map(([param, value]) => {
    const name = `${prefix}${param}`;
    const known = shapes.shape(param);
    if (!known) throw new GradientError(`addGradientOutputs: the rank of "${param}" is not known at build time`);
    const shape: Dim[] = known.map((d, i) => (d === null || isDerived(d) ? `${name}_dim${i}` : d));
    g.output(value, name, types.get(param) ?? ElemType.FLOAT, shape);
    return name;
  });
}
