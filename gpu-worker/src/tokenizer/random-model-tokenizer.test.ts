/** @module gpu-worker/tokenizer/random-model-tokenizer.test — the test-model tokenizer's ids, config and round trips. */
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { CHATML_TEMPLATE } from './chat-template';
import { buildTestModelTokenizerFiles } from './random-model-tokenizer';

const files = buildTestModelTokenizerFiles();
const tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfigJson);

describe('buildTestModelTokenizerFiles', () => {
  it('has 512 tokens: three specials, 256 bytes and 253 merge results', () => {
    expect(files.vocabSize).toBe(512);
    expect(files.tokenizerJson.model.merges).toHaveLength(253);
    expect(Math.max(...Object.values(files.tokenizerJson.model.vocab))).toBe(511);
    expect(files.specialTokens).toEqual(['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
  });

  it('returns equal files on every call', () => {
    expect(JSON.stringify(buildTestModelTokenizerFiles())).toBe(JSON.stringify(files));
  });

  it('writes a transformers-style tokenizer_config.json with ChatML and <|im_end|> as EOS', () => {
    const config = files.tokenizerConfigJson;
    expect(config).toMatchObject({
      bos_token: null,
      eos_token: '<|im_end|>',
      pad_token: '<|endoftext|>',
      unk_token: null,
      chat_template: CHATML_TEMPLATE,
      model_max_length: 2048,
      clean_up_tokenization_spaces: false,
      tokenizer_class: 'PreTrainedTokenizerFast',
    });
    expect(Object.keys(config.added_tokens_decoder)).toEqual(['0', '1', '2']);
    expect(config.added_tokens_decoder['2']).toEqual({
      content: '<|im_end|>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true,
    });
  });

  it.each([
    ['ASCII', 'The quick brown fox jumps over the lazy dog. 1234!'],
    ['accented text', 'Crème brûlée, naïve façade, Ærøskøbing'],
    ['emoji', 'Nice 🙂👍🏽 work 🇳🇴'],
    ['CJK', '你好，世界。日本語のテキスト'],
    ['whitespace', '  two spaces\n\ttab and trailing  '],
  ])('round-trips %s exactly through encode and decode', (_kind, text) => {
    const { ids } = tokenizer.encode(text);
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it('encodes each special token to its single id', () => {
    expect(tokenizer.encode('<|endoftext|>').ids).toEqual([0]);
    const ids = tokenizer.encode('<|im_start|>user\nHi<|im_end|>').ids;
    expect(ids[0]).toBe(1);
    expect(ids.at(-1)).toBe(2);
    expect(ids.filter((id) => id <= 2)).toEqual([1, 2]);
  });

  it('learned merges for frequent words, so English takes fewer tokens than bytes', () => {
    expect(tokenizer.encode(' the').tokens).toEqual(['\u0120the']);
    expect(tokenizer.encode(' and').tokens).toEqual(['\u0120and']);
    const sentence = 'The students walked home through the garden in the evening.';
    const { ids } = tokenizer.encode(sentence);
    expect(ids.length).toBeLessThan(new TextEncoder().encode(sentence).length / 2);
  });
});
