/**
 * @module gpu-worker/training/graphs/lora-training-graph
 * The training graph of a user's LoRA adapter: the compiled decoder (frozen base weights, LoRA
 * inputs), a loss head (causal-LM on response tokens, or DPO on preference pairs), and the
 * gradients of the loss with respect to every LoRA input, from reverse-mode autodiff over the
 * same graph builder. One ONNX Runtime session computes loss and gradients in one run.
 *
 * Training runs with one adapter slot: slot 0 holds the adapter being trained and every row's
 * `adapter_index` is 0. Gradients come out shaped like the inputs, `[1, in, r]` and `[1, r, out]`.
 */
import { grad } from '../../../../shared/onnx/autodiff';
import { ElemType, type GraphBuilder } from '../../../../shared/onnx/graph';
import { projectionShape, type LlamaConfig, type LoraTarget } from '../../compiler/llama-config';
import { buildLlamaDecoder } from '../../compiler/llama-graph';
import { LORA_DIMS, loraInputNames } from '../../compiler/lora';
import type { WeightSource } from '../../compiler/weights';
import { causalLmLoss, declareLabels, dpoLoss, sequenceLogProbs } from './lm-losses';

/** Options of {@link buildLoraTrainingGraph}. */
export interface LoraTrainingGraphOptions {
  targets: LoraTarget[];
  /** `sft`: causal-LM loss on unmasked labels; `dpo`: preference pairs with reference log-probs. */
  objective: 'sft' | 'dpo';
  /** DPO's β. @default 0.1 */
  dpoBeta?: number;
}

/** Name of the gradient output for a LoRA input. */
export const gradName = (input: string) => `grad.${input}`;

/** The graph, and the LoRA input names whose gradients it outputs (in a stable order). */
export function buildLoraTrainingGraph(cfg: LlamaConfig, weights: WeightSource, options: LoraTrainingGraphOptions): { graph: GraphBuilder; params: string[] } {
  const g = buildLlamaDecoder(cfg, weights, { loraTargets: options.targets, logits: 'all' });
  const logits = { name: 'logits' };
  const { labels, labelMask } = declareLabels(g);
  let head;
  if (options.objective === 'dpo') {
    const ref = g.input('ref_logprobs', ElemType.FLOAT, ['batch_size']);
    head = dpoLoss(g, logits, labels, labelMask, ref, options.dpoBeta ?? 0.1);
    g.output(head.margin, 'dpo_margin', ElemType.FLOAT, ['pairs']);
  } else {
    head = causalLmLoss(g, logits, labels, labelMask);
  }
  g.output(head.loss, 'loss', ElemType.FLOAT, []);
  // Per-row Σ log p(label): DPO's reference pass reads it with the adapter zeroed.
  g.output(head.perRow, 'sequence_logprobs', ElemType.FLOAT, ['batch_size']);
  const params: string[] = [];
  for (let layer = 0; layer < cfg.numLayers; layer++) {
    for (const target of options.targets) {
      const names = loraInputNames(layer, target);
      params.push(names.a, names.b);
    }
  }
  const grads = grad(g, { name: 'loss' }, params.map((name) => ({ name })));
  for (let layer = 0; layer < cfg.numLayers; layer++) {
    for (const target of options.targets) {
      const [inF, outF] = projectionShape(cfg, target);
      const names = loraInputNames(layer, target);
      g.output(grads.get(names.a)!, gradName(names.a), ElemType.FLOAT, [LORA_DIMS.slots, inF, LORA_DIMS.rank]);
      g.output(grads.get(names.b)!, gradName(names.b), ElemType.FLOAT, [LORA_DIMS.slots, LORA_DIMS.rank, outF]);
    }
  }
  return { graph: g, params };
}

/**
 * DPO's reference model: the base decoder without LoRA inputs and without a backward pass,
 * outputting each row's Σ log p(label) (`sequence_logprobs`). Much cheaper than running the
 * training graph with the adapter switched off.
 */
export function buildReferenceLogProbGraph(cfg: LlamaConfig, weights: WeightSource): GraphBuilder {
  const g = buildLlamaDecoder(cfg, weights, { loraTargets: [], logits: 'all' });
  const { labels, labelMask } = declareLabels(g);
  g.output(sequenceLogProbs(g, { name: 'logits' }, labels, labelMask).perRow, 'sequence_logprobs', ElemType.FLOAT, ['batch_size']);
  return g;
}
