/**
 * @module gpu-worker/training/lora-trainer
 * Trains one LoRA adapter on ONNX Runtime: each step runs the training graph (loss and LoRA
 * gradients in one session run), clips the global gradient norm, and applies AdamW to the
 * adapter's weights in place. SFT learns response tokens; DPO learns preference pairs against
 * the adapter-free base model as reference.
 */
import * as ort from 'onnxruntime-node';
import type { LoraAdapter } from '../adapters/adapter';
import type { LlamaConfig, LoraTarget } from '../compiler/llama-config';
import { loraInputNames } from '../compiler/lora';
import type { WeightSource } from '../compiler/weights';
import { serializeModel } from '../../../shared/onnx/serialize';
import { buildLoraTrainingGraph, buildReferenceLogProbGraph, gradName } from './graphs/lora-training-graph';
import { createAdamW } from './optim/adamw';
import { clipGradNorm, hasNonFinite } from './optim/clip';
import { buildBatchFeeds, type BatchFeeds, type LabelledSequence } from './training-batch';

/** A preference: the same prompt with a preferred and a rejected response. */
export interface PreferencePair {
  promptIds: number[];
  chosenIds: number[];
  rejectedIds: number[];
}

/** Trainer settings. */
export interface LoraTrainerOptions {
  objective: 'sft' | 'dpo';
  /** Learning rate. @default 1e-3 */
  lr?: number;
  /** Global gradient-norm bound. @default 1.0 */
  maxGradNorm?: number;
  /** DPO's β. @default 0.1 */
  dpoBeta?: number;
  /** AdamW weight decay. @default 0 */
  weightDecay?: number;
}

/** Trains `adapter` (its weights are updated in place). */
export class LoraTrainer {
  private readonly optimizer;
  private readonly params = new Map<string, Float32Array>();

  private constructor(
    private readonly session: ort.InferenceSession,
    /** Base model's log-probabilities for DPO (null for SFT). */
    private readonly reference: ort.InferenceSession | null,
    private readonly cfg: LlamaConfig,
    readonly adapter: LoraAdapter,
    private readonly options: Required<LoraTrainerOptions>,
  ) {
    for (let layer = 0; layer < cfg.numLayers; layer++) {
      for (const target of adapter.targets) {
        const w = adapter.weights.get(`${layer}.${target}`)!;
        const names = loraInputNames(layer, target);
        this.params.set(names.a, w.a);
        this.params.set(names.b, w.b);
      }
    }
    this.optimizer = createAdamW(this.params, { lr: options.lr, weightDecay: options.weightDecay });
  }

  /** Builds the training graph for the adapter's targets and opens it on the CPU provider. */
  static async create(cfg: LlamaConfig, weights: WeightSource, adapter: LoraAdapter, options: LoraTrainerOptions): Promise<LoraTrainer> {
    const { graph } = buildLoraTrainingGraph(cfg, weights, { targets: adapter.targets as LoraTarget[], objective: options.objective, dpoBeta: options.dpoBeta });
    const open = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
    const session = await open(serializeModel(graph).model);
    const reference = options.objective === 'dpo' ? await open(serializeModel(buildReferenceLogProbGraph(cfg, weights)).model) : null;
    return new LoraTrainer(session, reference, cfg, adapter, { lr: 1e-3, maxGradNorm: 1, dpoBeta: 0.1, weightDecay: 0, ...options });
  }

  /** Token, mask, position, label and empty-cache feeds (what the reference graph takes). */
  private baseFeeds(batch: BatchFeeds): Record<string, ort.Tensor> {
    const cfg = this.cfg;
    const { batch: b, seq } = batch;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', batch.inputIds, [b, seq]),
      attention_mask: new ort.Tensor('int64', batch.attentionMask, [b, seq]),
      position_ids: new ort.Tensor('int64', batch.positionIds, [b, seq]),
      labels: new ort.Tensor('int64', batch.labels, [b, seq]),
      label_mask: new ort.Tensor('float32', batch.labelMask, [b, seq]),
    };
    const empty = new Float32Array(0);
    for (let i = 0; i < cfg.numLayers; i++) {
      feeds[`past_key_values.${i}.key`] = new ort.Tensor('float32', empty, [b, cfg.numKvHeads, 0, cfg.headDim]);
      feeds[`past_key_values.${i}.value`] = new ort.Tensor('float32', empty, [b, cfg.numKvHeads, 0, cfg.headDim]);
    }
    return feeds;
  }

  private feeds(batch: BatchFeeds): Record<string, ort.Tensor> {
    const { batch: b } = batch;
    const feeds: Record<string, ort.Tensor> = {
      ...this.baseFeeds(batch),
      adapter_index: new ort.Tensor('int64', new BigInt64Array(b), [b]),
      lora_scale: new ort.Tensor('float32', Float32Array.of(this.adapter.scale), [1]),
    };
    const r = this.adapter.rank;
    for (const [name, data] of this.params) {
      const size = data.length / r;
      feeds[name] = new ort.Tensor('float32', data, name.endsWith('lora_A.weight') ? [1, size, r] : [1, r, size]);
    }
    return feeds;
  }

  private async update(outputs: ort.InferenceSession.OnnxValueMapType): Promise<{ loss: number; gradNorm: number }> {
    const grads = new Map<string, Float32Array>();
    for (const name of this.params.keys()) grads.set(name, outputs[gradName(name)].data as Float32Array);
    const loss = (outputs.loss.data as Float32Array)[0];
    if (!Number.isFinite(loss) || hasNonFinite(grads)) throw new Error(`training step produced a non-finite loss or gradient (loss ${loss})`);
    const gradNorm = clipGradNorm(grads, this.options.maxGradNorm);
    this.optimizer.step(grads);
    return { loss, gradNorm };
  }

  /** One supervised step on response tokens. */
  async sftStep(rows: LabelledSequence[]): Promise<{ loss: number; gradNorm: number }> {
    if (this.options.objective !== 'sft') throw new Error('this trainer was built for DPO');
    return this.update(await this.session.run(this.feeds(buildBatchFeeds(rows))));
  }

  /** One DPO step on preference pairs (reference: the base model, i.e. the adapter switched off). */
  async dpoStep(pairs: PreferencePair[]): Promise<{ loss: number; gradNorm: number; margin: number }> {
    if (this.options.objective !== 'dpo') throw new Error('this trainer was built for SFT');
    const rows = [...pairs.map((p) => ({ promptIds: p.promptIds, responseIds: p.chosenIds })), ...pairs.map((p) => ({ promptIds: p.promptIds, responseIds: p.rejectedIds }))];
    const batch = buildBatchFeeds(rows);
    const ref = (await this.reference!.run(this.baseFeeds(batch))).sequence_logprobs.data as Float32Array;
    const out = await this.session.run({ ...this.feeds(batch), ref_logprobs: new ort.Tensor('float32', Float32Array.from(ref), [rows.length]) });
    const margins = out.dpo_margin.data as Float32Array;
    const result = await this.update(out);
    return { ...result, margin: margins.reduce((a, b) => a + b, 0) / margins.length };
  }

  /** Gradients of the LoRA inputs in `out`, copied; throws when one is not finite. */
  private gradientsOf(out: ort.InferenceSession.OnnxValueMapType): { grads: Map<string, Float32Array>; loss: number } {
    const grads = new Map<string, Float32Array>();
    for (const name of this.params.keys()) grads.set(name, Float32Array.from(out[gradName(name)].data as Float32Array));
    const loss = (out.loss.data as Float32Array)[0];
    if (!Number.isFinite(loss) || hasNonFinite(grads)) throw new Error(`per-example gradient is not finite (loss ${loss})`);
    return { grads, loss };
  }

  /** Each example's SFT gradient on its own (no update), for DP-SGD's per-example clipping. */
  async sftPerExampleGradients(rows: LabelledSequence[]): Promise<{ grads: Map<string, Float32Array>[]; losses: number[] }> {
    if (this.options.objective !== 'sft') throw new Error('this trainer was built for DPO');
    const grads: Map<string, Float32Array>[] = [];
    const losses: number[] = [];
    for (const row of rows) {
      const one = this.gradientsOf(await this.session.run(this.feeds(buildBatchFeeds([row]))));
      grads.push(one.grads);
      losses.push(one.loss);
    }
    return { grads, losses };
  }

  /**
   * Each pair's DPO gradient on its own (no update): what DP-SGD clips per example before noising.
   * One run of the training graph per pair.
   */
  async dpoPerPairGradients(pairs: PreferencePair[]): Promise<{ grads: Map<string, Float32Array>[]; losses: number[] }> {
    if (this.options.objective !== 'dpo') throw new Error('this trainer was built for SFT');
    const grads: Map<string, Float32Array>[] = [];
    const losses: number[] = [];
    for (const p of pairs) {
      const batch = buildBatchFeeds([{ promptIds: p.promptIds, responseIds: p.chosenIds }, { promptIds: p.promptIds, responseIds: p.rejectedIds }]);
      const ref = (await this.reference!.run(this.baseFeeds(batch))).sequence_logprobs.data as Float32Array;
      const one = this.gradientsOf(await this.session.run({ ...this.feeds(batch), ref_logprobs: new ort.Tensor('float32', Float32Array.from(ref), [2]) }));
      grads.push(one.grads);
      losses.push(one.loss);
    }
    return { grads, losses };
  }

  /** Applies an already-privatized gradient (DP-SGD) with AdamW; no further clipping. */
  applyGradients(grads: ReadonlyMap<string, Float32Array>): void {
    this.optimizer.step(grads);
  }

  /** Names and lengths of the trained tensors (the gradient layout DP-SGD noises). */
  gradientLayout(): Map<string, number> {
    return new Map([...this.params].map(([name, data]) => [name, data.length]));
  }

  async close(): Promise<void> {
    await this.session.release();
    await this.reference?.release();
  }
}
