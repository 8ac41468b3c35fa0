/**
 * @module gpu-worker/generation/engine
 * Continuous batching across users (Orca's iteration-level scheduling; per-row adapters as in
 * Punica/LoRAX). Between decode steps, waiting requests are prefilled together (left-padded,
 * with masks and position ids) and joined to the running batch; finished ones leave. Every row
 * carries its own adapter slot, sampler stream and stop conditions, so a request produces the
 * same tokens whether it runs alone or beside others.
 */
import type { LoraAdapter } from '../adapters/adapter';
import { stackAdapters } from '../adapters/adapter-stack';
import type { LoraFeeds, ModelSession } from '../runtime/model-session';
import type { Logger } from '../runtime/logger';
import { silentLogger } from '../runtime/logger';
import type { TextTokenizer } from '../tokenizer/load';
import { KvBatch } from './kv-batch';
import { sampleNextToken } from './sampler';
import type { SamplingParams } from './sampling-params';
import { Sequence, type GenerationEvent } from './sequence';

/** A request for the engine. */
export interface GenerationRequest {
  promptIds: number[];
  params: SamplingParams;
  /** The user's adapter; absent or null runs the base model (slot 0). */
  adapter?: LoraAdapter | null;
  /** Aborting ends the request with finishReason `aborted`. */
  signal?: AbortSignal;
}

/** Engine settings. */
export interface EngineOptions {
  /** Most rows decoded together. @default 32 */
  maxBatchSize?: number;
  logger?: Logger;
}

/** Schedules requests onto one model session. */
export class GenerationEngine {
  private readonly pending: Sequence[] = [];
  private running: Sequence[] = [];
  private kv: KvBatch;
  private loop: Promise<void> | null = null;
  private readonly maxBatchSize: number;
  private readonly logger: Logger;
  private loraCache: { key: string; feeds: LoraFeeds['tensors']; slots: Map<LoraAdapter, number> } | null = null;
  /** Decode steps and rows decoded, for metrics. */
  readonly stats = { steps: 0, rowsDecoded: 0, prefills: 0 };

  constructor(
    readonly session: ModelSession,
    readonly tokenizer: TextTokenizer,
    options: EngineOptions = {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 32;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1) throw new Error('maxBatchSize must be a positive integer');
    this.logger = options.logger ?? silentLogger;
    const cfg = session.config;
    this.kv = KvBatch.empty({ numLayers: cfg.numLayers, numKvHeads: cfg.numKvHeads, headDim: cfg.headDim });
  }

  /** Requests waiting or running. */
  get load(): number {
    return this.pending.length + this.running.length;
  }

  /** Checks a request up front, so nothing invalid reaches ONNX Runtime. */
  private validate(req: GenerationRequest): void {
    const cfg = this.session.config;
    if (req.promptIds.length === 0) throw new Error('prompt is empty: at least one token is needed');
    if (req.promptIds.length >= cfg.maxPositions) {
      throw new Error(`prompt has ${req.promptIds.length} tokens; this model accepts at most ${cfg.maxPositions - 1}`);
    }
    for (const id of req.promptIds) {
      if (!Number.isInteger(id) || id < 0 || id >= cfg.vocabSize) throw new Error(`prompt token id ${id} is outside the vocabulary (size ${cfg.vocabSize})`);
    }
    const a = req.adapter;
    if (!a) return;
    const m = this.session.model.manifest;
    if (a.baseModelId !== m.baseModelId) throw new Error(`adapter was trained for base model ${a.baseModelId}, this model is ${m.baseModelId}`);
    const missing = a.targets.filter((t) => !m.loraTargets.includes(t));
    if (missing.length) throw new Error(`adapter targets ${missing.join(', ')}, which this model was not compiled for (compiled: ${m.loraTargets.join(', ') || 'none'})`);
    if (a.rank > m.maxRank) throw new Error(`adapter rank ${a.rank} exceeds this model's maximum rank ${m.maxRank}`);
  }

  /**
   * Queues a request and returns its event stream: `token` events as tokens are sampled, a
   * `text` event for held-back text at the end, then `done`. Throws at once on invalid input.
   */
  generate(req: GenerationRequest): AsyncIterable<GenerationEvent> {
    this.validate(req);
    const seq = new Sequence(req.promptIds, req.params, req.adapter ?? null, this.tokenizer, this.session.config.maxPositions, req.signal);
    this.pending.push(seq);
    this.loop ??= this.runLoop().finally(() => (this.loop = null));
    return seq.events;
  }

  private async runLoop(): Promise<void> {
    while (this.pending.length || this.running.length) {
      try {
        this.dropAborted();
        if (this.pending.length && this.running.length < this.maxBatchSize) await this.admit();
        if (this.running.length) await this.decodeStep();
      } catch (error) {
        this.logger.error('generation step failed; failing its requests', { error: error instanceof Error ? error.message : String(error) });
        for (const s of [...this.running]) s.fail(error);
        this.running = [];
        this.kv.keepRows([]);
      }
      await new Promise((r) => setImmediate(r)); // let callers consume events and submit work
    }
  }

  private dropAborted(): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (this.pending[i].signal?.aborted) this.pending.splice(i, 1)[0].finish('aborted');
    }
    if (this.running.some((s) => s.signal?.aborted)) {
      for (const s of this.running) if (s.signal?.aborted) s.finish('aborted');
      this.retire();
    }
  }

  /** Stacked adapter feeds for `rows`, rebuilt only when the set of adapters changes. */
  private loraFeeds(rows: Sequence[]): LoraFeeds | undefined {
    if (!this.session.hasLora) return undefined;
    const adapters = [...new Set(rows.map((s) => s.adapter).filter((a): a is LoraAdapter => !!a))];
    if (adapters.length === 0) return undefined;
    const key = adapters.map(adapterKey).join('|');
    if (this.loraCache?.key !== key) {
      const { feeds } = stackAdapters(this.session.config, this.session.model.manifest.loraTargets, adapters);
      this.loraCache = { key, feeds, slots: new Map(adapters.map((a, i) => [a, i + 1])) };
    }
    const slots = this.loraCache.slots;
    return { adapterIndex: BigInt64Array.from(rows, (s) => BigInt(s.adapter ? slots.get(s.adapter)! : 0)), tensors: this.loraCache.feeds };
  }

  /** Prefills waiting requests together and joins them to the running batch. */
  private async admit(): Promise<void> {
    const joining = this.pending.splice(0, this.maxBatchSize - this.running.length);
    const cfg = this.session.config;
    const n = joining.length;
    const width = Math.max(...joining.map((s) => s.promptIds.length));
    const inputIds = new BigInt64Array(n * width).fill(BigInt(this.tokenizer.padTokenId));
    const mask = new BigInt64Array(n * width);
    const positions = new BigInt64Array(n * width);
    joining.forEach((s, r) => {
      s.markAdmitted();
      const pad = width - s.promptIds.length;
      s.promptIds.forEach((id, j) => {
        inputIds[r * width + pad + j] = BigInt(id);
        mask[r * width + pad + j] = 1n;
        positions[r * width + pad + j] = BigInt(j);
      });
    });
    const empty = { key: new Float32Array(0), value: new Float32Array(0) };
    let out;
    try {
      out = await this.session.forward({
        batch: n, seq: width, inputIds, attentionMask: mask, positionIds: positions, pastLength: 0,
        past: Array.from({ length: cfg.numLayers }, () => empty), lora: this.loraFeeds(joining),
      });
    } catch (error) {
      this.logger.error('prefill failed; failing the joining requests', { error: error instanceof Error ? error.message : String(error) });
      for (const s of joining) s.fail(error);
      return;
    }
    this.stats.prefills++;
    const fresh = new KvBatch(this.kv.geometry, n, width, out.present, mask);
    joining.forEach((s, r) => this.sampleInto(s, out.logits, (r * out.logitsSeq + out.logitsSeq - 1) * cfg.vocabSize));
    this.running.push(...joining);
    this.kv.append(fresh);
    this.retire();
  }

  /** One decode step for every running row. */
  private async decodeStep(): Promise<void> {
    const cfg = this.session.config;
    const rows = this.running;
    const b = rows.length;
    const out = await this.session.forward({
      batch: b, seq: 1,
      inputIds: BigInt64Array.from(rows, (s) => BigInt(s.lastToken)),
      attentionMask: this.kv.maskWithNew(1),
      positionIds: BigInt64Array.from(rows, (s) => BigInt(s.nextPosition)),
      pastLength: this.kv.length, past: this.kv.layers, lora: this.loraFeeds(rows),
    });
    this.kv.advance(out.present, 1);
    this.stats.steps++;
    this.stats.rowsDecoded += b;
    rows.forEach((s, r) => this.sampleInto(s, out.logits, r * out.logitsSeq * cfg.vocabSize));
    this.retire();
  }

  private sampleInto(s: Sequence, logits: Float32Array, offset: number): void {
    if (s.finished) return;
    const row = logits.subarray(offset, offset + this.session.config.vocabSize);
    s.accept(sampleNextToken(row, s.params, s.sampler, s.params.repetitionPenalty === 1 ? [] : s.history));
  }

  /** Removes finished rows from the batch and its cache. */
  private retire(): void {
    if (!this.running.some((s) => s.finished)) return;
    const keep: number[] = [];
    this.running.forEach((s, i) => !s.finished && keep.push(i));
    this.kv.keepRows(keep);
    this.running = keep.map((i) => this.running[i]);
  }

  /** Waits for all queued work to finish. */
  async drain(): Promise<void> {
    while (this.loop) await this.loop;
  }
}

const adapterIds = new WeakMap<LoraAdapter, number>();
let nextAdapterId = 1;
function adapterKey(a: LoraAdapter): number {
  let id = adapterIds.get(a);
  if (!id) adapterIds.set(a, (id = nextAdapterId++));
  return id;
}
