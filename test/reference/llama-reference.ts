/**
 * Independent reference forward pass for Hugging Face Llama checkpoints, used only by tests to
 * check the numbers produced by compiled ONNX graphs. Plain Float32Array / float64 math that
 * follows transformers' `modeling_llama.py` step by step (RMSNorm, rotate_half RoPE with the
 * default / linear / llama3 frequency rules, grouped-query attention with a causal + padding
 * mask, SwiGLU MLP, tied or untied LM head) plus optional per-row PEFT-style LoRA deltas.
 * Deliberately shares no code with the compiler or the ONNX helpers.
 */
import { applyRope, canonicalTarget, checkLength, f32, matVec, referenceInvFreq, resolveHeadDim, rmsNorm, silu, toF32 } from './llama-reference-ops';

export { referenceInvFreq };


/** Subset of a Hugging Face `LlamaConfig` (config.json field names) the reference needs. */
export interface ReferenceConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  /** Defaults to `num_attention_heads` (plain multi-head attention). */
  num_key_value_heads?: number;
  /** Defaults to `hidden_size / num_attention_heads`. */
  head_dim?: number;
  vocab_size: number;
  rms_norm_eps: number;
  rope_theta: number;
  /** When true the LM head is the embedding matrix. */
  tie_word_embeddings?: boolean;
  /** `rope_type` (or legacy `type`) 'default' | 'linear' | 'llama3'; anything else is rejected. */
  rope_scaling?: {
    rope_type?: string;
    type?: string;
    factor: number;
    low_freq_factor?: number;
    high_freq_factor?: number;
    original_max_position_embeddings?: number;
  } | null;
  /** q/k/v/o projections carry biases (`<name>.bias`). */
  attention_bias?: boolean;
  /** gate/up/down projections carry biases (`<name>.bias`). */
  mlp_bias?: boolean;
}

/** Returns the tensor stored under a Hugging Face parameter name, row-major; nn.Linear weights are [out, in]. */
export type WeightLookup = (name: string) => Float32Array;

/** Per-batch-row LoRA deltas, PEFT convention: `y = W x + scale * B (A x)` on each targeted linear. */
export interface ReferenceLora {
  /** Targeted linears, e.g. `['q_proj', 'v_proj', 'gate_proj']`; `'q'` is accepted for `'q_proj'` etc. */
  targets: string[];
  /**
   * One entry per batch row. `A(layer, target)` is [rank, in] (PEFT `lora_A.weight` layout) and
   * `B(layer, target)` is [out, rank]; `target` is passed exactly as written in `targets`.
   * `null` means that row runs without an adapter.
   */
  rows: Array<null | {
    scale: number;
    A: (layer: number, target: string) => Float32Array;
    B: (layer: number, target: string) => Float32Array;
    rank: number;
  }>;
}

/** Options for {@link referenceForward}. */
export interface ReferenceForwardOptions {
  /** [batch][seq], 1 (nonzero) = real token, 0 = padding; default all ones. */
  attentionMask?: number[][];
  /** [batch][seq] RoPE positions; default 0..seq-1 for every row. */
  positionIds?: number[][];
  /** Optional per-row LoRA adapters. */
  lora?: ReferenceLora;
}

/** Output of {@link referenceForward}: [batch][seq] vectors. */
export interface ReferenceForwardResult {
  /** Vocabulary logits per token (length `vocab_size`). */
  logits: Float32Array[][];
  /** Hidden state after the final `model.norm` (before the LM head), length `hidden_size`. */
  lastHidden: Float32Array[][];
}

export type LinearName = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';

/**
 * Runs the Llama decoder on `inputIds` ([batch][seq] token ids) and returns per-token logits and
 * final-norm hidden states. Each batch row is independent; a query attends to key j iff j is not
 * after it in the row and `attentionMask[b][j]` is nonzero. A query with no visible key (a padding
 * position in a left-padded row) outputs zeros from attention, which is finite but meaningless.
 * LoRA, when given, adds `scale * B (A x)` to each targeted linear for rows with an adapter.
 */
export function referenceForward(
  cfg: ReferenceConfig,
  w: WeightLookup,
  inputIds: number[][],
  opts: ReferenceForwardOptions = {},
): ReferenceForwardResult {
  const H = cfg.hidden_size;
  const I = cfg.intermediate_size;
  const V = cfg.vocab_size;
  const nH = cfg.num_attention_heads;
  const nKV = cfg.num_key_value_heads ?? nH;
  const hd = resolveHeadDim(cfg);
  const eps = cfg.rms_norm_eps;
  if (nH % nKV !== 0) throw new Error(`llama-reference: num_attention_heads ${nH} not divisible by num_key_value_heads ${nKV}`);
  const nRep = nH / nKV;
  const qDim = nH * hd;
  const kvDim = nKV * hd;
  const scaling = 1 / Math.sqrt(hd);

  // Shapes [out, in] of every linear in a layer.
  const shapes: Record<LinearName, [number, number]> = {
    q_proj: [qDim, H],
    k_proj: [kvDim, H],
    v_proj: [kvDim, H],
    o_proj: [H, qDim],
    gate_proj: [I, H],
    up_proj: [I, H],
    down_proj: [H, I],
  };

  // Fetch (and validate) each named tensor once.
  const cache = new Map<string, Float32Array>();
  const get = (name: string, expected: number): Float32Array => {
    let t = cache.get(name);
    if (!t) {
      t = checkLength(name, w(name), expected);
      cache.set(name, t);
    }
    return t;
  };
  const tryGet = (name: string, expected: number): Float32Array | undefined => {
    let t: Float32Array | undefined;
    try {
      t = w(name);
    } catch {
      return undefined;
    }
    if (t === undefined || t === null) return undefined;
    return checkLength(name, t, expected);
  };

  const embed = get('model.embed_tokens.weight', V * H);
  const lmHead = cfg.tie_word_embeddings ? embed : (tryGet('lm_head.weight', V * H) ?? embed);
  const finalNorm = get('model.norm.weight', H);
  const invFreq = referenceInvFreq(cfg);

  // LoRA setup.
  const lora = opts.lora;
  const loraTargets = new Map<LinearName, string>();
  if (lora) {
    for (const t of lora.targets) loraTargets.set(canonicalTarget(t), t);
    if (lora.rows.length !== inputIds.length) {
      throw new Error(`llama-reference: lora.rows has ${lora.rows.length} entries for a batch of ${inputIds.length}`);
    }
  }

  const logits: Float32Array[][] = [];
  const lastHidden: Float32Array[][] = [];

  for (let b = 0; b < inputIds.length; b++) {
    const ids = inputIds[b];
    const S = ids.length;
    const mask = opts.attentionMask?.[b] ?? new Array<number>(S).fill(1);
    const pos = opts.positionIds?.[b] ?? Array.from({ length: S }, (_, t) => t);
    if (mask.length !== S) throw new Error(`llama-reference: attentionMask row ${b} has length ${mask.length}, expected ${S}`);
    if (pos.length !== S) throw new Error(`llama-reference: positionIds row ${b} has length ${pos.length}, expected ${S}`);
    const adapter = lora ? lora.rows[b] : null;

    // linear with optional bias and optional LoRA delta for this row.
    const linear = (layer: number, module: 'self_attn' | 'mlp', name: LinearName, x: ArrayLike<number>, hasBias: boolean): Float64Array => {
      const [out, inDim] = shapes[name];
      const prefix = `model.layers.${layer}.${module}.${name}`;
      const W = get(`${prefix}.weight`, out * inDim);
      const bias = hasBias ? get(`${prefix}.bias`, out) : undefined;
      const y = matVec(W, x, out, inDim, bias);
      const target = loraTargets.get(name);
      if (adapter && target !== undefined) {
        const r = adapter.rank;
        const A = checkLength(`lora A (layer ${layer}, ${target})`, adapter.A(layer, target), r * inDim);
        const B = checkLength(`lora B (layer ${layer}, ${target})`, adapter.B(layer, target), out * r);
        const ax = matVec(A, x, r, inDim);
        const bax = matVec(B, ax, out, r);
        for (let o = 0; o < out; o++) y[o] += adapter.scale * bax[o];
      }
      return y;
    };

    // Per-position cos/sin (HF: freqs = inv_freq * position in float32, then cos/sin).
    const half = hd / 2;
    const cosT: Float64Array[] = [];
    const sinT: Float64Array[] = [];
    for (let t = 0; t < S; t++) {
      const c = new Float64Array(half);
      const s = new Float64Array(half);
      for (let j = 0; j < half; j++) {
        const ang = f32(invFreq[j] * f32(pos[t]));
        c[j] = f32(Math.cos(ang));
        s[j] = f32(Math.sin(ang));
      }
      cosT.push(c);
      sinT.push(s);
    }

    // Embedding lookup.
    let hidden: Float32Array[] = ids.map((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new Error(`llama-reference: token id ${id} at [${b}][${t}] outside vocabulary of ${V}`);
      }
      return embed.slice(id * H, (id + 1) * H);
    });

    for (let l = 0; l < cfg.num_hidden_layers; l++) {
      const lp = `model.layers.${l}`;
      const inNorm = get(`${lp}.input_layernorm.weight`, H);
      const postNorm = get(`${lp}.post_attention_layernorm.weight`, H);
      const ab = !!cfg.attention_bias;
      const mb = !!cfg.mlp_bias;

      // Projections + RoPE.
      const qs: Float32Array[] = [];
      const ks: Float32Array[] = [];
      const vs: Float32Array[] = [];
      for (let t = 0; t < S; t++) {
        const x = rmsNorm(hidden[t], inNorm, eps);
        const q = linear(l, 'self_attn', 'q_proj', x, ab);
        const k = linear(l, 'self_attn', 'k_proj', x, ab);
        const v = linear(l, 'self_attn', 'v_proj', x, ab);
        for (let h = 0; h < nH; h++) applyRope(q, h * hd, hd, cosT[t], sinT[t]);
        for (let h = 0; h < nKV; h++) applyRope(k, h * hd, hd, cosT[t], sinT[t]);
        qs.push(toF32(q));
        ks.push(toF32(k));
        vs.push(toF32(v));
      }

      // Attention per query token and head.
      const next: Float32Array[] = [];
      for (let t = 0; t < S; t++) {
        const attn = new Float64Array(qDim);
        for (let h = 0; h < nH; h++) {
          const kvh = Math.floor(h / nRep);
          const scores: number[] = [];
          const keys: number[] = [];
          let max = -Infinity;
          for (let j = 0; j <= t; j++) {
            if (!mask[j]) continue;
            let s = 0;
            for (let e = 0; e < hd; e++) s += qs[t][h * hd + e] * ks[j][kvh * hd + e];
            s *= scaling;
            scores.push(s);
            keys.push(j);
            if (s > max) max = s;
          }
          if (keys.length === 0) continue; // fully masked query: zeros
          let denom = 0;
          for (let n = 0; n < scores.length; n++) {
            scores[n] = Math.exp(scores[n] - max);
            denom += scores[n];
          }
          for (let n = 0; n < keys.length; n++) {
            const p = scores[n] / denom;
            const vj = vs[keys[n]];
            for (let e = 0; e < hd; e++) attn[h * hd + e] += p * vj[kvh * hd + e];
          }
        }
        const o = linear(l, 'self_attn', 'o_proj', toF32(attn), ab);
        const h1 = new Float32Array(H);
        for (let i = 0; i < H; i++) h1[i] = hidden[t][i] + o[i];

        // MLP: down(silu(gate x) * up x).
        const x2 = rmsNorm(h1, postNorm, eps);
        const g = linear(l, 'mlp', 'gate_proj', x2, mb);
        const u = linear(l, 'mlp', 'up_proj', x2, mb);
        const act = new Float32Array(I);
        for (let i = 0; i < I; i++) act[i] = f32(silu(f32(g[i]))) * f32(u[i]);
        const dOut = linear(l, 'mlp', 'down_proj', act, mb);
        const h2 = new Float32Array(H);
        for (let i = 0; i < H; i++) h2[i] = h1[i] + dOut[i];
        next.push(h2);
      }
      hidden = next;
    }

    const rowHidden: Float32Array[] = [];
    const rowLogits: Float32Array[] = [];
    for (let t = 0; t < S; t++) {
      const hN = rmsNorm(hidden[t], finalNorm, eps);
      rowHidden.push(hN);
      rowLogits.push(toF32(matVec(lmHead, hN, V, H)));
    }
    lastHidden.push(rowHidden);
    logits.push(rowLogits);
  }

  return { logits, lastHidden };
}
