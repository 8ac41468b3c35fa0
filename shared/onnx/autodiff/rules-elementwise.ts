/**
 * @module shared/onnx/autodiff/rules-elementwise
 * Vector-Jacobian rules of elementwise ops. Binary ops broadcast (numpy rules), so each input's
 * gradient is summed back to that input's shape with `reduceToInput`. Rules reuse the forward
 * output `y` where the derivative is a function of it (exp, sigmoid, tanh, sqrt, reciprocal).
 */
import { ElemType } from '../graph';
import { cos, div, log, mul, neg, pow, sin, sub, where } from '../ops';
import type { VjpContext, VjpRule } from './context';

/** `to` values of Cast that carry a gradient (float types). */
export const FLOAT_TYPES: ReadonlySet<number> = new Set([ElemType.FLOAT, ElemType.FLOAT16, ElemType.DOUBLE, 16 /* BFLOAT16 */]);

/** Gradient of `y = f(x)` given `dy/dx` as a value. */
const unary = (derivative: (ctx: VjpContext) => ReturnType<typeof mul>): VjpRule => (ctx) => [mul(ctx.g, ctx.grad, derivative(ctx))];

const add: VjpRule = (ctx) => [
  ctx.needs[0] ? ctx.reduceToInput(ctx.grad, 0) : null,
  ctx.needs[1] ? ctx.reduceToInput(ctx.grad, 1) : null,
];

const subtract: VjpRule = (ctx) => [
  ctx.needs[0] ? ctx.reduceToInput(ctx.grad, 0) : null,
  ctx.needs[1] ? ctx.reduceToInput(neg(ctx.g, ctx.grad), 1) : null,
];

const multiply: VjpRule = (ctx) => {
  const { g, grad } = ctx;
  return [
    ctx.needs[0] ? ctx.reduceToInput(mul(g, grad, ctx.input(1)), 0) : null,
    ctx.needs[1] ? ctx.reduceToInput(mul(g, grad, ctx.input(0)), 1) : null,
  ];
};

/** y = a / b: dy/da = 1/b, dy/db = −y/b. */
const divide: VjpRule = (ctx) => {
  const { g, grad } = ctx;
  const b = ctx.input(1);
  return [
    ctx.needs[0] ? ctx.reduceToInput(div(g, grad, b), 0) : null,
    ctx.needs[1] ? ctx.reduceToInput(neg(g, div(g, mul(g, grad, ctx.output()), b)), 1) : null,
  ];
};

/**
 * y = a^b: dy/da = b·a^(b−1), dy/db = y·ln a. A constant scalar exponent c gives c·a^(c−1)
 * directly (2 gives 2a, no Pow); an int exponent tensor is cast to a's type first (opset 15
 * lets Pow mix types).
 */
const power: VjpRule = (ctx) => {
  const { g, grad } = ctx;
  const a = ctx.input(0);
  let gradA = null;
  if (ctx.needs[0]) {
    const init = ctx.shapes.initializer(ctx.node.inputs[1]);
    const c = init && init.data.length === 1 ? Number(init.data[0]) : undefined;
    let local;
    if (c === 2) local = mul(g, a, ctx.constLike(2, a));
    else if (c === 1) local = undefined;
    else if (c !== undefined) local = mul(g, pow(g, a, ctx.constLike(c - 1, a)), ctx.constLike(c, a));
    else {
      const exponent = ctx.input(1);
      const sameType = ctx.shapes.elemType(exponent.name) === ctx.shapes.elemType(a.name);
      const b = sameType ? exponent : ctx.castAs(exponent, a);
      local = mul(g, pow(g, a, sub(g, b, ctx.constLike(1, a))), b);
    }
    gradA = ctx.reduceToInput(local ? mul(g, grad, local) : grad, 0);
  }
  const gradB = ctx.needs[1] ? ctx.reduceToInput(mul(g, mul(g, grad, ctx.output()), log(g, a)), 1) : null;
  return [gradA, gradB];
};

/** Where(cond, a, b): the gradient goes to the branch each element was taken from. */
const select: VjpRule = (ctx) => {
  const { g, grad } = ctx;
  const zero = ctx.constLike(0, ctx.output());
  const cond = ctx.input(0);
  return [
    null,
    ctx.needs[1] ? ctx.reduceToInput(where(g, cond, grad, zero), 1) : null,
    ctx.needs[2] ? ctx.reduceToInput(where(g, cond, zero, grad), 2) : null,
  ];
};

/** Cast between float types: the gradient is cast back to the input's type. */
const castRule: VjpRule = (ctx) => {
  if (!FLOAT_TYPES.has(ctx.int('to', 0))) ctx.fail('a cast to a non-float type carries no gradient');
  return [ctx.castAs(ctx.grad, ctx.input(0))];
};

const one = (ctx: VjpContext) => ctx.constLike(1, ctx.output());

/** Rules of elementwise ops, by op type. */
export const elementwiseRules: Record<string, VjpRule> = {
  Add: add,
  Sub: subtract,
  Mul: multiply,
  Div: divide,
  Pow: power,
  Where: select,
  Cast: castRule,
  Identity: (ctx) => [ctx.grad],
  Neg: (ctx) => [neg(ctx.g, ctx.grad)],
  // d√x = 1 / (2√x) = 0.5 / y
  Sqrt: (ctx) => [div(ctx.g, mul(ctx.g, ctx.grad, ctx.constLike(0.5, ctx.output())), ctx.output())],
  // d(1/x) = −1/x² = −y²
  Reciprocal: (ctx) => [neg(ctx.g, mul(ctx.g, ctx.grad, mul(ctx.g, ctx.output(), ctx.output())))],
  Exp: unary((ctx) => ctx.output()),
  Log: (ctx) => [div(ctx.g, ctx.grad, ctx.input(0))],
  // d tanh = 1 − y²
  Tanh: unary((ctx) => sub(ctx.g, one(ctx), mul(ctx.g, ctx.output(), ctx.output()))),
  // dσ = y (1 − y)
  Sigmoid: unary((ctx) => mul(ctx.g, ctx.output(), sub(ctx.g, one(ctx), ctx.output()))),
  Cos: (ctx) => [neg(ctx.g, mul(ctx.g, ctx.grad, sin(ctx.g, ctx.input(0))))],
  Sin: unary((ctx) => cos(ctx.g, ctx.input(0))),
};
