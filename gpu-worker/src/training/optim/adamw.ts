/**
 * @module training/optim/adamw
 * AdamW (Loshchilov & Hutter 2019, "Decoupled weight decay regularization", ICLR, Algorithm 2)
 * over named float32 parameters, updated in place. The arithmetic follows PyTorch's
 * `torch.optim.AdamW` (single-tensor path, `amsgrad=False`, `maximize=False`) step by step:
 *
 *   θ ← θ·(1 − lr·λ)                      decoupled weight decay, before the moments
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * so ε is added after the bias correction of v, as PyTorch does (Kingma & Ba 2015 write the same
 * with v̂). Values PyTorch keeps as float32 tensors are rounded to float32 at the same points, so
 * results agree with PyTorch's float32 AdamW to within an ulp or so.
 */

/** Options of {@link createAdamW}. */
export interface AdamWOptions {
  /** Learning rate used when {@link AdamW.step} gets none (e.g. from a schedule). Must be ≥ 0. */
  lr: number;
  /** Decay rate of the first moment, in [0, 1). @default 0.9 */
  beta1?: number;
  /** Decay rate of the second moment, in [0, 1). @default 0.999 */
  beta2?: number;
  /** Added to the bias-corrected √v for numerical stability; ≥ 0. @default 1e-8 */
  eps?: number;
  /** Decoupled weight decay coefficient λ (per unit of lr, as PyTorch); ≥ 0. @default 0.01 */
  weightDecay?: number;
  /**
   * Parameters exempt from weight decay, by name (commonly biases and norm gains).
   * @default every parameter decays
   */
  noDecay?: (name: string) => boolean;
}

/** The optimizer's state: what a checkpoint must keep to resume exactly. */
export interface AdamWState {
  /** Number of steps taken so far (PyTorch's `state['step']`). */
  step: number;
  /** First moments (`exp_avg`), by parameter name; same lengths as the parameters. */
  m: Map<string, Float32Array>;
  /** Second moments (`exp_avg_sq`), by parameter name. */
  v: Map<string, Float32Array>;
}

/** An AdamW optimizer bound to a set of parameters. */
export interface AdamW {
  /** Steps taken so far; the schedule's step index for the next update. */
  readonly stepCount: number;
  /**
   * One update of every parameter, in place.
   * @param grads - a gradient for every parameter, same names and lengths
   * @param lr - learning rate for this step; @default the `lr` option
   * @throws RangeError naming the parameter when a gradient is missing, unknown or the wrong length
   */
  step(grads: ReadonlyMap<string, Float32Array>, lr?: number): void;
  /** A copy of the state (moments copied, so later steps do not change it). */
  state(): AdamWState;
  /**
   * Replaces the state with a copy of `state`.
   * @throws RangeError naming the parameter when a moment is missing, unknown or the wrong length
   */
  loadState(state: AdamWState): void;
}

function assertInRange(name: string, value: number, ok: boolean, range: string): void {
  if (!ok || !Number.isFinite(value)) throw new RangeError(`${name} must be ${range}, got ${value}`);
}

function assertLr(name: string, lr: number): void {
  assertInRange(name, lr, lr >= 0, 'a non-negative finite number');
}

/** Throws unless `maps` hold exactly the names of `params`, with matching lengths. */
function assertSameLayout(what: string, params: ReadonlyMap<string, Float32Array>, map: ReadonlyMap<string, Float32Array>): void {
  for (const [name, param] of params) {
    const value = map.get(name);
    if (value === undefined) throw new RangeError(`${what} is missing parameter ${name}`);
    if (value.length !== param.length) {
      throw new RangeError(`${what} for ${name} has ${value.length} elements, the parameter has ${param.length}`);
    }
  }
  for (const name of map.keys()) {
    if (!params.has(name)) throw new RangeError(`${what} names ${name}, which is not a parameter`);
  }
}

function copyMap(map: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  return new Map([...map].map(([name, values]) => [name, values.slice()]));
}

/**
 * Creates an AdamW optimizer over `params`; the arrays are updated in place by {@link AdamW.step}.
 *
 * @throws RangeError naming the option when an option is out of range
 * @example
 * const opt = createAdamW(loraWeights, { lr: 2e-4, noDecay: (name) => name.endsWith('.bias') });
 * opt.step(grads, lrAt(opt.stepCount, schedule));
 */
export function createAdamW(params: ReadonlyMap<string, Float32Array>, options: AdamWOptions): AdamW {
  const opts = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, noDecay: () => false, ...options } satisfies Required<AdamWOptions>;
  assertLr('lr', opts.lr);
  assertInRange('beta1', opts.beta1, opts.beta1 >= 0 && opts.beta1 < 1, 'in [0, 1)');
  assertInRange('beta2', opts.beta2, opts.beta2 >= 0 && opts.beta2 < 1, 'in [0, 1)');
  assertInRange('eps', opts.eps, opts.eps >= 0, 'a non-negative finite number');
  assertInRange('weightDecay', opts.weightDecay, opts.weightDecay >= 0, 'a non-negative finite number');

  const decays = new Map([...params.keys()].map((name) => [name, !opts.noDecay(name)]));
  let m: Map<string, Float32Array> = new Map([...params].map(([name, p]) => [name, new Float32Array(p.length)]));
  let v: Map<string, Float32Array> = new Map([...params].map(([name, p]) => [name, new Float32Array(p.length)]));
  let t = 0;

  return {
    get stepCount() {
      return t;
    },

    step(grads, lr = opts.lr) {
      assertLr('lr', lr);
      assertSameLayout('grads', params, grads);
      t += 1;
      const { beta1, beta2, eps } = opts;
      const stepSize = lr / (1 - beta1 ** t);
      const bias2Sqrt = Math.sqrt(1 - beta2 ** t);
      for (const [name, p] of params) {
        const g = grads.get(name)!;
        const mi = m.get(name)!;
        const vi = v.get(name)!;
        const keep = decays.get(name) ? 1 - lr * opts.weightDecay : 1;
        for (let i = 0; i < p.length; i++) {
          // Rounded to float32 where PyTorch stores a float32 tensor: m, v, the decayed θ, the denominator.
          const gi = g[i];
          const mNew = (mi[i] = Math.fround(beta1 * mi[i] + (1 - beta1) * gi));
          const vNew = (vi[i] = Math.fround(beta2 * vi[i] + (1 - beta2) * gi * gi));
          const denom = Math.fround(Math.fround(Math.sqrt(vNew) / bias2Sqrt) + eps);
          p[i] = Math.fround(p[i] * keep) - (stepSize * mNew) / denom;
        }
      }
    },

    state() {
      return { step: t, m: copyMap(m), v: copyMap(v) };
    },

    loadState(state) {
      if (!Number.isSafeInteger(state.step) || state.step < 0) throw new RangeError(`state.step must be a non-negative integer, got ${state.step}`);
      assertSameLayout('state.m', params, state.m);
      assertSameLayout('state.v', params, state.v);
      m = copyMap(state.m);
      v = copyMap(state.v);
      t = state.step;
    },
  };
}
