/**
 * @module gpu-worker/adapters/adapter
 * The in-memory LoRA adapter, its error type, and the conversions between PEFT's weight layout
 * (`lora_A [r, in]`, `lora_B [out, r]`, as in `torch.nn.Linear`) and the graph's layout
 * (`A [in, r]`, `B [r, out]`, so that `x A B` is two plain MatMuls).
 */
import { projectionShape, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { transpose2d } from '../compiler/weights';

/** One target's weights in graph layout: `a` is `[in, r]`, `b` is `[r, out]`, both row-major. */
export interface LoraWeights {
  a: Float32Array;
  b: Float32Array;
}

/** A LoRA adapter held in memory, ready to be stacked into a batch's graph inputs. */
export interface LoraAdapter {
  /** Fingerprint of the base model it was trained for, e.g. `sha256:ab12…`. */
  baseModelId: string;
  /** Projections the adapter modifies, in every layer. */
  targets: LoraTarget[];
  /** LoRA rank r. */
  rank: number;
  /** LoRA alpha, kept for provenance; `scale` is what the graph uses. */
  alpha: number;
  /** Multiplier of the delta: alpha / rank, or alpha / √rank for rsLoRA. */
  scale: number;
  /** Adapter revision, monotonic per user. @default 1 */
  version: number;
  /** Decoder layers the adapter covers; equals the model's layer count. */
  numLayers: number;
  /**
   * Graph layout: `a[layer][target]` is `[in, r]` row-major, `b[layer][target]` is `[r, out]`
   * row-major. Key `${layer}.${target}` (see {@link adapterWeightKey}).
   */
  weights: Map<string, LoraWeights>;
}

/**
 * Stable reasons an adapter is rejected.
 * - `BASE_MODEL_MISMATCH`: trained for another base model.
 * - `RANK_MISMATCH`: a tensor's rank disagrees with the declared rank.
 * - `RANK_TOO_LARGE`: rank above what the serving configuration allows.
 * - `TARGET_NOT_COMPILED`: a target the compiled graph has no adapter input for.
 * - `MISSING_TENSOR`: a layer/target's weights are absent.
 * - `BAD_SHAPE`: a tensor's feature dimensions disagree with the model.
 * - `BAD_HEADER`: metadata or `adapter_config.json` is missing a field or holds a bad value.
 * - `BAD_FILE`: the file cannot be read or parsed, or holds tensors it should not.
 */
export type AdapterErrorCode =
  | 'BASE_MODEL_MISMATCH'
  | 'RANK_MISMATCH'
  | 'RANK_TOO_LARGE'
  | 'TARGET_NOT_COMPILED'
  | 'MISSING_TENSOR'
  | 'BAD_SHAPE'
  | 'BAD_HEADER'
  | 'BAD_FILE';

/** An adapter that cannot be loaded or used; `code` is stable, the message names the tensor or field. */
export class AdapterError extends Error {
  override readonly name = 'AdapterError';
  readonly code: AdapterErrorCode;
  /** The tensor or header field at fault, when there is one. */
  readonly subject?: string;

  constructor(code: AdapterErrorCode, message: string, subject?: string) {
    super(message);
    this.code = code;
    if (subject !== undefined) this.subject = subject;
  }
}

/** Key of one layer/target in {@link LoraAdapter.weights}, e.g. `3.q_proj`. */
export function adapterWeightKey(layer: number, target: LoraTarget): string {
  return `${layer}.${target}`;
}

/**
 * The LoRA scale: alpha / r (Hu et al. 2021, §4.1), or alpha / √r with rank-stabilized LoRA
 * (Kalajdzievski 2023, "A Rank Stabilization Scaling Factor for Fine-Tuning with LoRA").
 */
export function loraScale(alpha: number, rank: number, rsLora = false): number {
  return rsLora ? alpha / Math.sqrt(rank) : alpha / rank;
}

/** A tensor as read from a file, before layout conversion. */
export interface PeftTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/**
 * Checks one target's PEFT-layout pair (`lora_A [r, in]`, `lora_B [out, r]`) and converts it to
 * graph layout.
 *
 * @param rank - the declared rank both tensors must carry
 * @param features - expected `[in, out]`, from {@link projectionShape}
 * @param rankSource - who declared the rank, for the message (`the adapter header says`)
 * @throws AdapterError `RANK_MISMATCH` or `BAD_SHAPE`, naming the tensor
 */
export function peftPairToGraph(
  a: PeftTensor,
  b: PeftTensor,
  rank: number,
  features: [number, number],
  rankSource = 'the adapter header says',
): LoraWeights {
  const [inFeatures, outFeatures] = features;
  checkMatrix(a, 0, rank, 1, inFeatures, 'in', rankSource);
  checkMatrix(b, 1, rank, 0, outFeatures, 'out', rankSource);
  return { a: transpose2d(a.data, rank, inFeatures), b: transpose2d(b.data, outFeatures, rank) };
}

function checkMatrix(
  t: PeftTensor,
  rankAxis: number,
  rank: number,
  featureAxis: number,
  features: number,
  what: string,
  rankSource: string,
): void {
  if (t.shape.length !== 2) {
    throw new AdapterError('BAD_SHAPE', `tensor ${t.name} has shape [${t.shape.join(', ')}], expected a matrix`, t.name);
  }
  if (t.shape[rankAxis] !== rank) {
    throw new AdapterError('RANK_MISMATCH', `tensor ${t.name} has rank ${t.shape[rankAxis]}, ${rankSource} ${rank}`, t.name);
  }
  if (t.shape[featureAxis] !== features) {
    const expected = rankAxis === 0 ? [rank, features] : [features, rank];
    throw new AdapterError(
      'BAD_SHAPE',
      `tensor ${t.name} has shape [${t.shape.join(', ')}], expected [${expected.join(', ')}] (${what} features ${features})`,
      t.name,
    );
  }
}

/**
 * Checks that `adapter` fits the model `cfg`: its layer count, and every layer/target's weights
 * present with `in·r` and `r·out` elements.
 *
 * @throws AdapterError `BAD_SHAPE` or `MISSING_TENSOR`
 */
export function checkAdapterShapes(cfg: LlamaConfig, adapter: LoraAdapter): void {
  if (adapter.numLayers !== cfg.numLayers) {
    throw new AdapterError('BAD_SHAPE', `adapter covers ${adapter.numLayers} layers, the model has ${cfg.numLayers}`, 'num_layers');
  }
  if (!Number.isSafeInteger(adapter.rank) || adapter.rank < 1) {
    throw new AdapterError('BAD_HEADER', `adapter rank ${adapter.rank} is not a positive integer`, 'rank');
  }
  for (const target of adapter.targets) {
    const [inFeatures, outFeatures] = projectionShape(cfg, target);
    for (let layer = 0; layer < adapter.numLayers; layer++) {
      const key = adapterWeightKey(layer, target);
      const w = adapter.weights.get(key);
      if (!w) throw new AdapterError('MISSING_TENSOR', `adapter has no weights for layer ${layer} ${target}`, key);
      if (w.a.length !== inFeatures * adapter.rank || w.b.length !== adapter.rank * outFeatures) {
        throw new AdapterError(
          'BAD_SHAPE',
          `adapter weights for layer ${layer} ${target} hold ${w.a.length} and ${w.b.length} values, ` +
            `expected [${inFeatures}, ${adapter.rank}] and [${adapter.rank}, ${outFeatures}]`,
          key,
        );
      }
    }
  }
}
