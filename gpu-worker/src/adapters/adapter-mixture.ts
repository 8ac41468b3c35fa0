/**
 * @module gpu-worker/adapters/adapter-mixture
 * Mixes several LoRA adapters (the experts a router picked for a request) into one adapter whose
 * delta is exactly the weighted sum of theirs, so a mixture takes one ordinary slot in the batch's
 * stacked LoRA inputs (see `adapter-stack.ts`) and needs no change to the compiled graph.
 *
 * Ranks are concatenated rather than the deltas summed into one low-rank factorisation:
 * `A_mix = [A_1 | A_2 | …]` (`[in, Σr]`) and `B_mix = [w_1·s_1·B_1 ; w_2·s_2·B_2 ; …]` (`[Σr, out]`),
 * with scale 1, so `x A_mix B_mix = Σ_i w_i·s_i·(x A_i) B_i` (block matrix product; this is the
 * "concatenation" merge of LoRA experts, cf. Huang et al. 2023, "LoraHub", and PEFT's `cat`
 * combination type in `add_weighted_adapter`). The cost is rank: Σr must fit the graph's maximum.
 */
import { LORA_TARGETS, type LoraTarget } from '../compiler/llama-config';
import { AdapterError, adapterWeightKey, type LoraAdapter, type LoraWeights } from './adapter';

/**
 * Default ceiling on a mixture's rank Σr when {@link MixAdaptersOptions.maxRank} is not given;
 * equals the compiler's default `maxRank`, so a default-compiled graph can serve any mixture
 * that passes. Pass the manifest's `maxRank` when the model was compiled with another.
 */
export const MAX_MIXTURE_RANK = 64;

/** One expert of a mixture and its weight. */
export interface MixturePart {
  adapter: LoraAdapter;
  /** Non-negative weight w_i; the router's weights sum to 1, but any finite w_i ≥ 0 is exact. */
  weight: number;
}

/** Options of {@link mixAdapters}. */
export interface MixAdaptersOptions {
  /** Revision recorded on the mixed adapter. @default 1 */
  version?: number;
  /** Largest allowed Σr, the compiled graph's maximum rank. @default MAX_MIXTURE_RANK */
  maxRank?: number;
}

/**
 * Builds one adapter whose delta on every layer/target is `Σ_i w_i·s_i·x A_i B_i`. Its targets
 * are the union of the parts' targets (in `LORA_TARGETS` order); a part without a target
 * contributes zero columns of A and rows of B there, so every target has rank Σr.
 *
 * @throws Error for an empty list, a weight that is not finite and ≥ 0, or a bad `maxRank`
 * @throws AdapterError `BASE_MODEL_MISMATCH` or `BAD_SHAPE` when the parts disagree on base model,
 *   layer count or a target's feature sizes; `MISSING_TENSOR` when a part lacks declared weights;
 *   `RANK_TOO_LARGE` when Σr exceeds `maxRank`
 * @example
 * const mixed = mixAdapters([{ adapter: codeExpert, weight: 0.7 }, { adapter: userAdapter, weight: 0.3 }], { maxRank: manifest.maxRank });
 * stackAdapters(cfg, manifest.loraTargets, [mixed]);
 */
export function mixAdapters(parts: MixturePart[], options: MixAdaptersOptions = {}): LoraAdapter {
  const opts = { version: options.version ?? 1, maxRank: options.maxRank ?? MAX_MIXTURE_RANK } satisfies MixAdaptersOptions;
  if (parts.length === 0) throw new Error('mixAdapters needs at least one adapter');
  if (!Number.isSafeInteger(opts.maxRank) || opts.maxRank < 1) throw new Error(`maxRank must be a positive integer, got ${opts.maxRank}`);
  const first = parts[0].adapter;
  for (const [i, { adapter, weight }] of parts.entries()) {
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`parts[${i}].weight must be a finite number ≥ 0, got ${weight}`);
    if (!Number.isSafeInteger(adapter.rank) || adapter.rank < 1) {
      throw new AdapterError('BAD_HEADER', `parts[${i}] has rank ${adapter.rank}, not a positive integer`, 'rank');
    }
    if (adapter.baseModelId !== first.baseModelId) {
      throw new AdapterError(
        'BASE_MODEL_MISMATCH',
        `parts[${i}] was trained for base model ${adapter.baseModelId}, parts[0] for ${first.baseModelId}`,
        'baseModelId',
      );
    }
    if (adapter.numLayers !== first.numLayers) {
      throw new AdapterError('BAD_SHAPE', `parts[${i}] covers ${adapter.numLayers} layers, parts[0] covers ${first.numLayers}`, 'num_layers');
    }
  }
  const rank = parts.reduce((sum, p) => sum + p.adapter.rank, 0);
  if (rank > opts.maxRank) {
    throw new AdapterError(
      'RANK_TOO_LARGE',
      `mixture rank ${rank} (${parts.map((p) => p.adapter.rank).join(' + ')}) exceeds maxRank ${opts.maxRank}`,
      'maxRank',
    );
  }

  const targets = LORA_TARGETS.filter((t) => parts.some((p) => p.adapter.targets.includes(t)));
  const weights = new Map<string, LoraWeights>();
  for (const target of targets) {
    const [inFeatures, outFeatures] = featureSizes(parts, target);
    for (let layer = 0; layer < first.numLayers; layer++) {
      const key = adapterWeightKey(layer, target);
      const a = new Float32Array(inFeatures * rank);
      const b = new Float32Array(rank * outFeatures);
      let offset = 0; // first column of A / row of B that belongs to the current part
      for (const [i, { adapter, weight }] of parts.entries()) {
        const r = adapter.rank;
        if (adapter.targets.includes(target)) {
          const w = partWeights(adapter, i, key, inFeatures, outFeatures);
          for (let row = 0; row < inFeatures; row++) a.set(w.a.subarray(row * r, (row + 1) * r), row * rank + offset);
          // The product is formed in float64 and rounded once, so w·s·B is as exact as float32 allows.
          const factor = weight * adapter.scale;
          const rowsStart = offset * outFeatures;
          for (let k = 0; k < r * outFeatures; k++) b[rowsStart + k] = factor * w.b[k];
        }
        offset += r;
      }
      weights.set(key, { a, b });
    }
  }
  return {
    baseModelId: first.baseModelId,
    targets,
    rank,
    // alpha = rank keeps the header consistent with scale = alpha / rank = 1.
    alpha: rank,
    scale: 1,
    version: opts.version,
    numLayers: first.numLayers,
    weights,
  };
}

/** `[in, out]` of `target`, read from the first part holding it and checked against the others. */
function featureSizes(parts: MixturePart[], target: LoraTarget): [number, number] {
  let sizes: [number, number] | undefined;
  let source = -1;
  for (const [i, { adapter }] of parts.entries()) {
    if (!adapter.targets.includes(target)) continue;
    const key = adapterWeightKey(0, target);
    const w = adapter.weights.get(key);
    if (!w) throw new AdapterError('MISSING_TENSOR', `parts[${i}] has no weights for layer 0 ${target}`, key);
    const own: [number, number] = [w.a.length / adapter.rank, w.b.length / adapter.rank];
    if (!sizes) {
      sizes = own;
      source = i;
    } else if (own[0] !== sizes[0] || own[1] !== sizes[1]) {
      throw new AdapterError(
        'BAD_SHAPE',
        `parts[${i}] has ${target} features [${own.join(', ')}], parts[${source}] has [${sizes.join(', ')}]`,
        key,
      );
    }
  }
  return sizes!;
}

/** A part's weights for one key, checked to hold `[in, r]` and `[r, out]` values. */
function partWeights(adapter: LoraAdapter, i: number, key: string, inFeatures: number, outFeatures: number): LoraWeights {
  const w = adapter.weights.get(key);
  if (!w) throw new AdapterError('MISSING_TENSOR', `parts[${i}] has no weights for ${key}`, key);
  if (w.a.length !== inFeatures * adapter.rank || w.b.length !== adapter.rank * outFeatures) {
    throw new AdapterError(
      'BAD_SHAPE',
      `parts[${i}] weights for ${key} hold ${w.a.length} and ${w.b.length} values, expected [${inFeatures}, ${adapter.rank}] and [${adapter.rank}, ${outFeatures}]`,
      key,
    );
  }
  return w;
}
