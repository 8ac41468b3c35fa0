/**
 * Numeric building blocks of the reference forward pass (test/reference/llama-reference.ts):
 * float64 matrix-vector products, RMSNorm, SiLU, rotary frequencies and rotation, shape checks.
 * Independent of the compiler under test.
 */
import type { LinearName, ReferenceConfig } from './llama-reference';

export const LINEAR_NAMES: readonly LinearName[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

export const f32 = Math.fround;

/** Maps a LoRA target spelling ('q', 'q_proj', 'self_attn.q_proj', …) to the canonical linear name. */
export function canonicalTarget(target: string): LinearName {
  const last = target.split('.').pop() ?? target;
  const name = (last.endsWith('_proj') ? last : `${last}_proj`) as LinearName;
  if (!LINEAR_NAMES.includes(name)) {
    throw new Error(`llama-reference: unknown LoRA target '${target}' (expected one of ${LINEAR_NAMES.join(', ')})`);
  }
  return name;
}

export function checkLength(name: string, t: Float32Array | undefined, expected: number): Float32Array {
  if (!(t instanceof Float32Array)) {
    throw new Error(`llama-reference: weight '${name}' is missing or not a Float32Array`);
  }
  if (t.length !== expected) {
    throw new Error(`llama-reference: weight '${name}' has ${t.length} elements, expected ${expected}`);
  }
  return t;
}

/** y[o] = sum_i W[o, i] x[i] (+ b[o]), accumulated in float64, W row-major [out, in]. */
export function matVec(W: Float32Array, x: ArrayLike<number>, out: number, inDim: number, bias?: Float32Array): Float64Array {
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = 0;
    const base = o * inDim;
    for (let i = 0; i < inDim; i++) s += W[base + i] * x[i];
    y[o] = bias ? s + bias[o] : s;
  }
  return y;
}

/** HF LlamaRMSNorm: x * rsqrt(mean(x^2) + eps) * weight (float64 here; result rounded to float32). */
export function rmsNorm(x: ArrayLike<number>, weight: Float32Array, eps: number): Float32Array {
  const n = x.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[i] * x[i];
  const inv = 1 / Math.sqrt(ss / n + eps);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = weight[i] * (x[i] * inv);
  return y;
}

export function silu(v: number): number {
  return v / (1 + Math.exp(-v));
}

export function resolveHeadDim(cfg: ReferenceConfig): number {
  const hd = cfg.head_dim ?? cfg.hidden_size / cfg.num_attention_heads;
  if (!Number.isInteger(hd) || hd <= 0 || hd % 2 !== 0) {
    throw new Error(`llama-reference: head_dim must be a positive even integer, got ${hd}`);
  }
  return hd;
}

/**
 * RoPE inverse frequencies (length head_dim / 2) exactly as transformers' `ROPE_INIT_FUNCTIONS`
 * compute them in float32: default `1 / theta^(2j/d)`, 'linear' divides them by `factor`
 * (equivalent to positions / factor), 'llama3' applies the low/high-frequency wavelength rule
 * with smooth interpolation in between. Exported so tests can inspect the scaling rules.
 */
export function referenceInvFreq(cfg: ReferenceConfig): Float32Array {
  const d = resolveHeadDim(cfg);
  const half = d / 2;
  const inv = new Float32Array(half);
  for (let j = 0; j < half; j++) {
    const exponent = f32((2 * j) / d);
    inv[j] = f32(1 / f32(Math.pow(cfg.rope_theta, exponent)));
  }
  const rs = cfg.rope_scaling;
  if (!rs) return inv;
  const type = rs.rope_type ?? rs.type ?? 'default';
  if (type === 'default') return inv;
  const factor = rs.factor;
  if (!(typeof factor === 'number' && factor > 0)) {
    throw new Error(`llama-reference: rope_scaling.factor must be a positive number, got ${factor}`);
  }
  if (type === 'linear') {
    for (let j = 0; j < half; j++) inv[j] = f32(inv[j] / factor);
    return inv;
  }
  if (type === 'llama3') {
    const low = rs.low_freq_factor ?? 1;
    const high = rs.high_freq_factor ?? 4;
    const oldCtx = rs.original_max_position_embeddings ?? 8192;
    const lowFreqWavelen = oldCtx / low;
    const highFreqWavelen = oldCtx / high;
    for (let j = 0; j < half; j++) {
      const f = inv[j];
      const wavelen = (2 * Math.PI) / f;
      // wavelen > low_freq_wavelen: divide by factor; wavelen < high_freq_wavelen: unchanged.
      let v = wavelen > lowFreqWavelen ? f / factor : f;
      const medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
      if (medium) {
        const smooth = (oldCtx / wavelen - low) / (high - low);
        v = ((1 - smooth) * v) / factor + smooth * v;
      }
      inv[j] = f32(v);
    }
    return inv;
  }
  throw new Error(`llama-reference: unsupported rope_scaling type '${type}' (supported: default, linear, llama3)`);
}

/** Applies HF `apply_rotary_pos_emb` (rotate_half convention) to one head vector in place. */
export function applyRope(v: Float64Array, offset: number, d: number, cos: Float64Array, sin: Float64Array): void {
  const half = d / 2;
  for (let i = 0; i < half; i++) {
    const a = v[offset + i];
    const b = v[offset + i + half];
    // out[i] = a*cos - b*sin; out[i+half] = b*cos + a*sin  (cos/sin equal in both halves)
    v[offset + i] = a * cos[i] - b * sin[i];
    v[offset + i + half] = b * cos[i] + a * sin[i];
  }
}

/** Rounds a float64 vector to float32 storage (mirrors fp32 activations between ops). */
export function toF32(x: Float64Array): Float32Array {
  return Float32Array.from(x);
}

