/**
 * @module test/bench/train-breakdown
 * Where a DPO step's time goes, for the training benchmark. `LoraTrainer.dpoStep` makes two runs
 * of one training graph: a reference run (adapter scale 0, fetching only `sequence_logprobs`) and
 * a policy run (all outputs: loss, margins, gradients, and the decoder's logits and KV). This
 * module opens the same training graph with the same session options as the trainer, and a
 * forward-only graph (the same decoder and DPO log-probabilities, no backward), and times one run
 * of each on the same feeds, so the step can be split into its session runs and the rest.
 */
import * as ort from 'onnxruntime-node';
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { loraInputNames } from '../../gpu-worker/src/compiler/lora';
import { buildLlamaDecoder } from '../../gpu-worker/src/compiler/llama-graph';
import type { LlamaConfig, LoraTarget } from '../../gpu-worker/src/compiler/llama-config';
import type { WeightSource } from '../../gpu-worker/src/compiler/weights';
import { buildLoraTrainingGraph } from '../../gpu-worker/src/training/graphs/lora-training-graph';
import { declareLabels, dpoLoss } from '../../gpu-worker/src/training/graphs/lm-losses';
import type { PreferencePair } from '../../gpu-worker/src/training/lora-trainer';
import { buildBatchFeeds, type BatchFeeds } from '../../gpu-worker/src/training/training-batch';
import { ElemType } from '../../shared/onnx/graph';
import { serializeModel } from '../../shared/onnx/serialize';
import { median } from './bench-run';

/** Session options of `LoraTrainer.create`. */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' };

/** The feeds `LoraTrainer` builds for a DPO batch (mirrors its private `feeds`). */
function dpoFeeds(cfg: LlamaConfig, adapter: LoraAdapter, batch: BatchFeeds, zeroAdapter: boolean): Record<string, ort.Tensor> {
  const { batch: b, seq } = batch;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', batch.inputIds, [b, seq]),
    attention_mask: new ort.Tensor('int64', batch.attentionMask, [b, seq]),
    position_ids: new ort.Tensor('int64', batch.positionIds, [b, seq]),
    labels: new ort.Tensor('int64', batch.labels, [b, seq]),
    label_mask: new ort.Tensor('float32', batch.labelMask, [b, seq]),
    adapter_index: new ort.Tensor('int64', new BigInt64Array(b), [b]),
    lora_scale: new ort.Tensor('float32', Float32Array.of(zeroAdapter ? 0 : adapter.scale), [1]),
    ref_logprobs: new ort.Tensor('float32', new Float32Array(b), [b]),
  };
  const empty = new Float32Array(0);
  for (let i = 0; i < cfg.numLayers; i++) {
    feeds[`past_key_values.${i}.key`] = new ort.Tensor('float32', empty, [b, cfg.numKvHeads, 0, cfg.headDim]);
    feeds[`past_key_values.${i}.value`] = new ort.Tensor('float32', empty, [b, cfg.numKvHeads, 0, cfg.headDim]);
  }
  const r = adapter.rank;
  for (let layer = 0; layer < cfg.numLayers; layer++) {
    for (const target of adapter.targets as LoraTarget[]) {
      const w = adapter.weights.get(`${layer}.${target}`)!;
      const names = loraInputNames(layer, target);
      feeds[names.a] = new ort.Tensor('float32', w.a, [1, w.a.length / r, r]);
      feeds[names.b] = new ort.Tensor('float32', w.b, [1, r, w.b.length / r]);
    }
  }
  return feeds;
}

/** Median milliseconds of one session run, per kind of run. */
export interface DpoBreakdown {
  /** Training graph, adapter off, fetching `sequence_logprobs` only (the trainer's reference run). */
  referenceRunMs: number;
  /** Training graph, adapter on, fetching every output (the trainer's policy run). */
  policyRunMs: number;
  /** Forward-only graph (no backward), fetching `sequence_logprobs` only. */
  forwardOnlyMs: number;
  /** Largest |difference| between the two graphs' reference log-probabilities (should be ~0). */
  maxLogprobDiff: number;
  /** Nodes in the training graph and in the forward-only graph. */
  trainingNodes: number;
  forwardNodes: number;
}

/**
 * Builds both graphs for `adapter`'s targets and times `runs` runs of each kind after one warm-up:
 * reference and policy runs alternate on the training session (as in `dpoStep`), then the
 * forward-only session is opened and timed on its own.
 */
export async function measureDpoBreakdown(
  cfg: LlamaConfig, weights: WeightSource, adapter: LoraAdapter, pairs: PreferencePair[], dpoBeta: number, runs: number,
): Promise<DpoBreakdown> {
  const targets = adapter.targets as LoraTarget[];
  const { graph: training } = buildLoraTrainingGraph(cfg, weights, { targets, objective: 'dpo', dpoBeta });
  const forward = buildLlamaDecoder(cfg, weights, { loraTargets: targets, logits: 'all' });
  const { labels, labelMask } = declareLabels(forward);
  const ref = forward.input('ref_logprobs', ElemType.FLOAT, ['batch_size']);
  const head = dpoLoss(forward, { name: 'logits' }, labels, labelMask, ref, dpoBeta);
  forward.output(head.perRow, 'sequence_logprobs', ElemType.FLOAT, ['batch_size']);
  const rows = [...pairs.map((p) => ({ promptIds: p.promptIds, responseIds: p.chosenIds })), ...pairs.map((p) => ({ promptIds: p.promptIds, responseIds: p.rejectedIds }))];
  const batch = buildBatchFeeds(rows);
  const refFeeds = dpoFeeds(cfg, adapter, batch, true);
  const policyFeeds = dpoFeeds(cfg, adapter, batch, false);

  // One session at a time, as in the trainer: with two sessions open and their runs interleaved,
  // runs measured slower on 2 cores (probably the idle session's thread pool spinning).
  const referenceTimes: number[] = [];
  const policyTimes: number[] = [];
  let referenceLogprobs: Float32Array;
  const trainingSession = await ort.InferenceSession.create(serializeModel(training).model, SESSION_OPTIONS);
  try {
    const reference = () => trainingSession.run(refFeeds, ['sequence_logprobs']);
    const policy = () => trainingSession.run(policyFeeds);
    await reference();
    await policy();
    for (let i = 0; i < runs; i++) {
      let s = performance.now();
      await reference();
      referenceTimes.push(performance.now() - s);
      s = performance.now();
      await policy();
      policyTimes.push(performance.now() - s);
    }
    referenceLogprobs = (await reference()).sequence_logprobs.data as Float32Array;
  } finally {
    await trainingSession.release();
  }

  const forwardTimes: number[] = [];
  let forwardLogprobs: Float32Array;
  const forwardSession = await ort.InferenceSession.create(serializeModel(forward).model, SESSION_OPTIONS);
  try {
    const forwardFeeds = Object.fromEntries(forwardSession.inputNames.map((n) => [n, refFeeds[n]]));
    const run = () => forwardSession.run(forwardFeeds, ['sequence_logprobs']);
    await run();
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await run();
      forwardTimes.push(performance.now() - s);
    }
    forwardLogprobs = (await run()).sequence_logprobs.data as Float32Array;
  } finally {
    await forwardSession.release();
  }

  let maxLogprobDiff = 0;
  for (let i = 0; i < referenceLogprobs.length; i++) maxLogprobDiff = Math.max(maxLogprobDiff, Math.abs(referenceLogprobs[i] - forwardLogprobs[i]));
  return {
    referenceRunMs: median(referenceTimes), policyRunMs: median(policyTimes), forwardOnlyMs: median(forwardTimes),
    maxLogprobDiff, trainingNodes: training.nodes.length, forwardNodes: forward.nodes.length,
  };
}
