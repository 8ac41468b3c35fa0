/** @module training/optim/adamw.test AdamW against hand-computed steps and closed forms. */
import { describe, expect, it } from 'vitest';
import { createAdamW } from './adamw';

const grad = (values: number[]) => new Map([['w', new Float32Array(values)]]);

describe('AdamW step', () => {
  it('matches three hand-computed PyTorch AdamW steps on a 2-element vector', () => {
    // lr 0.1, β = (0.9, 0.999), ε = 1e-8, λ = 0.01; θ₀ = [1, −2]; g = [0.5, −1], [−0.25, 0.5], [1, 0].
    // Step 1: θ·0.999; m = 0.1g = [0.05, −0.1]; v = 0.001g² = [0.00025, 0.001]; m̂ = g, √v̂ = |g|, so
    //   θ₁ = [0.999 − 0.1·0.5/(0.5 + 1e-8), −1.998 + 0.1·1/(1 + 1e-8)] = [0.899000002, −1.898000001].
    // Step 2: m = [0.045 − 0.025, −0.09 + 0.05] = [0.02, −0.04]; v = [0.00024975 + 0.0000625, 0.000999 + 0.00025]
    //   = [0.00031225, 0.001249]; step size 0.1/(1 − 0.81); √(1 − 0.998001) = √0.001999;
    //   θ₂ = 0.999·θ₁ − (0.1/0.19)·m/(√v/√0.001999 + 1e-8) = [0.871467299, −1.869468297].
    // Step 3: m = [0.018 + 0.1, −0.036] = [0.118, −0.036]; v = [0.00031193775 + 0.001, 0.001247751];
    //   bias corrections 1 − 0.729 = 0.271 and 1 − 0.997002999 = 0.002997001: θ₃ = [0.804784672, −1.847010899].
    const params = new Map([['w', new Float32Array([1, -2])]]);
    const opt = createAdamW(params, { lr: 0.1 });
    const expected = [
      { theta: [0.899000002, -1.898000001], m: [0.05, -0.1], v: [0.00025, 0.001] },
      { theta: [0.8714672987058463, -1.869468297369903], m: [0.02, -0.04], v: [0.00031225, 0.001249] },
      { theta: [0.804784672376384, -1.8470108990330805], m: [0.118, -0.036], v: [0.00131193775, 0.001247751] },
    ];
    [[0.5, -1], [-0.25, 0.5], [1, 0]].forEach((g, t) => {
      opt.step(grad(g));
      const { step, m, v } = opt.state();
      expect(step).toBe(t + 1);
      for (let i = 0; i < 2; i++) {
        expect(params.get('w')![i]).toBeCloseTo(expected[t].theta[i], 6);
        expect(m.get('w')![i]).toBeCloseTo(expected[t].m[i], 8);
        expect(v.get('w')![i] / expected[t].v[i]).toBeCloseTo(1, 6);
      }
    });
  });

  it('moves by exactly lr·g/(|g| + ε) each step under a constant gradient, since bias correction makes m̂ = g and v̂ = g²', () => {
    // Linear loss g·θ with decoupled decay: θₜ = ρᵗθ₀ − u(1 − ρᵗ)/λ, ρ = 1 − lr·λ, u = g/(|g| + ε).
    const lr = 0.05;
    const weightDecay = 0.2;
    const g = [0.003, -40];
    const params = new Map([['w', new Float32Array([2, 2])]]);
    const opt = createAdamW(params, { lr, weightDecay });
    for (let t = 1; t <= 50; t++) {
      opt.step(grad(g));
      const rho = (1 - lr * weightDecay) ** t;
      for (let i = 0; i < 2; i++) {
        const u = g[i] / (Math.abs(g[i]) + 1e-8);
        expect(params.get('w')![i]).toBeCloseTo(rho * 2 - (u * (1 - rho)) / weightDecay, 5);
      }
    }
  });

  it('follows the closed form of sign descent on a quadratic when β₁ = β₂ = ε = 0, whatever the curvature', () => {
    // f(θ) = ½Σ hᵢθᵢ², g = hθ: with no averaging the step is lr·sign(θ), so while θ keeps its sign
    // θₜ = ρᵗθ₀ − sign(θ₀)(1 − ρᵗ)/λ with ρ = 1 − lr·λ. Curvatures 2 and 50 give the same path.
    const lr = 0.01;
    const weightDecay = 0.1;
    const h = [2, 50, 50];
    const params = new Map([['w', new Float32Array([3, 3, -3])]]);
    const opt = createAdamW(params, { lr, weightDecay, beta1: 0, beta2: 0, eps: 0 });
    const w = params.get('w')!;
    for (let t = 0; t < 100; t++) opt.step(grad([h[0] * w[0], h[1] * w[1], h[2] * w[2]]));
    const rho = (1 - lr * weightDecay) ** 100; // 0.904792
    const closedForm = rho * 3 - (1 - rho) / weightDecay; // 1.7622979
    expect(closedForm).toBeCloseTo(1.7622979, 7);
    expect(w[0]).toBeCloseTo(closedForm, 4);
    expect(w[1]).toBeCloseTo(closedForm, 4);
    expect(w[2]).toBeCloseTo(-closedForm, 4);
  });

  it('converges to the minimum of a badly conditioned quadratic with the default betas and no weight decay', () => {
    const h = [0.01, 100];
    const c = [1.5, -0.5];
    const params = new Map([['w', new Float32Array([-1, 1])]]);
    const opt = createAdamW(params, { lr: 0.05, weightDecay: 0 });
    const w = params.get('w')!;
    for (let t = 0; t < 3000; t++) opt.step(grad([h[0] * (w[0] - c[0]), h[1] * (w[1] - c[1])]), 0.05 * (1 - t / 3000));
    expect(Math.abs(w[0] - c[0])).toBeLessThan(1e-3);
    expect(Math.abs(w[1] - c[1])).toBeLessThan(1e-3);
  });

  it('decays parameters with a zero gradient by (1 − lr·λ) per step, except those noDecay names', () => {
    const params = new Map([['w', new Float32Array([4, -4])], ['bias', new Float32Array([4])]]);
    const opt = createAdamW(params, { lr: 0.1, weightDecay: 0.5, noDecay: (name) => name === 'bias' });
    const zero = new Map([['w', new Float32Array(2)], ['bias', new Float32Array(1)]]);
    for (let t = 0; t < 3; t++) opt.step(zero);
    expect(params.get('w')![0]).toBeCloseTo(4 * 0.95 ** 3, 6); // 3.4295
    expect(params.get('w')![1]).toBeCloseTo(-4 * 0.95 ** 3, 6);
    expect(params.get('bias')![0]).toBe(4);
  });

  it('uses the learning rate passed to step for both the update and the decay', () => {
    const params = new Map([['w', new Float32Array([1])]]);
    const opt = createAdamW(params, { lr: 1, weightDecay: 0.5 });
    opt.step(grad([0]), 0.2);
    expect(params.get('w')![0]).toBeCloseTo(0.9, 7);
    opt.step(grad([0]), 0);
    expect(params.get('w')![0]).toBeCloseTo(0.9, 7);
  });
});

describe('AdamW state', () => {
  it('resumes bit for bit from a saved state on a fresh optimizer', () => {
    const grads = [[0.3, -0.7, 2], [1, 1, -1], [-0.2, 0.1, 0.05], [5, -5, 0]].map(grad);
    const a = new Map([['w', new Float32Array([0.1, 0.2, 0.3])]]);
    const optA = createAdamW(a, { lr: 0.01 });
    optA.step(grads[0]);
    optA.step(grads[1]);
    const saved = optA.state();
    const b = new Map([['w', a.get('w')!.slice()]]);
    const optB = createAdamW(b, { lr: 0.01 });
    optB.loadState(saved);
    expect(optB.stepCount).toBe(2);
    for (const g of grads.slice(2)) {
      optA.step(g);
      optB.step(g);
    }
    expect([...b.get('w')!]).toEqual([...a.get('w')!]);
  });

  it('returns a copy that later steps do not change', () => {
    const opt = createAdamW(new Map([['w', new Float32Array([1])]]), { lr: 0.1 });
    opt.step(grad([1]));
    const before = opt.state();
    opt.step(grad([1]));
    expect(before.step).toBe(1);
    expect(before.m.get('w')![0]).toBeCloseTo(0.1, 7);
  });
});

describe('AdamW validation', () => {
  const params = new Map([['w', new Float32Array(2)], ['b', new Float32Array(1)]]);

  it('names the option that is out of range', () => {
    expect(() => createAdamW(params, { lr: -1 })).toThrow('lr must be a non-negative finite number, got -1');
    expect(() => createAdamW(params, { lr: 1e-3, beta1: 1 })).toThrow('beta1 must be in [0, 1), got 1');
    expect(() => createAdamW(params, { lr: 1e-3, beta2: -0.1 })).toThrow('beta2 must be in [0, 1), got -0.1');
    expect(() => createAdamW(params, { lr: 1e-3, eps: Number.NaN })).toThrow('eps must be a non-negative finite number, got NaN');
    expect(() => createAdamW(params, { lr: 1e-3, weightDecay: -0.01 })).toThrow('weightDecay must be a non-negative finite number, got -0.01');
  });

  it('names the gradient that is missing, unknown or the wrong length, and takes no step', () => {
    const opt = createAdamW(params, { lr: 1e-3 });
    expect(() => opt.step(new Map([['w', new Float32Array(2)]]))).toThrow('grads is missing parameter b');
    expect(() => opt.step(new Map([['w', new Float32Array(3)], ['b', new Float32Array(1)]]))).toThrow('grads for w has 3 elements, the parameter has 2');
    expect(() => opt.step(new Map([['w', new Float32Array(2)], ['b', new Float32Array(1)], ['c', new Float32Array(1)]]))).toThrow('grads names c, which is not a parameter');
    expect(opt.stepCount).toBe(0);
  });

  it('refuses a state whose moments do not fit the parameters', () => {
    const opt = createAdamW(params, { lr: 1e-3 });
    const good = opt.state();
    expect(() => opt.loadState({ ...good, v: new Map([['w', new Float32Array(2)]]) })).toThrow('state.v is missing parameter b');
    expect(() => opt.loadState({ ...good, step: 1.5 })).toThrow('state.step must be a non-negative integer, got 1.5');
  });
});
