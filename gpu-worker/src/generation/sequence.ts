/**
 * @module gpu-worker/generation/sequence
 * One request's state inside the engine: its tokens, sampler stream, detokenizer, stop-string
 * matcher and event queue. `accept` applies one sampled token and decides whether it is done.
 */
import { createSeededRng, randomSeed, type SeededRng } from '../../../shared/random/seeded-rng';
import type { LoraAdapter } from '../adapters/adapter';
import { createStreamingDecoder, type StreamingDecoder, type TextTokenizer } from '../tokenizer/load';
import { EventQueue } from './event-queue';
import type { SamplingParams } from './sampling-params';
import { StopStringMatcher } from './stop-strings';

/** Why a generation ended. */
export type FinishReason = 'eos' | 'length' | 'stop' | 'aborted';

/** What a caller receives while a request runs. */
export type GenerationEvent =
  | { type: 'token'; tokenId: number; text: string }
  | { type: 'text'; text: string }
  | {
      type: 'done';
      finishReason: FinishReason;
      text: string;
      tokenIds: number[];
      promptTokens: number;
      seed: number;
      timings: { queuedMs: number; firstTokenMs: number; totalMs: number };
    };

let nextSequenceId = 1;

/** A request in the engine. */
export class Sequence {
  readonly id = nextSequenceId++;
  readonly events = new EventQueue<GenerationEvent>();
  readonly generated: number[] = [];
  /** Prompt and generated ids: what the repetition penalty looks at. */
  readonly history: number[];
  readonly seed: number;
  private readonly rng: SeededRng;
  private readonly decoder: StreamingDecoder;
  private readonly stops: StopStringMatcher;
  private readonly submittedAt = performance.now();
  private admittedAt = 0;
  private firstTokenAt = 0;
  private text = '';
  finished: FinishReason | null = null;

  constructor(
    readonly promptIds: number[],
    readonly params: SamplingParams,
    readonly adapter: LoraAdapter | null,
    private readonly tokenizer: TextTokenizer,
    private readonly maxPositions: number,
    readonly signal?: AbortSignal,
  ) {
    this.history = [...promptIds];
    this.seed = params.seed ?? randomSeed();
    this.rng = createSeededRng(this.seed);
    this.decoder = createStreamingDecoder(tokenizer, { skipSpecialTokens: true });
    this.stops = new StopStringMatcher(params.stop);
  }

  get sampler(): SeededRng {
    return this.rng;
  }

  /** Position id of the next token fed to the model (the last sampled one). */
  get nextPosition(): number {
    return this.promptIds.length + this.generated.length - 1;
  }

  get lastToken(): number {
    return this.generated[this.generated.length - 1];
  }

  markAdmitted(): void {
    this.admittedAt = performance.now();
  }

  /** Applies a sampled token: emits its text and finishes on EOS, a stop string or the length limit. */
  accept(tokenId: number): void {
    if (this.finished) return;
    if (!this.firstTokenAt) this.firstTokenAt = performance.now();
    if (this.tokenizer.eosTokenIds.includes(tokenId)) return this.finish('eos');
    this.generated.push(tokenId);
    this.history.push(tokenId);
    const { emit, stopped } = this.stops.push(this.decoder.push(tokenId));
    this.text += emit;
    this.events.push({ type: 'token', tokenId, text: emit });
    if (stopped) return this.finish('stop');
    if (this.generated.length >= this.params.maxNewTokens) return this.finish('length');
    if (this.promptIds.length + this.generated.length >= this.maxPositions) return this.finish('length');
  }

  /** Ends the request, flushing held-back text. */
  finish(reason: FinishReason): void {
    if (this.finished) return;
    this.finished = reason;
    if (reason !== 'stop') {
      const tail = this.stops.push(this.decoder.flush()).emit + this.stops.flush();
      if (tail) {
        this.text += tail;
        this.events.push({ type: 'text', text: tail });
      }
    }
    const now = performance.now();
    this.events.push({
      type: 'done',
      finishReason: reason,
      text: this.text,
      tokenIds: [...this.generated],
      promptTokens: this.promptIds.length,
      seed: this.seed,
      timings: {
        queuedMs: (this.admittedAt || now) - this.submittedAt,
        firstTokenMs: (this.firstTokenAt || now) - this.submittedAt,
        totalMs: now - this.submittedAt,
      },
    });
    this.events.end();
  }

  fail(error: unknown): void {
    this.finished = 'aborted';
    this.events.fail(error);
  }
}
