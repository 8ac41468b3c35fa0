/**
 * @module shared/onnx/autodiff/registry
 * Which op types have a vector-Jacobian rule, and which carry no gradient at all.
 */
import type { GraphNode } from '../graph';
import type { VjpRule } from './context';
import { elementwiseRules, FLOAT_TYPES } from './rules-elementwise';
import { indexRules } from './rules-index';
import { linalgRules } from './rules-linalg';
import { reduceRules } from './rules-reduce';
import { shapeRules } from './rules-shape';

const rules = new Map<string, VjpRule>(
  Object.entries({ ...elementwiseRules, ...linalgRules, ...reduceRules, ...shapeRules, ...indexRules }),
);

/**
 * Ops whose outputs are integers, booleans or piecewise-constant: no gradient flows through
 * them, and the walk stops there (e.g. the mask and position arithmetic of the decoder).
 */
export const NON_DIFFERENTIABLE_OPS: ReadonlySet<string> = new Set([
  'Shape', 'Size', 'Range', 'ConstantOfShape', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or',
  'Xor', 'Not', 'ArgMax', 'ArgMin', 'NonZero', 'IsNaN', 'IsInf', 'Sign', 'Floor', 'Ceil', 'Round',
]);

/** True when no gradient flows through `node` (a Cast to an integer or bool type counts). */
export function isNonDifferentiable(node: GraphNode): boolean {
  if (node.opType === 'Cast') return !FLOAT_TYPES.has(node.attributes.to as number);
  return NON_DIFFERENTIABLE_OPS.has(node.opType);
}

/** Registry key: the op type, prefixed by its domain outside the default one. */
const key = (opType: string, domain?: string) => (domain ? `${domain}::${opType}` : opType);

/** The rule for a node's op, if there is one. */
export function vjpRule(node: GraphNode): VjpRule | undefined {
  return rules.get(key(node.opType, node.domain));
}

/** Op types with a rule, sorted. */
export function differentiableOps(): string[] {
  return [...rules.keys()].sort();
}

/**
 * Adds or replaces the rule of an op type (a custom op names its domain, e.g.
 * `com.microsoft`). Applies to every later `grad` call.
 */
export function registerVjp(opType: string, rule: VjpRule, domain?: string): void {
  rules.set(key(opType, domain), rule);
}
