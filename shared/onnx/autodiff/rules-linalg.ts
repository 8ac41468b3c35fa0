/**
 * @module shared/onnx/autodiff/rules-linalg
 * Vector-Jacobian rules of MatMul (numpy.matmul semantics, batch broadcasting, 1-D operands)
 * and Gemm (transA, transB, alpha, beta, broadcast C).
 *
 * For Y = A·B with G = dL/dY: dA = G·Bᵀ and dB = Aᵀ·G on the last two axes, each summed over
 * the batch axes its operand was broadcast along. A 2-D weight B under a batched A (the usual
 * `x [batch, seq, in] · W [in, out]`) gets dB = flatten(A)ᵀ·flatten(G) in one Gemm, so no
 * `[batch, in, out]` intermediate is built.
 */
import { type Value } from '../graph';
import { gemm, matMul, mul, squeeze, transpose, unsqueeze } from '../ops';
import type { VjpRule } from './context';
import { flatten } from './extra-ops';
import type { StaticShape, SymDim } from './shapes';

/** Permutation that swaps the last two of `rank` axes. */
function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * Static shape of a gradient product: Y's batch axes (already the broadcast of both operands')
 * and the two given matrix dims; `undefined` when a shape is unknown.
 */
function batchOf(y: StaticShape | undefined, rows: SymDim | undefined, cols: SymDim | undefined): StaticShape | undefined {
  return y && rows !== undefined && cols !== undefined ? [...y.slice(0, -2), rows, cols] : undefined;
}

const last = (s: StaticShape | undefined, k: number): SymDim | undefined => s?.[s.length - k];

const matMulRule: VjpRule = (ctx) => {
  const { g } = ctx;
  const rankA = ctx.rank(ctx.input(0));
  const rankB = ctx.rank(ctx.input(1));
  if (rankA === 0 || rankB === 0) ctx.fail('MatMul operands must have rank ≥ 1');
  // Promote 1-D operands as numpy does: A [K] → [1, K], B [K] → [K, 1]; G gains the removed axes.
  let a: Value = ctx.input(0);
  let b: Value = ctx.input(1);
  let gy = ctx.grad;
  let sa = ctx.staticShape(a);
  let sb = ctx.staticShape(b);
  let sy = ctx.staticShape(ctx.output());
  if (rankB === 1) {
    b = unsqueeze(g, b, [1]);
    sb = sb && [sb[0], 1];
    gy = unsqueeze(g, gy, [-1]);
    sy = sy && [...sy, 1];
  }
  if (rankA === 1) {
    a = unsqueeze(g, a, [0]);
    sa = sa && [1, sa[0]];
    gy = unsqueeze(g, gy, [-2]);
    sy = sy && [...sy.slice(0, -1), 1, sy[sy.length - 1]];
  }
  const ra = Math.max(rankA, 2);
  const rb = Math.max(rankB, 2);

  let gradA = null;
  if (ctx.needs[0]) {
    let full = matMul(g, gy, transpose(g, b, swapLast(rb)));
    let shape = batchOf(sy, last(sy, 2), last(sb, 2)); // [..., M, K]
    if (rankA === 1) {
      full = squeeze(g, full, [-2]);
      shape = shape && [...shape.slice(0, -2), shape[shape.length - 1]];
    }
    gradA = ctx.reduceToInput(full, 0, shape);
  }

  let gradB = null;
  if (ctx.needs[1]) {
    if (rb === 2 && ra > 2) {
      // Sum over every leading axis of A at once: [N·…, K]ᵀ · [N·…, M] (rankB = 1 keeps M = 1).
      const flatB = gemm(g, flatten(g, a, ra - 1), flatten(g, gy, ra - 1), null, { transA: true });
      gradB = rankB === 1 ? squeeze(g, flatB, [-1]) : flatB;
    } else {
      let full = matMul(g, transpose(g, a, swapLast(ra)), gy);
      let shape = batchOf(sy, last(sa, 1), last(sy, 1)); // [..., K, N]
      if (rankB === 1) {
        full = squeeze(g, full, [-1]);
        shape = shape && shape.slice(0, -1);
      }
      gradB = ctx.reduceToInput(full, 1, shape);
    }
  }
  return [gradA, gradB];
};

/**
 * Y = alpha·op(A)·op(B) + beta·C. With A' = op(A), B' = op(B): dA' = alpha·G·B'ᵀ, dB' = alpha·A'ᵀ·G;
 * transposed operands take the transpose of those, which Gemm's own flags express without a
 * Transpose node.
 */
const gemmRule: VjpRule = (ctx) => {
  const { g, grad } = ctx;
  const transA = ctx.int('transA', 0) === 1;
  const transB = ctx.int('transB', 0) === 1;
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  const a = ctx.input(0);
  const b = ctx.input(1);
  let gradA = null;
  let gradB = null;
  if (ctx.needs[0]) {
    gradA = transA
      ? gemm(g, b, grad, null, { transA: transB, transB: true, alpha }) // dA = alpha·B'·Gᵀ
      : gemm(g, grad, b, null, { transB: !transB, alpha }); // dA = alpha·G·B'ᵀ
  }
  if (ctx.needs[1]) {
    gradB = transB
      ? gemm(g, grad, a, null, { transA: true, transB: transA, alpha }) // dB = alpha·Gᵀ·A'
      : gemm(g, a, grad, null, { transA: !transA, alpha }); // dB = alpha·A'ᵀ·G
  }
  const gradC = ctx.needs[2] ? ctx.reduceToInput(beta === 1 ? grad : mul(g, grad, ctx.constLike(beta, ctx.output())), 2) : null;
  return [gradA, gradB, gradC];
};

/** Rules of matrix products, by op type. */
export const linalgRules: Record<string, VjpRule> = { MatMul: matMulRule, Gemm: gemmRule };
