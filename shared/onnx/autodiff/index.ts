/**
 * @module shared/onnx/autodiff
 * Reverse-mode automatic differentiation for GraphBuilder graphs: `grad` appends a backward
 * graph (standard ONNX ops) to a forward graph; `gradientCheck` compares it with finite
 * differences. See `grad.ts` for the walk, `rules-*.ts` for the per-op rules and
 * `broadcast.ts` for how broadcast gradients are summed back.
 */
export { addGradientOutputs, grad, type GradOptions } from './grad';
export { GradientError, VjpContext, type VjpRule } from './context';
export { differentiableOps, isNonDifferentiable, NON_DIFFERENTIABLE_OPS, registerVjp } from './registry';
export { reduceToShape, staticReducePlan } from './broadcast';
export { StaticShapes, type StaticShape, type SymDim } from './shapes';
export {
  centralDifferences, gradientCheck, relativeError, sampleIndices,
  type GradientCheckOptions, type GradientCheckResult, type LossFunction,
} from './gradient-check';
