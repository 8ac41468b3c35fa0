/**
 * @module gpu-worker/training/fd-rule-case
 * Test support: checks one vector-Jacobian rule against finite differences on a tiny graph
 * `loss = ReduceSum(op(x, …) · R)`, with R a fixed random tensor so the gradient reaching the
 * op is not all ones. Parameters are graph inputs (optionally with symbolic dims, to force the
 * runtime-shape paths of the backward graph); the analytic gradient comes from `grad` and the
 * numeric one from central differences of the forward-only graph.
 */
import { ElemType, GraphBuilder, type Value } from '../../../shared/onnx/graph';
import { mul, reduceSum } from '../../../shared/onnx/ops';
import { addGradientOutputs, grad, gradientCheck, StaticShapes } from '../../../shared/onnx/autodiff';
import { createSeededRng, type SeededRng } from '../../../shared/random/seeded-rng';
import { floatFeed, GraphRunner, type Feed } from './fd-harness';

/** How a parameter's values are drawn. */
export type ValueKind = 'normal' | 'positive' | 'halfInteger';

/** A differentiated input of a rule case. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: number[];
  /** @default 'normal' */
  readonly kind?: ValueKind;
}

/** One rule check: the params, and the op(s) built on them. */
export interface RuleCase {
  readonly name: string;
  readonly params: ParamSpec[];
  readonly build: (g: GraphBuilder, params: Value[]) => Value;
  /** Declare the params with symbolic dims (`a_0`, `a_1`, …) instead of sizes. @default false */
  readonly symbolic?: boolean;
  /** Central-difference step. @default 5e-3 */
  readonly h?: number;
}

/** What one rule check measured. */
export interface RuleCaseResult {
  /** The largest relative error over the params. */
  readonly relativeError: number;
  /** The smallest norm of a param's sampled analytic gradient (a check of zeros proves nothing). */
  readonly analyticNorm: number;
  /** Op types of the forward graph (what the case exercises). */
  readonly forwardOps: string[];
  /** Op types the backward pass added. */
  readonly backwardOps: string[];
}

function draw(rng: SeededRng, kind: ValueKind): number {
  if (kind === 'positive') return 0.5 + 1.5 * rng.next();
  if (kind === 'halfInteger') return Math.floor(rng.next() * 7) - 3 + 0.5 + 0.6 * (rng.next() - 0.5);
  return rng.normal();
}

/** Builds the case's graph up to its result `y`. */
function buildCase(c: RuleCase): { g: GraphBuilder; params: Value[]; y: Value } {
  const g = new GraphBuilder(c.name.replace(/\W+/g, '_'));
  const params = c.params.map((p) => g.input(p.name, ElemType.FLOAT, c.symbolic ? p.shape.map((_, i) => `${p.name}_${i}`) : p.shape));
  return { g, params, y: c.build(g, params) };
}

/** The op types of a case's forward graph (what it exercises), without running it. */
export function forwardOps(c: RuleCase): string[] {
  return buildCase(c).g.nodes.map((n) => n.opType);
}

/**
 * Runs one rule case and returns its largest relative error (norm-based, over up to `count`
 * sampled coordinates per parameter).
 */
export async function checkRuleCase(c: RuleCase, seed: number, count = 10): Promise<RuleCaseResult> {
  const rng = createSeededRng(seed);
  const feeds: Record<string, Feed> = {};
  for (const p of c.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    feeds[p.name] = floatFeed(Float32Array.from({ length: n }, () => draw(rng, p.kind ?? 'normal')), p.shape);
  }

  // First pass: the result's runtime shape, for R.
  const probe = buildCase(c);
  const shape = new StaticShapes(probe.g).shape(probe.y.name);
  if (!shape) throw new Error(`${c.name}: rank of the result is not known`);
  probe.g.output(probe.y, 'y', ElemType.FLOAT, shape.map((d, i) => d ?? `y_${i}`));
  const probeRunner = await GraphRunner.open(probe.g);
  const yDims = (await probeRunner.run(feeds, ['y'])).y.dims;
  await probeRunner.close();

  const { g, params, y } = buildCase(c);
  const rSize = yDims.reduce((a, b) => a * b, 1);
  const r = g.initializer('R', ElemType.FLOAT, yDims, Float32Array.from({ length: rSize }, () => rng.normal()));
  const loss = reduceSum(g, mul(g, y, r), [], false);
  g.output(loss, 'loss', ElemType.FLOAT, []);
  const forwardOps = g.nodes.map((n) => n.opType);
  const forward = await GraphRunner.open(g);
  const forwardCount = g.nodes.length;

  const grads = grad(g, loss, params);
  const names = addGradientOutputs(g, grads);
  const backwardOps = g.nodes.slice(forwardCount).map((n) => n.opType);
  const full = await GraphRunner.open(g);
  const analytic = await full.run(feeds, names);
  await full.close();

  let worst = 0;
  let smallest = Infinity;
  for (const [k, p] of c.params.entries()) {
    const result = await gradientCheck({
      evaluate: (x) => forward.scalar({ ...feeds, [p.name]: floatFeed(x, p.shape) }, 'loss'),
      x: feeds[p.name].data as Float32Array,
      analytic: analytic[names[k]].data,
      rng,
      count,
      h: c.h ?? 5e-3,
    });
    worst = Math.max(worst, result.relativeError);
    smallest = Math.min(smallest, Math.hypot(...result.analytic));
  }
  await forward.close();
  return { relativeError: worst, analyticNorm: smallest, forwardOps, backwardOps };
}
