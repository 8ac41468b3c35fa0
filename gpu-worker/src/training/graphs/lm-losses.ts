/**
 * @module gpu-worker/training/graphs/lm-losses
 * Loss heads appended to a decoder graph's `logits [batch, seq, vocab]`:
 * - causal-LM cross-entropy with a label mask (train on response tokens only), and
 * - DPO (Rafailov et al. 2023): −log σ(β[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]),
 *   with the reference log-probabilities given as inputs.
 * Labels are aligned with positions (label[t] is the token after position t); masked positions
 * (label_mask = 0) contribute nothing.
 */
import { ElemType, type GraphBuilder, type Value } from '../../../../shared/onnx/graph';
import {
  add, constFloat, div, gatherElements, log, logSoftmax, mul, neg, reduceMean, reduceSum, reshape, sigmoid, split, squeeze, sub, unsqueeze,
} from '../../../../shared/onnx/ops';

/** Per-row sum of the labels' log-probabilities, `[batch]`, and the mask total. */
export function sequenceLogProbs(g: GraphBuilder, logits: Value, labels: Value, labelMask: Value): { perRow: Value; tokens: Value } {
  return g.scoped('sequence_logprobs', () => {
    const logp = logSoftmax(g, logits, -1); // [B, S, V]
    const picked = squeeze(g, gatherElements(g, logp, unsqueeze(g, labels, [2]), 2), [2]); // [B, S]
    const masked = mul(g, picked, labelMask);
    return { perRow: reduceSum(g, masked, [1], false), tokens: reduceSum(g, labelMask, [0, 1], false) };
  });
}

/** Declares `labels [batch, seq]` (int64) and `label_mask [batch, seq]` (float). */
export function declareLabels(g: GraphBuilder): { labels: Value; labelMask: Value } {
  return {
    labels: g.input('labels', ElemType.INT64, ['batch_size', 'sequence_length']),
    labelMask: g.input('label_mask', ElemType.FLOAT, ['batch_size', 'sequence_length']),
  };
}

/** Mean negative log-likelihood over unmasked tokens (a scalar). */
export function causalLmLoss(g: GraphBuilder, logits: Value, labels: Value, labelMask: Value): { loss: Value; perRow: Value } {
  const { perRow, tokens } = sequenceLogProbs(g, logits, labels, labelMask);
  const loss = g.scoped('causal_lm_loss', () => neg(g, div(g, reduceSum(g, perRow, [0], false), add(g, tokens, constFloat(g, [1e-6])))));
  return { loss, perRow };
}

/**
 * DPO loss over a batch laid out as [chosen_0 … chosen_{P−1}, rejected_0 … rejected_{P−1}].
 * `refLogProbs [batch]` holds the reference model's sequence log-probabilities in the same order.
 */
export function dpoLoss(g: GraphBuilder, logits: Value, labels: Value, labelMask: Value, refLogProbs: Value, beta: number): { loss: Value; margin: Value; perRow: Value } {
  const { perRow } = sequenceLogProbs(g, logits, labels, labelMask);
  return g.scoped('dpo_loss', () => {
    const advantage = reshape(g, sub(g, perRow, refLogProbs), [2, -1]); // [2, P]
    const [chosen, rejected] = split(g, advantage, [1, 1], 0);
    const margin = mul(g, squeeze(g, sub(g, chosen, rejected), [0]), constFloat(g, [beta])); // [P]
    // log σ(m), kept finite where σ underflows (m < −88 in float32).
    const loss = neg(g, reduceMean(g, log(g, add(g, sigmoid(g, margin), constFloat(g, [1e-12]))), [0], false));
    return { loss, margin, perRow };
  });
}
