/**
 * @module gpu-worker/generation/text-generator
 * The front door of the model runtime: opens a model directory (compiling it on first use),
 * its tokenizer and an engine, and turns chat messages or raw text into token streams.
 */
import type { LoraAdapter } from '../adapters/adapter';
import { ensureCompiled, type CompiledModel, type CompileOptions } from '../compiler/compile';
import type { ExecutionProviderName } from '../runtime/execution-provider';
import { silentLogger, type Logger } from '../runtime/logger';
import { ModelSession } from '../runtime/model-session';
import { loadTokenizer, type ChatMessage, type TextTokenizer } from '../tokenizer/load';
import { GenerationEngine } from './engine';
import type { SamplingParams } from './sampling-params';
import type { GenerationEvent } from './sequence';

/** Options for {@link openTextGenerator}. */
export interface TextGeneratorOptions {
  providers?: ExecutionProviderName[];
  maxBatchSize?: number;
  intraOpThreads?: number;
  compile?: CompileOptions;
  logger?: Logger;
}

/** What to generate from: chat messages (rendered with the model's chat template) or raw text. */
export type GenerationInput = { messages: ChatMessage[] } | { text: string };

/** A model ready to generate. */
export class TextGenerator {
  private constructor(
    readonly model: CompiledModel,
    readonly session: ModelSession,
    readonly tokenizer: TextTokenizer,
    readonly engine: GenerationEngine,
  ) {}

  /** Opens `modelDir` (a Hugging Face directory or a compiled one). */
  static async open(modelDir: string, options: TextGeneratorOptions = {}): Promise<TextGenerator> {
    const logger = options.logger ?? silentLogger;
    const model = await ensureCompiled(modelDir, options.compile);
    const session = await ModelSession.open(model, { providers: options.providers, logger, intraOpThreads: options.intraOpThreads });
    const tokenizer = await loadTokenizer(model.dir);
    if (tokenizer.vocabSize > model.config.vocabSize) {
      throw new Error(`tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${model.config.vocabSize}`);
    }
    return new TextGenerator(model, session, tokenizer, new GenerationEngine(session, tokenizer, { maxBatchSize: options.maxBatchSize, logger }));
  }

  /** Token ids of the input: chat messages go through the chat template with a generation prompt. */
  encode(input: GenerationInput): number[] {
    const text = 'messages' in input ? this.tokenizer.applyChatTemplate(input.messages, { addGenerationPrompt: true }) : input.text;
    return this.tokenizer.encode(text);
  }

  /** Streams events for one request. */
  stream(input: GenerationInput, params: SamplingParams, adapter?: LoraAdapter | null, signal?: AbortSignal): AsyncIterable<GenerationEvent> {
    return this.engine.generate({ promptIds: this.encode(input), params, adapter, signal });
  }

  /** Runs one request to completion and returns its final event. */
  async complete(input: GenerationInput, params: SamplingParams, adapter?: LoraAdapter | null): Promise<Extract<GenerationEvent, { type: 'done' }>> {
    for await (const event of this.stream(input, params, adapter)) if (event.type === 'done') return event;
    throw new Error('generation ended without a result');
  }

  async close(): Promise<void> {
    await this.engine.drain();
    await this.session.close();
  }
}
