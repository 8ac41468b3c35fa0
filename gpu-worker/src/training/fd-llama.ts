/**
 * @module gpu-worker/training/fd-llama
 * Test support: a random 2-layer Llama decoder with q/v LoRA inputs, a next-token loss on top,
 * and feeds for one batch, for checking whole-model gradients against finite differences.
 *
 * Loss: L = −(1/N) Σ onehot(targets) · log_softmax(logits), N = batch · seq (mean token
 * cross-entropy), built with ordinary ops after the decoder; `targets` is an extra graph input
 * `[batch, seq, vocab]`.
 */
import { ElemType, type GraphBuilder, type Value } from '../../../shared/onnx/graph';
import { constFloat, logSoftmax, mul, reduceSum } from '../../../shared/onnx/ops';
import { createSeededRng, type SeededRng } from '../../../shared/random/seeded-rng';
import { parseLlamaConfig, projectionShape, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { buildLlamaDecoder } from '../compiler/llama-graph';
import { loraInputNames } from '../compiler/lora';
import { mapWeightSource, randomLlamaWeights } from '../model/random-weights';
import { floatFeed, int64Feed, type Feed } from './fd-harness';

/** Sizes of the check: tiny, so a forward run takes about a millisecond. */
export const LLAMA_CHECK = { batch: 2, seq: 3, past: 2, slots: 3, rank: 2, targets: ['q_proj', 'v_proj'] as LoraTarget[] };

/** A small GQA Llama: 4 query heads over 2 kv heads of dim 4, SwiGLU 16 → 32. */
export const tinyLlamaConfig = (): LlamaConfig =>
  parseLlamaConfig({
    model_type: 'llama',
    hidden_size: 16,
    intermediate_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 48,
    max_position_embeddings: 64,
    rms_norm_eps: 1e-5,
  });

/** The decoder with a scalar `loss` output; weights are the same on every call. */
export function buildLlamaLoss(cfg: LlamaConfig, seed: number): { g: GraphBuilder; loss: Value } {
  const g = buildLlamaDecoder(cfg, mapWeightSource(randomLlamaWeights(cfg, seed)), { loraTargets: LLAMA_CHECK.targets });
  const targets = g.input('targets', ElemType.FLOAT, ['batch_size', 'sequence_length', cfg.vocabSize]);
  const tokens = LLAMA_CHECK.batch * LLAMA_CHECK.seq;
  const logProbs = logSoftmax(g, { name: 'logits' }, -1);
  const loss = mul(g, reduceSum(g, mul(g, logProbs, targets), [], false), constFloat(g, [-1 / tokens]));
  g.output(loss, 'loss', ElemType.FLOAT, []);
  return { g, loss };
}

/** Names of the LoRA inputs (A and B of each target in each layer), in layer order. */
export function loraParamNames(cfg: LlamaConfig): string[] {
  return Array.from({ length: cfg.numLayers }, (_, layer) =>
    LLAMA_CHECK.targets.flatMap((t) => {
      const names = loraInputNames(layer, t);
      return [names.a, names.b];
    }),
  ).flat();
}

const normals = (rng: SeededRng, n: number, std: number) => Float32Array.from({ length: n }, () => rng.normal() * std);

/**
 * Feeds for one step: random tokens and targets, a `past`-token cache (default 2; the first
 * slot of row 1 padded when there is one; 0 is a prefill),
 * rows on adapter slots 1 and 2, random non-zero LoRA weights (so both A and B get gradients).
 */
export function llamaFeeds(cfg: LlamaConfig, seed: number, past = LLAMA_CHECK.past): Record<string, Feed> {
  const rng = createSeededRng(seed);
  const { batch: B, seq: S, slots, rank } = LLAMA_CHECK;
  const P = past;
  const total = P + S;
  const feeds: Record<string, Feed> = {
    input_ids: int64Feed(Array.from({ length: B * S }, () => Math.floor(rng.next() * cfg.vocabSize)), [B, S]),
    attention_mask: int64Feed(Array.from({ length: B * total }, (_, i) => (P > 0 && i === total ? 0 : 1)), [B, total]),
    position_ids: int64Feed(Array.from({ length: B * S }, (_, i) => P + (i % S)), [B, S]),
    adapter_index: int64Feed([1, 2], [B]),
    lora_scale: floatFeed(Float32Array.of(0, 2, 2.5), [slots]),
  };
  const kvDims = [B, cfg.numKvHeads, P, cfg.headDim];
  for (let i = 0; i < cfg.numLayers; i++) {
    feeds[`past_key_values.${i}.key`] = floatFeed(normals(rng, kvDims.reduce((a, b) => a * b), 1), kvDims);
    feeds[`past_key_values.${i}.value`] = floatFeed(normals(rng, kvDims.reduce((a, b) => a * b), 1), kvDims);
    for (const t of LLAMA_CHECK.targets) {
      const [inF, outF] = projectionShape(cfg, t);
      const names = loraInputNames(i, t);
      feeds[names.a] = floatFeed(normals(rng, slots * inF * rank, 0.5), [slots, inF, rank]);
      feeds[names.b] = floatFeed(normals(rng, slots * rank * outF, 0.5), [slots, rank, outF]);
    }
  }
  const onehot = new Float32Array(B * S * cfg.vocabSize);
  for (let row = 0; row < B * S; row++) onehot[row * cfg.vocabSize + Math.floor(rng.next() * cfg.vocabSize)] = 1;
  feeds.targets = floatFeed(onehot, [B, S, cfg.vocabSize]);
  return feeds;
}
