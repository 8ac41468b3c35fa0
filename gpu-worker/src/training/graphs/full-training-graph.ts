/**
 * @module gpu-worker/training/graphs/full-training-graph
 * The training graph of a whole model (pretraining): the compiled decoder with every weight
 * turned from a constant into a graph input, the causal-LM loss on unmasked labels, and the
 * gradient of the loss with respect to every weight. Weights stay in the compiler's layout
 * (fused and transposed projections, see `compiled-layout.ts`), so one session run computes loss
 * and all gradients and the optimizer updates the same arrays it feeds back.
 */
import { grad } from '../../../../shared/onnx/autodiff';
import { ElemType, type GraphBuilder } from '../../../../shared/onnx/graph';
import type { LlamaConfig } from '../../compiler/llama-config';
import { buildLlamaDecoder } from '../../compiler/llama-graph';
import type { WeightSource } from '../../compiler/weights';
import { gradName } from './lora-training-graph';
import { causalLmLoss, declareLabels } from './lm-losses';

/** One trainable weight in the compiler's layout, with its starting value. */
export interface CompiledParam {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** True for initializers that are model weights (not constants the compiler derives, such as RoPE frequencies). */
export const isModelWeight = (name: string) => name.startsWith('model.') || name.startsWith('lm_head.');

/**
 * Builds the graph and returns the weights it takes as inputs (in the compiler's layout,
 * initialized from `weights`). Outputs: `loss`, `sequence_logprobs` and `grad.<weight>` per weight.
 *
 * @example
 * const { graph, params } = buildFullTrainingGraph(cfg, mapWeightSource(initialWeights));
 * const session = await ort.InferenceSession.create(serializeModel(graph).model);
 */
export function buildFullTrainingGraph(cfg: LlamaConfig, weights: WeightSource): { graph: GraphBuilder; params: CompiledParam[] } {
  const g = buildLlamaDecoder(cfg, weights, { logits: 'all' });
  const params: CompiledParam[] = g.initializers
    .filter((init) => isModelWeight(init.name))
    .map((init) => init.name)
    .map((name) => {
      const init = g.promoteToInput(name);
      return { name, dims: [...init.dims], data: Float32Array.from(init.data as Float32Array) };
    });
  const { labels, labelMask } = declareLabels(g);
  const head = causalLmLoss(g, { name: 'logits' }, labels, labelMask);
  g.output(head.loss, 'loss', ElemType.FLOAT, []);
  g.output(head.perRow, 'sequence_logprobs', ElemType.FLOAT, ['batch_size']);
  const grads = grad(g, { name: 'loss' }, params.map(({ name }) => ({ name })));
  for (const { name, dims } of params) g.output(grads.get(name)!, gradName(name), ElemType.FLOAT, dims);
  return { graph: g, params };
}
