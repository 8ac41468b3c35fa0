/**
 * @module gpu-worker/training/autodiff-check tests: the reverse-mode autodiff of
 * `shared/onnx/autodiff` checked against central finite differences in onnxruntime-node, for
 * every vector-Jacobian rule and for a whole random 2-layer Llama with LoRA inputs.
 *
 * Error measure: ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂, 1e-6) over the sampled coordinates of each
 * parameter (a: analytic gradient from the float32 backward graph, n: central difference
 * accumulated in float64), required ≤ 1e-3.
 *
 * Rule cases difference the float32 forward graph (h = 5e-3). The whole model differences a
 * float64 copy of its forward graph (h = 1e-3): in float32 the loss's round-off (≈ 3e-7 for a
 * loss ≈ 4) over 2h is itself about 1e-3 of these gradients, so a float32 reference could not
 * tell a correct gradient from a slightly wrong one at this bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElemType, GraphBuilder } from '../../../shared/onnx/graph';
import { cos, mul, neg, reduceSum, sin } from '../../../shared/onnx/ops';
import {
  addGradientOutputs, differentiableOps, grad, GradientError, gradientCheck, registerVjp, relativeError,
} from '../../../shared/onnx/autodiff';
import { elementwiseRules } from '../../../shared/onnx/autodiff/rules-elementwise';
import { createSeededRng } from '../../../shared/random/seeded-rng';
import { float64Copy, float64Feeds, floatFeed, GraphRunner, promoteInitializer, type Feed, type Output } from './fd-harness';
import { buildLlamaLoss, LLAMA_CHECK, llamaFeeds, loraParamNames, tinyLlamaConfig } from './fd-llama';
import { checkRuleCase, forwardOps } from './fd-rule-case';
import { RULE_CASES } from './fd-rule-cases';

const TOLERANCE = 1e-3;
const errors: Array<[string, number]> = [];

afterAll(() => {
  if (!errors.length) return;
  const width = Math.max(...errors.map(([n]) => n.length));
  console.log(`relative error per case (norm over sampled coordinates)\n${errors.map(([n, e]) => `${n.padEnd(width)}  ${e.toExponential(2)}`).join('\n')}`);
});

describe('grad matches central finite differences for each rule', () => {
  RULE_CASES.forEach((c, i) => {
    it(`${c.name} has a gradient within 1e-3 of finite differences`, async () => {
      const result = await checkRuleCase(c, 1000 + i);
      errors.push([c.name, result.relativeError]);
      expect(result.relativeError).toBeLessThanOrEqual(TOLERANCE);
      expect(result.analyticNorm).toBeGreaterThan(1e-2);
    });
  });

  it('exercises every op type that has a rule', () => {
    const exercised = new Set(RULE_CASES.flatMap(forwardOps));
    expect(differentiableOps().filter((op) => !exercised.has(op))).toEqual([]);
  });
});

describe('grad on graphs', () => {
  it('names the op when a node between a parameter and the loss has no rule', () => {
    const g = new GraphBuilder('missing');
    const x = g.input('x', ElemType.FLOAT, [3]);
    const [y] = g.node('Erf', [x]);
    const loss = reduceSum(g, y, [], false);
    expect(() => grad(g, loss, [x])).toThrow(GradientError);
    expect(() => grad(g, loss, [x])).toThrow(/no gradient rule for Erf \(node \/Erf lies between a parameter and the loss\)/);
  });

  it('ignores ops without a rule that lie off the parameter-to-loss path', () => {
    const g = new GraphBuilder('off-path');
    const x = g.input('x', ElemType.FLOAT, [3]);
    const c = g.input('c', ElemType.FLOAT, [3]);
    const [erfC] = g.node('Erf', [c]);
    const loss = reduceSum(g, mul(g, x, erfC), [], false);
    expect(() => grad(g, loss, [x])).not.toThrow();
  });

  it('gives zeros to a parameter the loss does not use and to one behind a stop-gradient', async () => {
    const g = new GraphBuilder('zeros');
    const x = g.input('x', ElemType.FLOAT, [2]);
    const unused = g.input('unused', ElemType.FLOAT, [3]);
    const detached = sin(g, x);
    const loss = reduceSum(g, mul(g, x, detached), [], false);
    const grads = grad(g, loss, [x, unused], { stopGradients: [detached] });
    addGradientOutputs(g, grads);
    const runner = await GraphRunner.open(g);
    const out = await runner.run({ x: floatFeed(Float32Array.of(0.5, -1), [2]), unused: floatFeed(new Float32Array(3), [3]) });
    await runner.close();
    expect(Array.from(out['grad.unused'].data)).toEqual([0, 0, 0]);
    // With sin(x) held constant, d/dx Σ x·sin(x) is sin(x) alone.
    expect(out['grad.x'].data[0]).toBeCloseTo(Math.sin(0.5), 6);
    expect(out['grad.x'].data[1]).toBeCloseTo(Math.sin(-1), 6);
  });

  it('seeds a non-scalar loss with ones, or with the given upstream gradient', async () => {
    const g = new GraphBuilder('seed');
    const x = g.input('x', ElemType.FLOAT, [3]);
    const upstream = g.input('upstream', ElemType.FLOAT, [3]);
    const y = mul(g, x, x);
    addGradientOutputs(g, grad(g, y, [x]), 'ones.');
    addGradientOutputs(g, grad(g, y, [x], { seed: upstream }), 'seeded.');
    const runner = await GraphRunner.open(g);
    const out = await runner.run({ x: floatFeed(Float32Array.of(1, -2, 3), [3]), upstream: floatFeed(Float32Array.of(0.5, 2, -1), [3]) });
    await runner.close();
    expect(Array.from(out['ones.x'].data)).toEqual([2, -4, 6]);
    expect(Array.from(out['seeded.x'].data)).toEqual([1, -8, -6]);
  });

  it('reduces broadcast axes with constants when sizes are declared and at run time when dims are symbolic', () => {
    const backward = (shapeA: (number | string)[], shapeB: (number | string)[]) => {
      const g = new GraphBuilder('broadcast');
      const a = g.input('a', ElemType.FLOAT, shapeA);
      const b = g.input('b', ElemType.FLOAT, shapeB);
      const loss = reduceSum(g, mul(g, a, b), [], false);
      const before = g.nodes.length;
      grad(g, loss, [a, b]);
      return g.nodes.slice(before).map((n) => n.opType);
    };
    const declared = backward([2, 1, 4], [3, 1]);
    expect(declared).not.toContain('NonZero');
    expect(declared.filter((op) => op === 'ReduceSum')).toHaveLength(2); // a over axis 1; b over axes 0 and 2
    const symbolic = backward(['n', 'one', 'k'], ['m', 'one2']);
    expect(symbolic.filter((op) => op === 'NonZero')).toHaveLength(2);
    // Same symbolic name on both sides: no reduction needed at all.
    expect(backward(['n', 'k'], ['n', 'k'])).not.toContain('ReduceSum');
  });
});

/** The whole-model checks, with a KV cache of `past` tokens (0: a prefill). */
const llamaSuite = (past: number) => describe(`grad of a random 2-layer Llama with q/v LoRA inputs and a ${past}-token cache`, () => {
  const cfg = tinyLlamaConfig();
  const down = 'model.layers.0.mlp.down_proj.weight_t';
  const params = [...loraParamNames(cfg), down];
  const feeds = llamaFeeds(cfg, 21 + past, past);
  let analytic: Record<string, Output>;
  let backwardOps: string[];
  let float32Loss: number;
  let reference: GraphRunner;
  let referenceFeeds: Record<string, Feed>;

  beforeAll(async () => {
    // Forward and backward in one graph and one session; down_proj stays an initializer.
    const { g, loss } = buildLlamaLoss(cfg, 20);
    const forwardCount = g.nodes.length;
    const outputs = addGradientOutputs(g, grad(g, loss, params.map((name) => ({ name }))));
    backwardOps = g.nodes.slice(forwardCount).map((n) => n.opType);
    const session = await GraphRunner.open(g);
    const out = await session.run(feeds, ['loss', ...outputs]);
    await session.close();
    analytic = Object.fromEntries(params.map((name, k) => [name, out[outputs[k]]]));
    float32Loss = out.loss.data[0];
    // The finite-difference reference: the forward graph alone, down_proj fed as an input, in float64.
    const forward = buildLlamaLoss(cfg, 20).g;
    referenceFeeds = float64Feeds({ ...feeds, [down]: promoteInitializer(forward, down) });
    reference = await GraphRunner.open(float64Copy(forward));
  });

  afterAll(() => reference?.close());

  /** Checks one parameter against float64 central differences at h = 1e-3. */
  async function check(name: string, seed: number) {
    const fed = referenceFeeds[name];
    const result = await gradientCheck({
      evaluate: (x) => reference.scalar({ ...referenceFeeds, [name]: { type: 'float64', data: Float64Array.from(x), dims: fed.dims } }, 'loss'),
      x: Float32Array.from(fed.data as Float64Array),
      analytic: analytic[name].data,
      rng: createSeededRng(seed),
      count: 8,
      h: 1e-3,
    });
    errors.push([`${name} (cache ${past})`, result.relativeError]);
    return result;
  }

  it('computes the loss in the training graph exactly as the float64 reference does', async () => {
    const reference64 = await reference.scalar(referenceFeeds, 'loss');
    expect(float32Loss).toBeGreaterThan(1);
    expect(Math.abs(float32Loss - reference64) / reference64).toBeLessThan(1e-6);
  });

  it('decides every broadcast reduction at build time (no runtime axes)', () => {
    // Symbolic dims are tracked through the mask's Range arithmetic and MatMul's inner dims.
    expect(backwardOps).not.toContain('NonZero');
    expect(backwardOps.length).toBeLessThan(400);
  });

  it('matches finite differences for every LoRA A and B input within 1e-3', async () => {
    for (const [k, name] of loraParamNames(cfg).entries()) {
      const result = await check(name, 100 + k);
      expect(result.relativeError, name).toBeLessThanOrEqual(TOLERANCE);
      expect(Math.hypot(...result.analytic), name).toBeGreaterThan(1e-3);
    }
  });

  it('gives zero gradient to the LoRA slot no batch row uses', () => {
    for (const name of loraParamNames(cfg)) {
      const slot0 = analytic[name].data.subarray(0, analytic[name].data.length / LLAMA_CHECK.slots);
      expect(slot0.every((v) => v === 0), name).toBe(true);
      expect(analytic[name].data.some((v) => v !== 0), name).toBe(true);
    }
  });

  it('matches finite differences for the down_proj weight held as an initializer', async () => {
    expect(analytic[down].dims).toEqual([cfg.intermediateSize, cfg.hiddenSize]);
    const result = await check(down, 200);
    expect(result.relativeError).toBeLessThanOrEqual(TOLERANCE);
  });
});

llamaSuite(LLAMA_CHECK.past);
llamaSuite(0);

describe('the finite-difference check itself', () => {
  it('flags an analytic gradient that is off by 1 %', async () => {
    const x = Float32Array.of(0.3, -1.2, 0.8, 2);
    const evaluate = (v: Float32Array) => v.reduce((sum, vi, i) => sum + Math.sin(vi) * (i + 1), 0);
    const exact = Array.from(x, (vi, i) => Math.cos(vi) * (i + 1));
    const good = await gradientCheck({ evaluate, x, analytic: exact, indices: [0, 1, 2, 3] });
    const bad = await gradientCheck({ evaluate, x, analytic: exact.map((v) => v * 1.01), indices: [0, 1, 2, 3] });
    expect(good.relativeError).toBeLessThan(1e-4);
    expect(bad.relativeError).toBeGreaterThan(5e-3);
    expect(relativeError([0, 0], [0, 0])).toBe(0);
    expect(relativeError([3, 4], [0, 0])).toBe(1);
  });

  it('catches a wrong rule: Sin differentiated as −cos', async () => {
    const sinCase = RULE_CASES.find((c) => c.name === 'Sin')!;
    registerVjp('Sin', (ctx) => [neg(ctx.g, mul(ctx.g, ctx.grad, cos(ctx.g, ctx.input(0))))]);
    try {
      const result = await checkRuleCase(sinCase, 7);
      expect(result.relativeError).toBeGreaterThan(0.5);
    } finally {
      registerVjp('Sin', elementwiseRules.Sin);
    }
    expect((await checkRuleCase(sinCase, 7)).relativeError).toBeLessThanOrEqual(TOLERANCE);
  });
});
