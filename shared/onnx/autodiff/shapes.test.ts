/**
 * @module shared/onnx/autodiff/shapes tests: symbolic dim arithmetic, shape inference through
 * shape vectors and MatMul, and the constant broadcast-reduction plan (no runtime needed).
 */
import { describe, expect, it } from 'vitest';
import { ElemType, GraphBuilder } from '../graph';
import { add, concat, constInt64, matMul, range, reshape, shapeOf, squeeze, sub, unsqueeze } from '../ops';
import { staticReducePlan } from './broadcast';
import { DimAlgebra } from './dims';
import { StaticShapes } from './shapes';

describe('DimAlgebra', () => {
  it('names products and sums canonically, whatever the order of their parts', () => {
    const d = new DimAlgebra();
    expect(d.product(['s', 'b', 4])).toBe(d.product([2, 'b', 's', 2]));
    expect(d.product(['b', 's'])).toBe('?(b*s)');
    expect(d.sum('past', 'seq')).toBe(d.sum('seq', 'past'));
    expect(d.product([3, 4])).toBe(12);
    expect(d.product(['b', null])).toBeNull();
  });

  it('divides products exactly or not at all, and simplifies differences', () => {
    const d = new DimAlgebra();
    expect(d.quotient(d.product(['b', 's', 16]), 16)).toBe('?(b*s)');
    expect(d.quotient(d.product(['b', 's', 16]), d.product(['s', 8]))).toBe('?(2*b)');
    expect(d.quotient(d.product(['b', 16]), 'h')).toBeNull();
    expect(d.sum(d.sum('total', 'seq', -1), 'seq')).toBe('total');
    expect(d.rangeLength(d.sum('total', 'seq', -1), 'total')).toBe('seq');
    expect(d.rangeLength(5, 3)).toBe(0);
  });

  it('broadcasts a name against 1 to the name, and two different names to a fresh one', () => {
    const d = new DimAlgebra();
    expect(d.broadcast('b', 1)).toBe('b');
    expect(d.broadcast('b', 4)).toBe(4);
    const fresh = d.broadcast('s', 't');
    expect(fresh).toMatch(/^\?\d+$/);
    d.unify(fresh, 's');
    expect(d.find(fresh)).toBe('s');
    d.unify('s', 7);
    expect(d.find(fresh)).toBe(7);
  });
});

describe('StaticShapes', () => {
  it('follows shape arithmetic: Range lengths, Reshape −1 and Concat sums', () => {
    const g = new GraphBuilder('shapes');
    const ids = g.input('ids', ElemType.INT64, ['batch', 'seq']);
    const mask = g.input('mask', ElemType.INT64, ['batch', 'total']);
    const total = squeeze(g, shapeOf(g, mask, 1, 2), [0]);
    const seq = squeeze(g, shapeOf(g, ids, 1, 2), [0]);
    const queries = range(g, sub(g, total, seq), total, constInt64(g, [1], []));
    const x = g.input('x', ElemType.FLOAT, ['batch', 'seq', 16]);
    const flat = reshape(g, x, [-1, 16]);
    const back = reshape(g, flat, concat(g, [shapeOf(g, x, 0, 2), constInt64(g, [16])], 0));
    const joined = concat(g, [g.input('past', ElemType.FLOAT, ['batch', 'past', 16]), x], 1);
    const scale = reshape(g, g.input('s', ElemType.FLOAT, ['batch']), [-1, 1, 1]);
    const s = new StaticShapes(g);
    expect(s.shape(queries.name)).toEqual(['seq']);
    expect(s.shape(flat.name)).toEqual(['?(batch*seq)', 16]);
    expect(s.shape(back.name)).toEqual(['batch', 'seq', 16]);
    expect(s.shape(joined.name)).toEqual(['batch', '?(past+seq)', 16]);
    expect(s.shape(scale.name)).toEqual(['batch', 1, 1]);
    expect(s.elemType(queries.name)).toBe(ElemType.INT64);
  });

  it('proves broadcast dims equal through the inner dims of a later MatMul', () => {
    const g = new GraphBuilder('matmul');
    const scores = g.input('scores', ElemType.FLOAT, ['b', 'q', 'k']);
    const bias = g.input('bias', ElemType.FLOAT, ['q', 'm']);
    const biased = add(g, scores, bias); // last dim: k or m, whichever is not 1
    const out = matMul(g, biased, g.input('v', ElemType.FLOAT, ['b', 'k', 8]));
    const s = new StaticShapes(g);
    expect(s.shape(biased.name)).toEqual(['b', 'q', 'k']);
    expect(s.shape(out.name)).toEqual(['b', 'q', 8]);
    expect(s.shape(unsqueeze(g, out, [0]).name)).toBeUndefined(); // added after inference
  });
});

describe('staticReducePlan', () => {
  it('sums leading axes and axes where the input has size 1', () => {
    expect(staticReducePlan([4], [2, 3, 4])).toEqual({ sumAxes: [0, 1], lead: 2 });
    expect(staticReducePlan([2, 1, 4], [2, 3, 4])).toEqual({ sumAxes: [1], lead: 0 });
    expect(staticReducePlan(['b', 's', 1], ['b', 's', 16])).toEqual({ sumAxes: [2], lead: 0 });
  });

  it('needs nothing when shapes match, even symbolically', () => {
    expect(staticReducePlan(['b', 's', 16], ['b', 's', 16])).toEqual({ sumAxes: [], lead: 0 });
  });

  it('leaves to run time a symbolic input dim that faces another dim', () => {
    expect(staticReducePlan(['n', 4], ['m', 4])).toBeNull();
    expect(staticReducePlan(['n', 4], [3, 4])).toBeNull();
    expect(staticReducePlan([null, 4], [null, 4])).toBeNull();
    expect(staticReducePlan(['n', 4], [1, 4])).toEqual({ sumAxes: [], lead: 0 });
  });
});
