/**
 * Self-checks for the Llama reference forward pass: hand-computed tiny models, causality,
 * left-padding invariance, grouped-query attention, RoPE scaling rules and per-row LoRA.
 */
import { describe, expect, it } from 'vitest';
import { referenceForward, referenceInvFreq, type ReferenceConfig, type ReferenceLora, type WeightLookup } from './llama-reference';
import { mulberry32 } from '../../shared/personalization/mulberry32.test-fixture';

// ---------------------------------------------------------------------------------------------
// Helpers (deliberately naive and independent of the implementation under test)
// ---------------------------------------------------------------------------------------------


function randArray(rng: () => number, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng() * 2 - 1) * scale;
  return a;
}

function headDimOf(cfg: ReferenceConfig): number {
  return cfg.head_dim ?? cfg.hidden_size / cfg.num_attention_heads;
}

/** Random HF-named weights for `cfg` (norm weights near 1, matrices ~U(-0.3, 0.3)). */
function randomWeights(cfg: ReferenceConfig, seed: number): Map<string, Float32Array> {
  const rng = mulberry32(seed);
  const H = cfg.hidden_size;
  const I = cfg.intermediate_size;
  const hd = headDimOf(cfg);
  const q = cfg.num_attention_heads * hd;
  const kv = (cfg.num_key_value_heads ?? cfg.num_attention_heads) * hd;
  const m = new Map<string, Float32Array>();
  const norm = (n: number) => Float32Array.from(randArray(rng, n, 0.2), (v) => 1 + v);
  m.set('model.embed_tokens.weight', randArray(rng, cfg.vocab_size * H, 1));
  for (let l = 0; l < cfg.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    m.set(`${p}.input_layernorm.weight`, norm(H));
    m.set(`${p}.post_attention_layernorm.weight`, norm(H));
    const lin: Array<[string, number, number, boolean]> = [
      ['self_attn.q_proj', q, H, !!cfg.attention_bias],
      ['self_attn.k_proj', kv, H, !!cfg.attention_bias],
      ['self_attn.v_proj', kv, H, !!cfg.attention_bias],
      ['self_attn.o_proj', H, q, !!cfg.attention_bias],
      ['mlp.gate_proj', I, H, !!cfg.mlp_bias],
      ['mlp.up_proj', I, H, !!cfg.mlp_bias],
      ['mlp.down_proj', H, I, !!cfg.mlp_bias],
    ];
    for (const [name, out, inp, bias] of lin) {
      m.set(`${p}.${name}.weight`, randArray(rng, out * inp, 0.6 / Math.sqrt(inp) * 2));
      if (bias) m.set(`${p}.${name}.bias`, randArray(rng, out, 0.1));
    }
  }
  m.set('model.norm.weight', norm(H));
  if (!cfg.tie_word_embeddings) m.set('lm_head.weight', randArray(rng, cfg.vocab_size * H, 0.5));
  return m;
}

function lookup(m: Map<string, Float32Array>): WeightLookup {
  return (name) => {
    const t = m.get(name);
    if (!t) throw new Error(`missing weight ${name}`);
    return t;
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function maxDiffRows(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((r, i) => maxAbsDiff(r, b[i])));
}

/** Naive y = W x (+ b) with W row-major [out, in]. */
function mv(W: ArrayLike<number>, x: number[], out: number, b?: ArrayLike<number>): number[] {
  const n = x.length;
  const y: number[] = [];
  for (let o = 0; o < out; o++) {
    let s = b ? b[o] : 0;
    for (let i = 0; i < n; i++) s += W[o * n + i] * x[i];
    y.push(s);
  }
  return y;
}

function rms(x: number[], w: ArrayLike<number>, eps: number): number[] {
  const ms = x.reduce((s, v) => s + v * v, 0) / x.length;
  return x.map((v, i) => (v / Math.sqrt(ms + eps)) * w[i]);
}

const silu = (v: number) => v / (1 + Math.exp(-v));
const eye = (n: number) => Float32Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0));
const randomIds = (rng: () => number, n: number, V: number) => Array.from({ length: n }, () => Math.floor(rng() * V));

// ---------------------------------------------------------------------------------------------
// (a) hand-computed tiny models
// ---------------------------------------------------------------------------------------------

describe('hand-computed tiny model (hidden 4, 2 heads, vocab 5)', () => {
  const base: ReferenceConfig = {
    hidden_size: 4,
    intermediate_size: 4,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    vocab_size: 5,
    rms_norm_eps: 0,
    rope_theta: 10000,
  };

  /** Weights where v = o = I and the lm head picks coordinates: token 2 embeds to [1,-1,1,-1]. */
  function literalWeights(gateIdentity: boolean): Map<string, Float32Array> {
    const rng = mulberry32(7);
    const m = new Map<string, Float32Array>();
    const embed = randArray(rng, 20, 1);
    embed.set([1, -1, 1, -1], 2 * 4);
    m.set('model.embed_tokens.weight', embed);
    m.set('model.layers.0.input_layernorm.weight', new Float32Array([1, 1, 1, 1]));
    m.set('model.layers.0.post_attention_layernorm.weight', new Float32Array([1, 1, 1, 1]));
    // q/k are irrelevant for a single token: random.
    m.set('model.layers.0.self_attn.q_proj.weight', randArray(rng, 16, 1));
    m.set('model.layers.0.self_attn.k_proj.weight', randArray(rng, 16, 1));
    m.set('model.layers.0.self_attn.v_proj.weight', eye(4));
    m.set('model.layers.0.self_attn.o_proj.weight', eye(4));
    m.set('model.layers.0.mlp.gate_proj.weight', gateIdentity ? eye(4) : new Float32Array(16));
    m.set('model.layers.0.mlp.up_proj.weight', gateIdentity ? eye(4) : randArray(rng, 16, 1));
    m.set('model.layers.0.mlp.down_proj.weight', gateIdentity ? eye(4) : randArray(rng, 16, 1));
    m.set('model.norm.weight', gateIdentity ? new Float32Array([1, 2, 3, 4]) : new Float32Array([1, 1, 1, 1]));
    // rows: e0, e1, e2, e3, (1,1,1,1)
    m.set('lm_head.weight', new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1]));
    return m;
  }

  it('zero gate: logits are the embedding coordinates', () => {
    // x = rms(e) = e; attn = v = e; h = 2e; mlp = down(silu(0) * up) = 0; norm(2e) = e.
    const { logits, lastHidden } = referenceForward(base, lookup(literalWeights(false)), [[2]]);
    expect(maxAbsDiff(lastHidden[0][0], [1, -1, 1, -1])).toBeLessThan(1e-6);
    expect(maxAbsDiff(logits[0][0], [1, -1, 1, -1, 0])).toBeLessThan(1e-6);
  });

  it('identity SwiGLU: silu enters the residual stream', () => {
    // h = [2,-2,2,-2]; x2 = rms(h) = [1,-1,1,-1]; act = silu(x2) * x2 = [σ(1), σ(-1), σ(1), σ(-1)].
    const s1 = 1 / (1 + Math.exp(-1));
    const sm1 = 1 / (1 + Math.exp(1));
    const a = 2 + s1;
    const b = -2 + sm1;
    const r = Math.sqrt((a * a + b * b) / 2);
    const hidden = [a / r, (2 * b) / r, (3 * a) / r, (4 * b) / r];
    const expected = [...hidden, hidden[0] + hidden[1] + hidden[2] + hidden[3]];
    const { logits, lastHidden } = referenceForward(base, lookup(literalWeights(true)), [[2]]);
    expect(maxAbsDiff(lastHidden[0][0], hidden)).toBeLessThan(1e-5);
    expect(maxAbsDiff(logits[0][0], expected)).toBeLessThan(1e-5);
  });

  it('random weights with biases: one token matches a step-by-step hand computation', () => {
    const cfg: ReferenceConfig = { ...base, rms_norm_eps: 1e-5, attention_bias: true, mlp_bias: true, intermediate_size: 6 };
    const m = randomWeights(cfg, 11);
    const g = (n: string) => m.get(n)!;
    const tok = 3;
    const e = Array.from(g('model.embed_tokens.weight').subarray(tok * 4, tok * 4 + 4));
    const x1 = rms(e, g('model.layers.0.input_layernorm.weight'), 1e-5);
    const v = mv(g('model.layers.0.self_attn.v_proj.weight'), x1, 4, g('model.layers.0.self_attn.v_proj.bias'));
    const o = mv(g('model.layers.0.self_attn.o_proj.weight'), v, 4, g('model.layers.0.self_attn.o_proj.bias'));
    const h1 = e.map((val, i) => val + o[i]);
    const x2 = rms(h1, g('model.layers.0.post_attention_layernorm.weight'), 1e-5);
    const gate = mv(g('model.layers.0.mlp.gate_proj.weight'), x2, 6, g('model.layers.0.mlp.gate_proj.bias'));
    const up = mv(g('model.layers.0.mlp.up_proj.weight'), x2, 6, g('model.layers.0.mlp.up_proj.bias'));
    const act = gate.map((val, i) => silu(val) * up[i]);
    const down = mv(g('model.layers.0.mlp.down_proj.weight'), act, 4, g('model.layers.0.mlp.down_proj.bias'));
    const h2 = h1.map((val, i) => val + down[i]);
    const f = rms(h2, g('model.norm.weight'), 1e-5);
    const expected = mv(g('lm_head.weight'), f, 5);

    const { logits, lastHidden } = referenceForward(cfg, lookup(m), [[tok]]);
    expect(maxAbsDiff(lastHidden[0][0], f)).toBeLessThan(1e-5);
    expect(maxAbsDiff(logits[0][0], expected)).toBeLessThan(1e-5);
    // A lone token's output does not depend on its position (attention output is v).
    const moved = referenceForward(cfg, lookup(m), [[tok]], { positionIds: [[37]] });
    expect(maxAbsDiff(moved.logits[0][0], expected)).toBeLessThan(1e-5);
  });

  it('tied embeddings (or a missing lm_head) use the embedding matrix as the head', () => {
    const m = literalWeights(false);
    const embed = m.get('model.embed_tokens.weight')!;
    const { lastHidden } = referenceForward(base, lookup(m), [[2]]);
    const expected = mv(embed, Array.from(lastHidden[0][0]), 5);
    const tied = referenceForward({ ...base, tie_word_embeddings: true }, lookup(m), [[2]]);
    expect(maxAbsDiff(tied.logits[0][0], expected)).toBeLessThan(1e-5);
    m.delete('lm_head.weight');
    const absent = referenceForward(base, lookup(m), [[2]]);
    expect(maxAbsDiff(absent.logits[0][0], expected)).toBeLessThan(1e-5);
  });

  it('two tokens: RoPE (rotate_half, head_dim 4), causal softmax and GQA by hand', () => {
    // hidden 8: 2 query heads of dim 4 sharing one kv head; token 1 sees both keys.
    const cfg: ReferenceConfig = {
      hidden_size: 8,
      intermediate_size: 5,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      num_key_value_heads: 1,
      vocab_size: 5,
      rms_norm_eps: 1e-6,
      rope_theta: 100,
    };
    const m = randomWeights(cfg, 23);
    const g = (n: string) => m.get(n)!;
    const ids = [4, 1];
    const pos = [3, 5];
    const eps = 1e-6;
    const invFreq = [1, 1 / Math.sqrt(100)]; // 1/theta^(0/4), 1/theta^(2/4)
    const rope = (x: number[], p: number) => {
      // rotate_half: pairs (0,2) and (1,3)
      const c = [Math.cos(p * invFreq[0]), Math.cos(p * invFreq[1])];
      const s = [Math.sin(p * invFreq[0]), Math.sin(p * invFreq[1])];
      return [x[0] * c[0] - x[2] * s[0], x[1] * c[1] - x[3] * s[1], x[2] * c[0] + x[0] * s[0], x[3] * c[1] + x[1] * s[1]];
    };
    const emb = ids.map((id) => Array.from(g('model.embed_tokens.weight').subarray(id * 8, id * 8 + 8)));
    const xs = emb.map((e) => rms(e, g('model.layers.0.input_layernorm.weight'), eps));
    const q = xs.map((x) => mv(g('model.layers.0.self_attn.q_proj.weight'), x, 8));
    const k = xs.map((x, t) => rope(mv(g('model.layers.0.self_attn.k_proj.weight'), x, 4), pos[t]));
    const v = xs.map((x) => mv(g('model.layers.0.self_attn.v_proj.weight'), x, 4));
    const out: number[][] = [];
    for (let t = 0; t < 2; t++) {
      const attn: number[] = [];
      for (let h = 0; h < 2; h++) {
        const qh = rope(q[t].slice(h * 4, h * 4 + 4), pos[t]);
        const sc = [0, 1].filter((j) => j <= t).map((j) => qh.reduce((s, val, i) => s + val * k[j][i], 0) / 2);
        const mx = Math.max(...sc);
        const ex = sc.map((s) => Math.exp(s - mx));
        const z = ex.reduce((s, val) => s + val, 0);
        for (let i = 0; i < 4; i++) attn.push(ex.reduce((s, p, j) => s + (p / z) * v[j][i], 0));
      }
      const o = mv(g('model.layers.0.self_attn.o_proj.weight'), attn, 8);
      const h1 = emb[t].map((val, i) => val + o[i]);
      const x2 = rms(h1, g('model.layers.0.post_attention_layernorm.weight'), eps);
      const gate = mv(g('model.layers.0.mlp.gate_proj.weight'), x2, 5);
      const up = mv(g('model.layers.0.mlp.up_proj.weight'), x2, 5);
      const down = mv(g('model.layers.0.mlp.down_proj.weight'), gate.map((val, i) => silu(val) * up[i]), 8);
      const f = rms(h1.map((val, i) => val + down[i]), g('model.norm.weight'), eps);
      out.push(mv(g('lm_head.weight'), f, 5));
    }
    const { logits } = referenceForward(cfg, lookup(m), [ids], { positionIds: [pos] });
    expect(maxAbsDiff(logits[0][0], out[0])).toBeLessThan(1e-5);
    expect(maxAbsDiff(logits[0][1], out[1])).toBeLessThan(1e-5);
  });
});

// ---------------------------------------------------------------------------------------------
// Shared random model for the invariance checks
// ---------------------------------------------------------------------------------------------

const cfgRand: ReferenceConfig = {
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 11,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 },
};

describe('causality and left padding', () => {
  const m = randomWeights(cfgRand, 101);
  const w = lookup(m);
  const ids = randomIds(mulberry32(5), 6, cfgRand.vocab_size);

  it('a prefix gives the same logits as the start of a longer sequence', () => {
    const full = referenceForward(cfgRand, w, [ids]);
    const prefix = referenceForward(cfgRand, w, [ids.slice(0, 3)]);
    expect(maxDiffRows(prefix.logits[0], full.logits[0].slice(0, 3))).toBeLessThan(1e-6);
    // and the future does matter for later tokens (the model is not trivially position-free)
    const other = referenceForward(cfgRand, w, [[ids[0], ids[1], (ids[2] + 1) % cfgRand.vocab_size]]);
    expect(maxAbsDiff(other.logits[0][2], full.logits[0][2])).toBeGreaterThan(1e-3);
  });

  it('two padding positions in front do not change the real tokens (1e-5)', () => {
    const padded = [0, 7, ...ids];
    const mask = [0, 0, 1, 1, 1, 1, 1, 1];
    const pos = [1, 1, 0, 1, 2, 3, 4, 5];
    const ref = referenceForward(cfgRand, w, [ids]);
    const out = referenceForward(cfgRand, w, [ids, padded], {
      attentionMask: [[1, 1, 1, 1, 1, 1], mask],
      positionIds: [[0, 1, 2, 3, 4, 5], pos],
    });
    expect(maxDiffRows(out.logits[0], ref.logits[0])).toBeLessThan(1e-6);
    expect(maxDiffRows(out.logits[1].slice(2), ref.logits[0])).toBeLessThan(1e-5);
    expect(maxDiffRows(out.lastHidden[1].slice(2), ref.lastHidden[0])).toBeLessThan(1e-5);
    for (const row of out.logits[1]) for (const v of row) expect(Number.isFinite(v)).toBe(true);

    // Sensitivity: attending to the pads changes the result.
    const noMask = referenceForward(cfgRand, w, [padded], { positionIds: [pos] });
    expect(maxDiffRows(noMask.logits[0].slice(2), ref.logits[0])).toBeGreaterThan(1e-3);
    // RoPE is relative: default positions (real tokens at 2..7) agree too, up to float32 rounding.
    const shifted = referenceForward(cfgRand, w, [padded], { attentionMask: [mask] });
    expect(maxDiffRows(shifted.logits[0].slice(2), ref.logits[0])).toBeLessThan(1e-5);
    // …but the absolute position of the first token matters once attention spans distinct offsets.
    const spread = referenceForward(cfgRand, w, [padded], { attentionMask: [mask], positionIds: [[1, 1, 0, 2, 4, 6, 8, 10]] });
    expect(maxDiffRows(spread.logits[0].slice(2), ref.logits[0])).toBeGreaterThan(1e-4);
  });
});

// ---------------------------------------------------------------------------------------------
// (c) grouped-query attention
// ---------------------------------------------------------------------------------------------

describe('grouped-query attention', () => {
  /** Copies kv-head rows so head h uses kv head order[h] (weights [kv*hd, H], biases [kv*hd]). */
  function expandKv(src: Float32Array, rowLen: number, hd: number, order: number[]): Float32Array {
    const out = new Float32Array(order.length * hd * rowLen);
    order.forEach((kvh, h) => out.set(src.subarray(kvh * hd * rowLen, (kvh + 1) * hd * rowLen), h * hd * rowLen));
    return out;
  }

  function expanded(m: Map<string, Float32Array>, cfg: ReferenceConfig, order: number[]): Map<string, Float32Array> {
    const hd = headDimOf(cfg);
    const full = new Map(m);
    for (let l = 0; l < cfg.num_hidden_layers; l++) {
      for (const p of ['k_proj', 'v_proj']) {
        const name = `model.layers.${l}.self_attn.${p}`;
        full.set(`${name}.weight`, expandKv(m.get(`${name}.weight`)!, cfg.hidden_size, hd, order));
        if (cfg.attention_bias) full.set(`${name}.bias`, expandKv(m.get(`${name}.bias`)!, 1, hd, order));
      }
    }
    return full;
  }

  const ids = randomIds(mulberry32(9), 5, 13);

  it('kv_heads = 1 equals the model with k/v repeated to all heads', () => {
    const cfg: ReferenceConfig = {
      hidden_size: 16, intermediate_size: 20, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 1,
      head_dim: 6, vocab_size: 13, rms_norm_eps: 1e-6, rope_theta: 500, attention_bias: true,
    };
    const m = randomWeights(cfg, 202);
    const gqa = referenceForward(cfg, lookup(m), [ids]);
    const mha = referenceForward({ ...cfg, num_key_value_heads: 4 }, lookup(expanded(m, cfg, [0, 0, 0, 0])), [ids]);
    expect(maxDiffRows(gqa.logits[0], mha.logits[0])).toBeLessThan(1e-5);
  });

  it('kv_heads = 2 of 4 maps head h to kv head h // 2 (not h % 2)', () => {
    const cfg: ReferenceConfig = {
      hidden_size: 16, intermediate_size: 20, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
      vocab_size: 13, rms_norm_eps: 1e-6, rope_theta: 500,
    };
    const m = randomWeights(cfg, 303);
    const gqa = referenceForward(cfg, lookup(m), [ids]);
    const full = { ...cfg, num_key_value_heads: 4 };
    const right = referenceForward(full, lookup(expanded(m, cfg, [0, 0, 1, 1])), [ids]);
    const wrong = referenceForward(full, lookup(expanded(m, cfg, [0, 1, 0, 1])), [ids]);
    expect(maxDiffRows(gqa.logits[0], right.logits[0])).toBeLessThan(1e-5);
    expect(maxDiffRows(gqa.logits[0], wrong.logits[0])).toBeGreaterThan(1e-3);
  });
});

// ---------------------------------------------------------------------------------------------
// RoPE frequency rules
// ---------------------------------------------------------------------------------------------

describe('RoPE scaling', () => {
  const plain: ReferenceConfig = { ...cfgRand, rope_scaling: null };
  const m = randomWeights(plain, 404);
  const ids = randomIds(mulberry32(3), 4, plain.vocab_size);

  it('linear scaling by 2 at positions 2p equals no scaling at positions p', () => {
    const lin = referenceForward({ ...plain, rope_scaling: { rope_type: 'linear', factor: 2 } }, lookup(m), [ids], {
      positionIds: [[0, 2, 4, 6]],
    });
    const base = referenceForward(plain, lookup(m), [ids]);
    expect(maxDiffRows(lin.logits[0], base.logits[0])).toBeLessThan(1e-5);
  });

  it('llama3 with every wavelength beyond the old context equals linear scaling', () => {
    const l3 = { ...plain, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 1 } };
    const lin = { ...plain, rope_scaling: { type: 'linear', factor: 8 } };
    expect(Array.from(referenceInvFreq(l3))).toEqual(Array.from(referenceInvFreq(lin)));
    const a = referenceForward(l3, lookup(m), [ids]);
    const b = referenceForward(lin, lookup(m), [ids]);
    expect(maxDiffRows(a.logits[0], b.logits[0])).toBeLessThan(1e-6);
  });

  it('llama3 (Llama 3.1 settings) keeps high, divides low and smooths medium frequencies', () => {
    const cfg: ReferenceConfig = {
      ...plain, hidden_size: 4096, num_attention_heads: 32, head_dim: 128, rope_theta: 500000,
      rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
    };
    const inv = referenceInvFreq(cfg);
    const raw = (j: number) => 1 / Math.pow(500000, (2 * j) / 128);
    expect(inv.length).toBe(64);
    expect(inv[0]).toBe(1);
    expect(inv[20] / raw(20)).toBeCloseTo(1, 6); // wavelen < 2048: unchanged
    expect(inv[63] / (raw(63) / 8)).toBeCloseTo(1, 5); // wavelen > 8192: / factor
    const wl = (2 * Math.PI) / raw(31); // ~3900: medium band
    expect(wl).toBeGreaterThan(2048);
    expect(wl).toBeLessThan(8192);
    const smooth = (8192 / wl - 1) / (4 - 1);
    expect(inv[31] / ((1 - smooth) * raw(31) / 8 + smooth * raw(31))).toBeCloseTo(1, 5);
  });

  it('rejects unsupported rope types', () => {
    expect(() => referenceForward({ ...plain, rope_scaling: { rope_type: 'yarn', factor: 4 } }, lookup(m), [ids])).toThrow(/yarn/);
  });
});

// ---------------------------------------------------------------------------------------------
// (d) LoRA
// ---------------------------------------------------------------------------------------------

describe('per-row LoRA', () => {
  const cfg: ReferenceConfig = { ...cfgRand, rope_scaling: null, attention_bias: true };
  const m = randomWeights(cfg, 505);
  const ids = randomIds(mulberry32(8), 5, cfg.vocab_size);
  const H = cfg.hidden_size;
  const I = cfg.intermediate_size;
  const hd = headDimOf(cfg);
  const qDim = cfg.num_attention_heads * hd;
  const kvDim = (cfg.num_key_value_heads ?? cfg.num_attention_heads) * hd;
  const dims: Record<string, [number, number, string]> = {
    q_proj: [qDim, H, 'self_attn'], k_proj: [kvDim, H, 'self_attn'], v_proj: [kvDim, H, 'self_attn'], o_proj: [H, qDim, 'self_attn'],
    gate_proj: [I, H, 'mlp'], up_proj: [I, H, 'mlp'], down_proj: [H, I, 'mlp'],
  };
  const rank = 3;

  /** Random A [r, in] and B [out, r] for every (layer, target). */
  function makeAdapter(seed: number, targets: string[]) {
    const rng = mulberry32(seed);
    const A = new Map<string, Float32Array>();
    const B = new Map<string, Float32Array>();
    for (let l = 0; l < cfg.num_hidden_layers; l++) {
      for (const t of targets) {
        const [out, inp] = dims[t];
        A.set(`${l}.${t}`, randArray(rng, rank * inp, 0.5));
        B.set(`${l}.${t}`, randArray(rng, out * rank, 0.5));
      }
    }
    return { A, B };
  }

  /** Base weights with W += scale * B A merged for each target. */
  function merged(adapter: { A: Map<string, Float32Array>; B: Map<string, Float32Array> }, targets: string[], scale: number) {
    const out = new Map(m);
    for (let l = 0; l < cfg.num_hidden_layers; l++) {
      for (const t of targets) {
        const [o, inp, mod] = dims[t];
        const name = `model.layers.${l}.${mod}.${t}.weight`;
        const W = Float32Array.from(m.get(name)!);
        const A = adapter.A.get(`${l}.${t}`)!;
        const B = adapter.B.get(`${l}.${t}`)!;
        for (let r = 0; r < o; r++) {
          for (let c = 0; c < inp; c++) {
            let s = 0;
            for (let k = 0; k < rank; k++) s += B[r * rank + k] * A[k * inp + c];
            W[r * inp + c] += scale * s;
          }
        }
        out.set(name, W);
      }
    }
    return out;
  }

  function loraRow(adapter: { A: Map<string, Float32Array>; B: Map<string, Float32Array> }, scale: number) {
    return {
      scale,
      rank,
      A: (l: number, t: string) => adapter.A.get(`${l}.${t}`)!,
      B: (l: number, t: string) => adapter.B.get(`${l}.${t}`)!,
    };
  }

  const base = referenceForward(cfg, lookup(m), [ids]);

  it('scale 0 equals no LoRA', () => {
    const targets = ['q_proj', 'v_proj', 'gate_proj'];
    const ad = makeAdapter(1, targets);
    const out = referenceForward(cfg, lookup(m), [ids], { lora: { targets, rows: [loraRow(ad, 0)] } });
    expect(maxDiffRows(out.logits[0], base.logits[0])).toBe(0);
  });

  it('q_proj LoRA equals merging scale * B A into the weight; a null row is the base model', () => {
    const targets = ['q_proj'];
    const ad = makeAdapter(2, targets);
    const scale = 1.75;
    const lora: ReferenceLora = { targets, rows: [loraRow(ad, scale), null] };
    const out = referenceForward(cfg, lookup(m), [ids, ids], { lora });
    const want = referenceForward(cfg, lookup(merged(ad, targets, scale)), [ids]);
    expect(maxDiffRows(out.logits[0], want.logits[0])).toBeLessThan(1e-5);
    expect(maxDiffRows(out.logits[0], base.logits[0])).toBeGreaterThan(1e-3);
    expect(maxDiffRows(out.logits[1], base.logits[0])).toBe(0);
  });

  it('LoRA on all seven linears across layers equals the merged model (short target names accepted)', () => {
    const targets = Object.keys(dims);
    const ad = makeAdapter(3, targets);
    const scale = 0.5;
    const shortNames = targets.map((t) => t.replace('_proj', ''));
    const row = loraRow(ad, scale);
    const out = referenceForward(cfg, lookup(m), [ids], {
      lora: { targets: shortNames, rows: [{ ...row, A: (l, t) => row.A(l, `${t}_proj`), B: (l, t) => row.B(l, `${t}_proj`) }] },
    });
    const want = referenceForward(cfg, lookup(merged(ad, targets, scale)), [ids]);
    expect(maxDiffRows(out.logits[0], want.logits[0])).toBeLessThan(1e-5);
    expect(maxDiffRows(out.lastHidden[0], want.lastHidden[0])).toBeLessThan(1e-5);
  });
});
