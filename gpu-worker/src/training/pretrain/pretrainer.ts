/**
 * @module gpu-worker/training/pretrain/pretrainer
 * Trains every weight of a model on ONNX Runtime: one session run of the full training graph
 * gives the loss and all gradients, then global-norm clipping and AdamW (decay on matrices only)
 * under a warmup + cosine schedule. Reports a loss curve and validation loss as it goes.
 */
import * as ort from 'onnxruntime-node';
import { serializeModel } from '../../../../shared/onnx/serialize';
import type { LlamaConfig } from '../../compiler/llama-config';
import { mapWeightSource, type NamedTensor } from '../../model/random-weights';
import { buildFullTrainingGraph } from '../graphs/full-training-graph';
import { gradName } from '../graphs/lora-training-graph';
import { createAdamW, clipGradNorm, hasNonFinite, lrAt, type CosineScheduleOptions } from '../optim';
import { buildBatchFeeds, type LabelledSequence } from '../training-batch';

/** One point of the training curve. */
export interface CurvePoint {
  step: number;
  /** Mean training loss (nats per response token) over the steps since the previous point. */
  trainLoss: number;
  /** Validation loss at this step, when it was measured. */
  validationLoss?: number;
  lr: number;
  /** Response tokens seen so far. */
  tokens: number;
  elapsedSeconds: number;
}

/** Settings of {@link Pretrainer}. */
export interface PretrainSettings {
  schedule: CosineScheduleOptions;
  /** @default 0.1 */
  weightDecay?: number;
  /** @default 1.0 */
  maxGradNorm?: number;
  /** @default 0.95 */
  beta2?: number;
  /** ONNX Runtime threads. @default ORT's choice */
  intraOpThreads?: number;
}

/** Matrices decay; norm gains do not (and a tied embedding counts as a matrix, as in GPT-2). */
const noDecay = (name: string) => name.endsWith('norm.weight');

/** Full-weight trainer over one ONNX Runtime session. */
export class Pretrainer {
  private readonly optimizer;
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly cfg: LlamaConfig,
    /** Weights in the compiler's layout, updated in place. */
    readonly params: Map<string, { dims: number[]; data: Float32Array }>,
    private readonly settings: Required<Omit<PretrainSettings, 'intraOpThreads'>>,
  ) {
    const arrays = new Map([...params].map(([name, p]) => [name, p.data]));
    this.optimizer = createAdamW(arrays, { lr: settings.schedule.baseLr, weightDecay: settings.weightDecay, beta2: settings.beta2, noDecay });
  }

  /** Builds the training graph from `initial` (Hugging Face names) and opens it on the CPU. */
  static async create(cfg: LlamaConfig, initial: Map<string, NamedTensor>, settings: PretrainSettings): Promise<Pretrainer> {
    const { graph, params } = buildFullTrainingGraph(cfg, mapWeightSource(initial));
    const session = await ort.InferenceSession.create(serializeModel(graph).model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(settings.intraOpThreads ? { intraOpNumThreads: settings.intraOpThreads } : {}),
    });
    const full = { weightDecay: 0.1, maxGradNorm: 1, beta2: 0.95, ...settings };
    return new Pretrainer(session, cfg, new Map(params.map((p) => [p.name, { dims: p.dims, data: p.data }])), full);
  }

  get stepCount(): number {
    return this.optimizer.stepCount;
  }

  /** The weights in the compiler's layout, by name (live arrays). */
  compiledWeights(): Map<string, Float32Array> {
    return new Map([...this.params].map(([name, p]) => [name, p.data]));
  }

  private feeds(rows: LabelledSequence[]): { feeds: Record<string, ort.Tensor>; tokens: number } {
    const b = buildBatchFeeds(rows);
    const cfg = this.cfg;
    const shape = [b.batch, b.seq];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', b.inputIds, shape),
      attention_mask: new ort.Tensor('int64', b.attentionMask, shape),
      position_ids: new ort.Tensor('int64', b.positionIds, shape),
      labels: new ort.Tensor('int64', b.labels, shape),
      label_mask: new ort.Tensor('float32', b.labelMask, shape),
    };
    const empty = new Float32Array(0);
    for (let i = 0; i < cfg.numLayers; i++) {
      feeds[`past_key_values.${i}.key`] = new ort.Tensor('float32', empty, [b.batch, cfg.numKvHeads, 0, cfg.headDim]);
      feeds[`past_key_values.${i}.value`] = new ort.Tensor('float32', empty, [b.batch, cfg.numKvHeads, 0, cfg.headDim]);
    }
    for (const [name, p] of this.params) feeds[name] = new ort.Tensor('float32', p.data, p.dims);
    return { feeds, tokens: b.labelMask.reduce((a, x) => a + x, 0) };
  }

  /**
   * One optimizer step on `rows`; returns the loss before the update and the unclipped gradient norm.
   * @throws Error when the loss or a gradient is not finite (the weights are left unchanged)
   */
  async step(rows: LabelledSequence[]): Promise<{ loss: number; gradNorm: number; tokens: number; lr: number }> {
    const { feeds, tokens } = this.feeds(rows);
    const out = await this.session.run(feeds);
    const loss = (out.loss.data as Float32Array)[0];
    const grads = new Map<string, Float32Array>();
    for (const name of this.params.keys()) grads.set(name, out[gradName(name)].data as Float32Array);
    if (!Number.isFinite(loss) || hasNonFinite(grads)) throw new Error(`step ${this.stepCount}: non-finite loss or gradient (loss ${loss})`);
    const gradNorm = clipGradNorm(grads, this.settings.maxGradNorm);
    const lr = lrAt(this.stepCount, this.settings.schedule);
    this.optimizer.step(grads, lr);
    return { loss, gradNorm, tokens, lr };
  }

  /** Mean loss per response token over `batches`, without updating anything. */
  async evaluate(batches: LabelledSequence[][]): Promise<{ loss: number; tokens: number }> {
    let nll = 0;
    let count = 0;
    for (const rows of batches) {
      const { feeds, tokens } = this.feeds(rows);
      const out = await this.session.run(feeds, ['loss']);
      nll += (out.loss.data as Float32Array)[0] * tokens;
      count += tokens;
    }
    return { loss: nll / count, tokens: count };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
