/**
 * @module gpu-worker/compiler/llama-config
 * Parses and checks a Hugging Face `config.json` for a Llama-family decoder, and derives the
 * dimensions and tensor names the compiler needs. Every rejection names the field at fault.
 */
import { z } from 'zod';

/** Architectures whose decoder is the Llama block (RMSNorm, RoPE, GQA, SwiGLU). */
export const SUPPORTED_MODEL_TYPES = ['llama', 'mistral'] as const;

/** LoRA target modules the compiler can expose as adapter inputs. */
export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];
export const DEFAULT_LORA_TARGETS: LoraTarget[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];

const positiveInt = z.number().int().positive();

const ropeScalingSchema = z
  .object({
    rope_type: z.string().optional(),
    type: z.string().optional(),
    factor: z.number().positive().optional(),
    low_freq_factor: z.number().positive().optional(),
    high_freq_factor: z.number().positive().optional(),
    original_max_position_embeddings: positiveInt.optional(),
  })
  .loose()
  .nullable()
  .optional();

const configSchema = z
  .object({
    model_type: z.string(),
    hidden_size: positiveInt,
    intermediate_size: positiveInt,
    num_hidden_layers: positiveInt,
    num_attention_heads: positiveInt,
    num_key_value_heads: positiveInt.optional(),
    head_dim: positiveInt.nullable().optional(),
    vocab_size: positiveInt,
    rms_norm_eps: z.number().positive().default(1e-6),
    rope_theta: z.number().positive().default(10000),
    max_position_embeddings: positiveInt.default(2048),
    tie_word_embeddings: z.boolean().default(false),
    rope_scaling: ropeScalingSchema,
    attention_bias: z.boolean().default(false),
    mlp_bias: z.boolean().default(false),
    hidden_act: z.string().default('silu'),
    sliding_window: z.number().int().nullable().optional(),
    bos_token_id: z.union([z.number(), z.array(z.number())]).nullable().optional(),
    eos_token_id: z.union([z.number(), z.array(z.number())]).nullable().optional(),
    _name_or_path: z.string().optional(),
  })
  .loose();

/** A checked model configuration with derived sizes. */
export interface LlamaConfig {
  readonly modelType: string;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
  readonly maxPositions: number;
  readonly tieWordEmbeddings: boolean;
  readonly ropeScaling: { type: 'llama3' | 'linear'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number } | null;
  readonly attentionBias: boolean;
  readonly mlpBias: boolean;
  /** The raw JSON, kept for the manifest and the tokenizer's defaults. */
  readonly raw: Record<string, unknown>;
}

/** Thrown for a configuration the compiler cannot build. `field` names the offending key. */
export class ModelConfigError extends Error {
  readonly code = 'MODEL_CONFIG';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ModelConfigError';
  }
}

/**
 * Validates a parsed `config.json`.
 *
 * @example
 * const cfg = parseLlamaConfig(JSON.parse(await readFile('config.json', 'utf8')));
 */
export function parseLlamaConfig(json: unknown): LlamaConfig {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    throw new ModelConfigError(`config.json: ${field || 'document'}: ${issue.message}`, field || undefined);
  }
  const c = parsed.data;
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(c.model_type)) {
    throw new ModelConfigError(
      `config.json: unsupported model_type "${c.model_type}" (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`,
      'model_type',
    );
  }
  if (c.hidden_act !== 'silu') {
    throw new ModelConfigError(`config.json: hidden_act "${c.hidden_act}" is not supported (only silu)`, 'hidden_act');
  }
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.head_dim == null && c.hidden_size % c.num_attention_heads !== 0) {
    throw new ModelConfigError(
      `config.json: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`,
      'hidden_size',
    );
  }
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw new ModelConfigError(
      `config.json: num_attention_heads ${c.num_attention_heads} is not divisible by num_key_value_heads ${numKvHeads}`,
      'num_key_value_heads',
    );
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (headDim % 2 !== 0) throw new ModelConfigError(`config.json: head dimension ${headDim} must be even for rotary embeddings`, 'head_dim');
  if (c.sliding_window != null && c.sliding_window < c.max_position_embeddings) {
    throw new ModelConfigError(`config.json: sliding_window attention (${c.sliding_window}) is not supported`, 'sliding_window');
  }
  return {
    modelType: c.model_type,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    vocabSize: c.vocab_size,
    rmsNormEps: c.rms_norm_eps,
    ropeTheta: c.rope_theta,
    maxPositions: c.max_position_embeddings,
    tieWordEmbeddings: c.tie_word_embeddings,
    ropeScaling: parseRopeScaling(c.rope_scaling ?? null, c.max_position_embeddings),
    attentionBias: c.attention_bias,
    mlpBias: c.mlp_bias,
    raw: json as Record<string, unknown>,
  };
}

function parseRopeScaling(rs: z.infer<typeof ropeScalingSchema>, maxPositions: number): LlamaConfig['ropeScaling'] {
  if (!rs) return null;
  const type = rs.rope_type ?? rs.type ?? 'default';
  if (type === 'default') return null;
  if (type !== 'llama3' && type !== 'linear') {
    throw new ModelConfigError(`config.json: rope_scaling type "${type}" is not supported (llama3, linear)`, 'rope_scaling');
  }
  if (rs.factor === undefined) throw new ModelConfigError('config.json: rope_scaling.factor is required', 'rope_scaling.factor');
  return {
    type,
    factor: rs.factor,
    lowFreqFactor: rs.low_freq_factor ?? 1,
    highFreqFactor: rs.high_freq_factor ?? 4,
    originalMaxPositions: rs.original_max_position_embeddings ?? maxPositions,
  };
}

/** The module path of a LoRA target inside a layer (`self_attn` or `mlp`). */
export function targetModule(target: LoraTarget): 'self_attn' | 'mlp' {
  return ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(target) ? 'self_attn' : 'mlp';
}

/** `[in, out]` feature sizes of a projection. */
export function projectionShape(cfg: LlamaConfig, target: LoraTarget): [number, number] {
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  switch (target) {
    case 'q_proj': return [cfg.hiddenSize, q];
    case 'k_proj': return [cfg.hiddenSize, kv];
    case 'v_proj': return [cfg.hiddenSize, kv];
    case 'o_proj': return [q, cfg.hiddenSize];
    case 'gate_proj': return [cfg.hiddenSize, cfg.intermediateSize];
    case 'up_proj': return [cfg.hiddenSize, cfg.intermediateSize];
    case 'down_proj': return [cfg.intermediateSize, cfg.hiddenSize];
  }
}

/** Hugging Face name of a projection weight, e.g. `model.layers.3.self_attn.q_proj.weight`. */
export function projectionWeightName(layer: number, target: LoraTarget): string {
  return `model.layers.${layer}.${targetModule(target)}.${target}.weight`;
}

/** Parses a comma-separated target list (`q,v` or `q_proj,v_proj`), naming any unknown entry. */
export function parseLoraTargets(spec: string | string[]): LoraTarget[] {
  const items = (Array.isArray(spec) ? spec : spec.split(',')).map((s) => s.trim()).filter(Boolean);
  const out: LoraTarget[] = [];
  for (const item of items) {
    const name = (item.endsWith('_proj') ? item : `${item}_proj`) as LoraTarget;
    if (!LORA_TARGETS.includes(name)) throw new ModelConfigError(`unknown LoRA target "${item}" (choose from ${LORA_TARGETS.join(', ')})`, 'lora_targets');
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
