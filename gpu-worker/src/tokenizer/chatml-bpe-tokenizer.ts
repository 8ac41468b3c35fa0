/**
 * @module gpu-worker/tokenizer/chatml-bpe-tokenizer
 * A byte-level BPE tokenizer with the ChatML specials, trained deterministically on given texts
 * and emitted as the `tokenizer.json` and `tokenizer_config.json` objects a Hugging Face model
 * folder holds. Used for the random test models and for the default model's corpus tokenizer.
 */
import { buildByteLevelBpeTokenizer, trainByteLevelBpe, type ByteLevelBpeTokenizerJson } from './byte-level-bpe';
import { CHATML_TEMPLATE } from './chat-template';

/** Special tokens in id order: `<|endoftext|>` (0, padding), `<|im_start|>` (1), `<|im_end|>` (2, EOS). */
export const CHATML_SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

/** `tokenizer_config.json` as transformers writes it for a fast (tokenizer.json-backed) tokenizer. */
export interface ChatMlTokenizerConfig {
  bos_token: null;
  eos_token: string;
  pad_token: string;
  unk_token: null;
  chat_template: string;
  model_max_length: number;
  clean_up_tokenization_spaces: false;
  tokenizer_class: 'PreTrainedTokenizerFast';
  added_tokens_decoder: Record<string, {
    content: string;
    lstrip: boolean;
    normalized: boolean;
    rstrip: boolean;
    single_word: boolean;
    special: boolean;
  }>;
}

/** The tokenizer files, as objects ready for `JSON.stringify`. */
export interface ChatMlTokenizerFiles {
  tokenizerJson: ByteLevelBpeTokenizerJson;
  tokenizerConfigJson: ChatMlTokenizerConfig;
  vocabSize: number;
  /** Special tokens in id order (index = id). */
  specialTokens: string[];
}

/** Options of {@link buildChatMlTokenizerFiles}. */
export interface ChatMlTokenizerOptions {
  texts: readonly string[];
  /** Target vocabulary size, specials and the 256 byte symbols included. */
  vocabSize: number;
  /** Merges need at least this many occurrences. @default 2 */
  minFrequency?: number;
  /** `model_max_length` of tokenizer_config.json. @default 2048 */
  modelMaxLength?: number;
}

/**
 * Trains the merges on `texts` and builds the files. Deterministic: equal options give equal files.
 *
 * @example
 * const { tokenizerJson, tokenizerConfigJson } = buildChatMlTokenizerFiles({ texts: corpus, vocabSize: 2048 });
 */
export function buildChatMlTokenizerFiles(options: ChatMlTokenizerOptions): ChatMlTokenizerFiles {
  const specialTokens = [...CHATML_SPECIAL_TOKENS];
  const merges = trainByteLevelBpe(options.texts, { vocabSize: options.vocabSize, specialTokens, minFrequency: options.minFrequency ?? 2 });
  const { tokenizerJson, vocabSize } = buildByteLevelBpeTokenizer({ merges, specialTokens });
  const tokenizerConfigJson: ChatMlTokenizerConfig = {
    bos_token: null,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    unk_token: null,
    chat_template: CHATML_TEMPLATE,
    model_max_length: options.modelMaxLength ?? 2048,
    clean_up_tokenization_spaces: false,
    tokenizer_class: 'PreTrainedTokenizerFast',
    added_tokens_decoder: Object.fromEntries(
      tokenizerJson.added_tokens.map(({ id, content, lstrip, normalized, rstrip, single_word, special }) => [
        String(id),
        { content, lstrip, normalized, rstrip, single_word, special },
      ]),
    ),
  };
  return { tokenizerJson, tokenizerConfigJson, vocabSize, specialTokens };
}
