/**
 * @module shared/onnx/autodiff/dims
 * Build-time arithmetic on symbolic dimensions, so that shape inference can tell when two
 * dims are equal without knowing their sizes.
 *
 * A dim is a number, a name, or `null` (unknown). Names are the graph inputs' symbols
 * (`batch_size`) or derived names starting with `?`: a fresh `?7` for a dim nothing more is
 * known about, `?(batch_size*sequence_length)` for a product, `?(past_sequence_length+sequence_length)`
 * for a sum. Derived names are canonical (factors and terms sorted), so two values whose dims
 * carry the same name have equal dims at run time; distinct names prove nothing either way.
 */

/** A dimension known at build time: a size, a symbolic name, or `null` when unknown. */
export type SymDim = number | string | null;

/** True for names this module made up (not a graph input's symbol). */
export const isDerived = (d: SymDim): boolean => typeof d === 'string' && d.startsWith('?');

interface Monomial {
  readonly coef: number;
  readonly factors: string[];
}

interface Linear {
  readonly constant: number;
  readonly terms: Map<string, number>;
}

/** Fresh names, canonical products and sums, and proven equalities of dims; one instance per inferred graph. */
export class DimAlgebra {
  private counter = 0;
  private readonly products = new Map<string, Monomial>();
  private readonly sums = new Map<string, Linear>();
  /** Union-find over names proven equal (e.g. the two inner dims of a MatMul). */
  private readonly parent = new Map<string, SymDim>();

  /** The representative of `d` among the dims proven equal to it (a size when one is known). */
  find(d: SymDim): SymDim {
    while (typeof d === 'string' && this.parent.has(d)) d = this.parent.get(d)!;
    return d;
  }

  /** Records that `a` and `b` are equal at run time (the graph would fail otherwise). */
  unify(a: SymDim, b: SymDim): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb || ra === null || rb === null) return;
    if (typeof ra === 'string') this.parent.set(ra, rb);
    else if (typeof rb === 'string') this.parent.set(rb, ra);
  }

  /** A name for a dim nothing is known about (equal only to itself). */
  fresh(): string {
    return `?${this.counter++}`;
  }

  /** Numpy broadcast of two dims; two different names give a fresh one (either could be 1). */
  broadcast(a: SymDim, b: SymDim): SymDim {
    if (a === 1) return b;
    if (b === 1) return a;
    if (a !== null && a === b) return a;
    if (typeof a === 'number') return a;
    if (typeof b === 'number') return b;
    return this.fresh();
  }

  /** The product of dims, `null` when one is unknown. */
  product(dims: readonly SymDim[]): SymDim {
    let coef = 1;
    const factors: string[] = [];
    for (const d of dims) {
      const m = this.monomial(d);
      if (!m) return null;
      coef *= m.coef;
      factors.push(...m.factors);
    }
    return coef === 0 ? 0 : this.fromMonomial({ coef, factors: factors.sort() });
  }

  /** `total / divisor` when it divides exactly (e.g. Reshape's −1), else `null`. */
  quotient(total: SymDim, divisor: SymDim): SymDim {
    const t = this.monomial(total);
    const d = this.monomial(divisor);
    if (!t || !d || d.coef === 0 || t.coef % d.coef !== 0) return null;
    const rest = [...t.factors];
    for (const f of d.factors) {
      const at = rest.indexOf(f);
      if (at < 0) return null;
      rest.splice(at, 1);
    }
    return this.fromMonomial({ coef: t.coef / d.coef, factors: rest });
  }

  /** `a + sign·b`, `null` when either is unknown. */
  sum(a: SymDim, b: SymDim, sign = 1): SymDim {
    const la = this.linear(a);
    const lb = this.linear(b);
    if (!la || !lb) return null;
    const terms = new Map(la.terms);
    lb.terms.forEach((c, name) => terms.set(name, (terms.get(name) ?? 0) + sign * c));
    return this.fromLinear({ constant: la.constant + sign * lb.constant, terms });
  }

  /** Length of Range(start, limit, 1): a size or a plain name, else a fresh name. */
  rangeLength(start: SymDim, limit: SymDim): SymDim {
    const length = this.sum(limit, start, -1);
    if (typeof length === 'number') return Math.max(0, length);
    // A compound difference may be negative (Range then has length 0): only a plain name is safe.
    return typeof length === 'string' && !this.sums.has(length) ? length : this.fresh();
  }

  private monomial(d: SymDim): Monomial | null {
    if (d === null) return null;
    if (typeof d === 'number') return { coef: d, factors: [] };
    return this.products.get(d) ?? { coef: 1, factors: [d] };
  }

  private fromMonomial(m: Monomial): SymDim {
    if (m.factors.length === 0) return m.coef;
    if (m.factors.length === 1 && m.coef === 1) return m.factors[0];
    const name = `?(${[...(m.coef === 1 ? [] : [String(m.coef)]), ...m.factors].join('*')})`;
    this.products.set(name, m);
    return name;
  }

  private linear(d: SymDim): Linear | null {
    if (d === null) return null;
    if (typeof d === 'number') return { constant: d, terms: new Map() };
    return this.sums.get(d) ?? { constant: 0, terms: new Map([[d, 1]]) };
  }

  private fromLinear(l: Linear): SymDim {
    const terms = [...l.terms].filter(([, c]) => c !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (terms.length === 0) return l.constant;
    if (terms.length === 1 && terms[0][1] === 1 && l.constant === 0) return terms[0][0];
    const text = terms.map(([name, c], i) => `${c < 0 ? '-' : i ? '+' : ''}${Math.abs(c) === 1 ? '' : `${Math.abs(c)}*`}${name}`).join('');
    const name = `?(${text}${l.constant ? (l.constant > 0 ? '+' : '') + l.constant : ''})`;
    this.sums.set(name, { constant: l.constant, terms: new Map(terms) });
    return name;
  }
}
