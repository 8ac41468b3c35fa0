/**
 * @module gpu-worker/runtime/model-session
 * One loaded decoder: turns typed arrays into ONNX Runtime feeds, checks them first (so bad
 * input is an error that names it, never a failure inside ONNX Runtime), and returns logits
 * and the new KV cache.
 */
import * as ort from 'onnxruntime-node';
import { readCompiledModel, type CompiledModel } from '../compiler/compile';
import type { LlamaConfig } from '../compiler/llama-config';
import { createSession, type ExecutionProviderName } from './execution-provider';
import type { Logger } from './logger';
import { silentLogger } from './logger';

/** Key and value cache of one layer, `[batch, kv_heads, length, head_dim]` each. */
export interface LayerCache {
  key: Float32Array;
  value: Float32Array;
}

/** Stacked adapter inputs for one forward call (see `adapters/adapter-stack.ts`). */
export interface LoraFeeds {
  /** Slot of each batch row (0 = no adapter). */
  adapterIndex: BigInt64Array;
  /** `lora_scale` and every `…lora_A.weight` / `…lora_B.weight` input. */
  tensors: Record<string, { data: Float32Array; dims: number[] }>;
}

/** Inputs of one forward call. */
export interface ForwardInput {
  batch: number;
  seq: number;
  inputIds: BigInt64Array;
  /** `[batch, pastLength + seq]`. */
  attentionMask: BigInt64Array;
  positionIds: BigInt64Array;
  pastLength: number;
  /** One entry per layer; empty arrays when `pastLength` is 0. */
  past: LayerCache[];
  lora?: LoraFeeds;
}

/** Outputs of one forward call. */
export interface ForwardOutput {
  /** `[batch, logitsSeq, vocab]`. */
  logits: Float32Array;
  logitsSeq: number;
  present: LayerCache[];
}

/** A compiled model opened on an execution provider. */
export class ModelSession {
  private zeroLora: LoraFeeds['tensors'] | null = null;

  private constructor(
    readonly model: CompiledModel,
    readonly provider: ExecutionProviderName,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Opens a compiled model directory. */
  static async open(dirOrModel: string | CompiledModel, options: { providers?: ExecutionProviderName[]; logger?: Logger; intraOpThreads?: number } = {}): Promise<ModelSession> {
    const model = typeof dirOrModel === 'string' ? await readCompiledModel(dirOrModel) : dirOrModel;
    const { session, provider } = await createSession(model.modelPath, { ...options, logger: options.logger ?? silentLogger });
    return new ModelSession(model, provider, session);
  }

  get config(): LlamaConfig {
    return this.model.config;
  }

  /** True when the graph has LoRA inputs. */
  get hasLora(): boolean {
    return this.model.manifest.loraTargets.length > 0;
  }

  private check(input: ForwardInput): void {
    const { batch, seq, pastLength } = input;
    const cfg = this.config;
    const total = pastLength + seq;
    if (batch < 1 || seq < 1) throw new Error(`batch and sequence length must be at least 1 (got ${batch}×${seq})`);
    if (input.inputIds.length !== batch * seq) throw new Error(`input_ids holds ${input.inputIds.length} ids, expected ${batch}×${seq}`);
    if (input.positionIds.length !== batch * seq) throw new Error(`position_ids holds ${input.positionIds.length} values, expected ${batch}×${seq}`);
    if (input.attentionMask.length !== batch * total) throw new Error(`attention_mask holds ${input.attentionMask.length} values, expected ${batch}×${total}`);
    for (const id of input.inputIds) {
      if (id < 0n || id >= BigInt(cfg.vocabSize)) throw new Error(`input_ids: token id ${id} is outside the vocabulary (size ${cfg.vocabSize})`);
    }
    for (const p of input.positionIds) {
      if (p < 0n || p >= BigInt(cfg.maxPositions)) throw new Error(`position_ids: position ${p} is outside 0..${cfg.maxPositions - 1} (max_position_embeddings)`);
    }
    const cacheSize = batch * cfg.numKvHeads * pastLength * cfg.headDim;
    if (input.past.length !== cfg.numLayers) throw new Error(`past cache has ${input.past.length} layers, the model has ${cfg.numLayers}`);
    input.past.forEach((layer, i) => {
      if (layer.key.length !== cacheSize || layer.value.length !== cacheSize) {
        throw new Error(`past_key_values.${i}: expected ${cacheSize} values for [${batch},${cfg.numKvHeads},${pastLength},${cfg.headDim}]`);
      }
    });
    if (input.lora) {
      if (input.lora.adapterIndex.length !== batch) throw new Error(`adapter_index has ${input.lora.adapterIndex.length} entries, expected ${batch}`);
      const slots = input.lora.tensors.lora_scale?.dims[0] ?? 0;
      for (const s of input.lora.adapterIndex) if (s < 0n || s >= BigInt(slots)) throw new Error(`adapter_index: slot ${s} is outside 0..${slots - 1}`);
    }
  }

  /** Zero adapters (one slot, rank 1) for graphs with LoRA inputs when no row has an adapter. */
  private zeroLoraTensors(): LoraFeeds['tensors'] {
    if (this.zeroLora) return this.zeroLora;
    const tensors: LoraFeeds['tensors'] = { lora_scale: { data: new Float32Array(1), dims: [1] } };
    for (const name of this.session.inputNames) {
      const meta = this.session.inputMetadata.find((m) => m.name === name);
      if (!name.endsWith('.lora_A.weight') && !name.endsWith('.lora_B.weight')) continue;
      const shape = meta && meta.isTensor ? meta.shape : [];
      const fixed = shape.find((d, i) => i > 0 && typeof d === 'number') as number;
      const dims = name.endsWith('.lora_A.weight') ? [1, fixed, 1] : [1, 1, fixed];
      tensors[name] = { data: new Float32Array(fixed), dims };
    }
    return (this.zeroLora = tensors);
  }

  /** Runs the decoder once. */
  async forward(input: ForwardInput): Promise<ForwardOutput> {
    this.check(input);
    const cfg = this.config;
    const { batch, seq, pastLength } = input;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', input.inputIds, [batch, seq]),
      attention_mask: new ort.Tensor('int64', input.attentionMask, [batch, pastLength + seq]),
      position_ids: new ort.Tensor('int64', input.positionIds, [batch, seq]),
    };
    const kvDims = [batch, cfg.numKvHeads, pastLength, cfg.headDim];
    input.past.forEach((layer, i) => {
      feeds[`past_key_values.${i}.key`] = new ort.Tensor('float32', layer.key, kvDims);
      feeds[`past_key_values.${i}.value`] = new ort.Tensor('float32', layer.value, kvDims);
    });
    if (this.hasLora) {
      const lora = input.lora ?? { adapterIndex: new BigInt64Array(batch), tensors: this.zeroLoraTensors() };
      feeds.adapter_index = new ort.Tensor('int64', lora.adapterIndex, [batch]);
      for (const [name, t] of Object.entries(lora.tensors)) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    } else if (input.lora) {
      throw new Error('this model was compiled without LoRA targets; recompile with --lora-targets to serve adapters');
    }
    const out = await this.session.run(feeds);
    const logits = out.logits;
    return {
      logits: logits.data as Float32Array,
      logitsSeq: logits.dims[1],
      present: Array.from({ length: cfg.numLayers }, (_, i) => ({
        key: out[`present.${i}.key`].data as Float32Array,
        value: out[`present.${i}.value`].data as Float32Array,
      })),
    };
  }

  /** Frees the native session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
