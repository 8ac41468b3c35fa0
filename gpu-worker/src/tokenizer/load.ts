/**
 * @module gpu-worker/tokenizer/load
 * Loads the tokenizer of a Hugging Face model folder (`tokenizer.json`, `tokenizer_config.json`,
 * `chat_template.jinja`, `generation_config.json`) into a {@link TextTokenizer} backed by
 * `@huggingface/tokenizers`, and turns generated ids into text as they stream.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { CHATML_TEMPLATE, PLAIN_ROLE_TEMPLATE, compileChatTemplate, type ChatMessage } from './chat-template';

export type { ChatMessage } from './chat-template';

/** Text ↔ token ids for one model, plus the special ids generation needs. */
export interface TextTokenizer {
  /** Highest id + 1, added tokens included. */
  readonly vocabSize: number;
  /** `eos_token` of tokenizer_config.json, then `eos_token_id` of generation_config.json (deduplicated). */
  readonly eosTokenIds: number[];
  /** `pad_token`, else the first EOS id, else 0 (padded positions are masked, so any id serves). */
  readonly padTokenId: number;
  /** `bos_token`, else generation_config.json `bos_token_id`, else null. */
  readonly bosTokenId: number | null;
  /**
   * Text → ids. `addSpecialTokens` (default false) runs the post-processor, e.g. Llama 3's BOS;
   * leave it off for {@link TextTokenizer.applyChatTemplate} output, which already holds them.
   */
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  /** Ids → text; throws a RangeError for an id outside [0, vocabSize). */
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
  /** Renders the model's chat template; `addGenerationPrompt` defaults to false, as in transformers. */
  applyChatTemplate(messages: ChatMessage[], opts?: { addGenerationPrompt?: boolean }): string;
  tokenToId(token: string): number | undefined;
}

/** Parsed files of a model folder; only `tokenizerJson` is required. */
export interface TokenizerFiles {
  tokenizerJson: object;
  tokenizerConfig?: object;
  generationConfig?: object;
  /** A template from `chat_template.jinja`; wins over `tokenizerConfig.chat_template`. */
  chatTemplate?: string;
  /** Where `tokenizerJson` came from, for error messages. @default 'tokenizer.json' */
  source?: string;
}

const SUPPORTED_MODEL_TYPES = ['BPE', 'WordPiece', 'Unigram'];

/**
 * Loads a model folder's tokenizer. `tokenizer.json` is required; `tokenizer_config.json`,
 * `generation_config.json` and `chat_template.jinja` are optional.
 *
 * Chat template, first found: `chat_template.jinja`; `chat_template` of tokenizer_config.json (a
 * string, or the `default` entry of a list of named templates); ChatML ({@link CHATML_TEMPLATE})
 * when the vocabulary has `<|im_start|>`; otherwise {@link PLAIN_ROLE_TEMPLATE} (`role: content`).
 *
 * @throws Error naming the file when tokenizer.json is missing, a file is not valid JSON, a special
 *   token is not in the vocabulary, or the model type is not BPE, WordPiece or Unigram.
 * @example
 * const tokenizer = await loadTokenizer('/models/llama-3.2-1b');
 * const ids = tokenizer.encode(tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true }));
 */
export async function loadTokenizer(modelDir: string): Promise<TextTokenizer> {
  const source = join(modelDir, 'tokenizer.json');
  const tokenizerText = await readOptionalText(source);
  if (tokenizerText === undefined) throw new Error(`tokenizer file not found: ${source}`);
  const configPath = join(modelDir, 'tokenizer_config.json');
  const generationPath = join(modelDir, 'generation_config.json');
  const [configText, generationText, chatTemplate] = await Promise.all([
    readOptionalText(configPath),
    readOptionalText(generationPath),
    readOptionalText(join(modelDir, 'chat_template.jinja')),
  ]);
  return createTextTokenizer({
    tokenizerJson: parseJsonObject(tokenizerText, source),
    tokenizerConfig: configText === undefined ? undefined : parseJsonObject(configText, configPath),
    generationConfig: generationText === undefined ? undefined : parseJsonObject(generationText, generationPath),
    chatTemplate,
    source,
  });
}

/**
 * Builds a {@link TextTokenizer} from already-parsed files (see {@link loadTokenizer} for the rules).
 *
 * @example
 * const files = buildTestModelTokenizerFiles();
 * const tokenizer = createTextTokenizer({ tokenizerJson: files.tokenizerJson, tokenizerConfig: files.tokenizerConfigJson });
 */
export function createTextTokenizer(files: TokenizerFiles): TextTokenizer {
  const source = files.source ?? 'tokenizer.json';
  const json = files.tokenizerJson as Record<string, unknown>;
  const config = (files.tokenizerConfig ?? {}) as Record<string, unknown>;
  const generation = (files.generationConfig ?? {}) as Record<string, unknown>;

  const model = json.model as { type?: unknown } | undefined;
  if (typeof model !== 'object' || model === null) throw new Error(`${source} has no "model" section`);
  if (!SUPPORTED_MODEL_TYPES.includes(String(model.type))) {
    throw new Error(`${source}: unsupported tokenizer model type "${String(model.type)}" (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  }
  let tokenizer: Tokenizer;
  try {
    // HF always writes these keys; older or hand-made files may omit them, which means "none".
    const sections = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, added_tokens: [] };
    tokenizer = new Tokenizer({ ...sections, ...json }, config);
  } catch (error) {
    throw new Error(`${source} could not be loaded: ${describe(error)}`, { cause: error });
  }

  const vocabSize = tokenizer.model?.vocab.length ?? 0;
  const specialId = (field: string): number | undefined => {
    const token = tokenText(config[field]);
    if (token === undefined) return undefined;
    const id = tokenizer.token_to_id(token);
    if (id === undefined) throw new Error(`${field} "${token}" of tokenizer_config.json is not a token of ${source}`);
    return id;
  };
  const eosTokenIds = [...new Set([specialId('eos_token'), ...idList(generation.eos_token_id)])].filter(
    (id): id is number => id !== undefined,
  );
  const padTokenId = specialId('pad_token') ?? eosTokenIds[0] ?? 0;
  const bosTokenId = specialId('bos_token') ?? idList(generation.bos_token_id)[0] ?? null;
  // An absent flag means false, unlike the library's default of true, so decode(encode(x)) === x.
  const cleanUpSpaces = config.clean_up_tokenization_spaces === true;

  const templateSource =
    files.chatTemplate ??
    configTemplate(config.chat_template) ??
    (tokenizer.token_to_id('<|im_start|>') !== undefined ? CHATML_TEMPLATE : PLAIN_ROLE_TEMPLATE);
  const renderChat = compileChatTemplate(templateSource);
  const bosToken = tokenText(config.bos_token) ?? '';
  const eosToken = tokenText(config.eos_token) ?? '';

  return {
    vocabSize,
    eosTokenIds,
    padTokenId,
    bosTokenId,
    encode(text, opts = {}) {
      return tokenizer.encode(text, { add_special_tokens: opts.addSpecialTokens ?? false }).ids;
    },
    decode(ids, opts = {}) {
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
          throw new RangeError(`token id ${id} is outside the vocabulary [0, ${vocabSize})`);
        }
      }
      // The library throws on an empty list; an empty list is simply empty text.
      if (ids.length === 0) return '';
      return tokenizer.decode(ids, {
        skip_special_tokens: opts.skipSpecialTokens ?? false,
        clean_up_tokenization_spaces: cleanUpSpaces,
      });
    },
    applyChatTemplate(messages, opts = {}) {
      return renderChat(messages, { addGenerationPrompt: opts.addGenerationPrompt ?? false, bosToken, eosToken });
    },
    tokenToId(token) {
      return tokenizer.token_to_id(token);
    },
  };
}

/** Turns generated ids into text chunk by chunk; see {@link createStreamingDecoder}. */
export interface StreamingDecoder {
  /** Adds one id; returns the text it completes ('' while a UTF-8 sequence is still open). */
  push(id: number): string;
  /** Returns whatever is held back (an unfinished sequence decodes to U+FFFD) and clears it. */
  flush(): string;
}

/**
 * Incremental detokenizer for token streaming. Decodes a sliding window of ids (the last emitted
 * chunk as context, then the pending ids) and emits the new suffix only when it does not end with
 * U+FFFD, so a character split across byte tokens (an emoji is four) appears once, whole. The
 * window keeps each push O(chunk), and the context keeps SentencePiece's leading spaces right
 * (the scheme of Hugging Face text-generation-inference). Concatenated output equals `decode(ids)`.
 *
 * @example
 * const stream = createStreamingDecoder(tokenizer, { skipSpecialTokens: true });
 * for (const id of generated) process.stdout.write(stream.push(id));
 * process.stdout.write(stream.flush());
 */
export function createStreamingDecoder(
  tokenizer: Pick<TextTokenizer, 'decode'>,
  options: { skipSpecialTokens?: boolean } = {},
): StreamingDecoder {
  const ids: number[] = [];
  let prefixOffset = 0; // start of the context window
  let readOffset = 0; // ids before this are already emitted
  const decode = (from: number, to: number) =>
    tokenizer.decode(ids.slice(from, to), { skipSpecialTokens: options.skipSpecialTokens ?? false });
  return {
    push(id) {
      ids.push(id);
      const emitted = decode(prefixOffset, readOffset);
      const text = decode(prefixOffset, ids.length);
      if (text.length <= emitted.length || text.endsWith('\uFFFD')) return '';
      prefixOffset = readOffset;
      readOffset = ids.length;
      return text.slice(emitted.length);
    },
    flush() {
      const emitted = decode(prefixOffset, readOffset);
      const text = decode(prefixOffset, ids.length);
      prefixOffset = readOffset = ids.length;
      return text.slice(emitted.length);
    },
  };
}

async function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`could not read ${path}: ${describe(error)}`, { cause: error });
  }
}

function parseJsonObject(text: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${describe(error)}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** A special token as tokenizer_config.json writes it: a string, or `{ content }` (AddedToken). */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** generation_config.json ids: a number or a list of numbers. */
function idList(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((id): id is number => Number.isInteger(id));
}

/** `chat_template`: a string, or `[{ name, template }]` from which `default` (else the first) is used. */
function configTemplate(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const named = value as { name?: unknown; template?: unknown }[];
  const chosen = named.find((entry) => entry?.name === 'default') ?? named[0];
  return typeof chosen?.template === 'string' ? chosen.template : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
