/** @module gpu-worker/tokenizer/byte-level-bpe.test — trainer determinism, ids, and HF compatibility. */
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { BYTE_TO_UNICODE, buildByteLevelBpeTokenizer, trainByteLevelBpe } from './byte-level-bpe';

const HUG_CORPUS = ['hug hug hug pug pun bun'];

describe('BYTE_TO_UNICODE', () => {
  it('maps printable bytes to themselves and the others above U+00FF, as GPT-2 does', () => {
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
    expect(BYTE_TO_UNICODE[0x61]).toBe('a');
    expect(BYTE_TO_UNICODE[0x20]).toBe('\u0120'); // 'Ġ'
    expect(BYTE_TO_UNICODE[0x0a]).toBe('\u010a'); // 'Ċ'
    expect(BYTE_TO_UNICODE[0x00]).toBe('\u0100');
    expect(BYTE_TO_UNICODE[0xad]).toBe('\u0143'); // soft hyphen, the last shifted byte
  });
});

describe('buildByteLevelBpeTokenizer', () => {
  const { tokenizerJson, vocabSize } = buildByteLevelBpeTokenizer({
    merges: [['h', 'i'], ['\u0120', 'hi'], ['i', 'i'], ['hi', 'i'], ['h', 'ii']],
    specialTokens: ['<|endoftext|>', '<|im_start|>'],
  });
  const vocab = tokenizerJson.model.vocab;

  it('gives special tokens the first ids, then bytes in code-point order, then merge results', () => {
    expect(vocab['<|endoftext|>']).toBe(0);
    expect(vocab['<|im_start|>']).toBe(1);
    expect(vocab['!']).toBe(2);
    expect(vocab['\u00ff']).toBe(2 + 187); // 188 printable bytes come first
    expect(vocab['\u0100']).toBe(2 + 188);
    expect(vocab['hi']).toBe(258);
    expect(vocab['\u0120hi']).toBe(259);
    expect(vocab['ii']).toBe(260);
    expect(vocab['hii']).toBe(261);
  });

  it('keeps one id for a merge result that already exists, so the vocabulary has no duplicates', () => {
    expect(vocabSize).toBe(262);
    expect(Object.keys(vocab)).toHaveLength(262);
    expect(new Set(Object.values(vocab)).size).toBe(262);
    expect(tokenizerJson.model.merges).toEqual(['h i', '\u0120 hi', 'i i', 'hi i', 'h ii']);
  });

  it('writes the HF tokenizer.json sections for byte-level BPE', () => {
    expect(tokenizerJson.version).toBe('1.0');
    expect(tokenizerJson.normalizer).toBeNull();
    expect(tokenizerJson.pre_tokenizer).toEqual({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true });
    expect(tokenizerJson.post_processor.type).toBe('ByteLevel');
    expect(tokenizerJson.decoder.type).toBe('ByteLevel');
    expect(tokenizerJson.added_tokens[1]).toEqual({
      id: 1, content: '<|im_start|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    });
    expect(tokenizerJson.model).toMatchObject({ type: 'BPE', byte_fallback: false, ignore_merges: false, unk_token: null });
  });

  it('rejects a merge whose part is not yet a token, naming the part', () => {
    expect(() => buildByteLevelBpeTokenizer({ merges: [['h', 'ug']], specialTokens: [] })).toThrow(/merge 0 .*"ug"/);
  });

  it('rejects a special token listed twice', () => {
    expect(() => buildByteLevelBpeTokenizer({ merges: [], specialTokens: ['<s>', '<s>'] })).toThrow('specialTokens lists "<s>" twice');
  });
});

describe('trainByteLevelBpe', () => {
  it('merges the most frequent pair first and breaks ties by the lexicographically smallest pair', () => {
    // ug: 4 (hug×3, pug); then h+ug: 3; then u+n, Ġ+hug and Ġ+p tie at 2, taken in string order.
    const merges = trainByteLevelBpe(HUG_CORPUS, { vocabSize: 1000, specialTokens: [] });
    expect(merges).toEqual([['u', 'g'], ['h', 'ug'], ['u', 'n'], ['\u0120', 'hug'], ['\u0120', 'p']]);
  });

  it('stops at minFrequency and at vocabSize', () => {
    expect(trainByteLevelBpe(HUG_CORPUS, { vocabSize: 1000, specialTokens: [], minFrequency: 3 })).toEqual([['u', 'g'], ['h', 'ug']]);
    expect(trainByteLevelBpe(HUG_CORPUS, { vocabSize: 1000, specialTokens: [], minFrequency: 1 })).toHaveLength(9);
    expect(trainByteLevelBpe(HUG_CORPUS, { vocabSize: 256 + 2 + 1, specialTokens: ['<a>', '<b>'] })).toEqual([['u', 'g']]);
  });

  it('returns the same merges for the same texts, in any order', () => {
    const texts = ['The cat sat on the mat.', 'The dog sat on the log!', 'Ünïcödé and 漢字 too, 42 times.'];
    const first = trainByteLevelBpe(texts, { vocabSize: 300, specialTokens: [], minFrequency: 1 });
    expect(first.length).toBeGreaterThan(20);
    expect(trainByteLevelBpe(texts, { vocabSize: 300, specialTokens: [], minFrequency: 1 })).toEqual(first);
    expect(trainByteLevelBpe([...texts].reverse(), { vocabSize: 300, specialTokens: [], minFrequency: 1 })).toEqual(first);
  });

  it('never merges across or inside special tokens found in the text', () => {
    const merges = trainByteLevelBpe(['<|x|><|x|><|x|>ab<|x|>ab'], { vocabSize: 1000, specialTokens: ['<|x|>'], minFrequency: 1 });
    expect(merges).toEqual([['a', 'b']]);
  });

  it('names vocabSize when it cannot hold the special tokens and bytes', () => {
    expect(() => trainByteLevelBpe(HUG_CORPUS, { vocabSize: 257, specialTokens: ['<a>', '<b>'] })).toThrow(/vocabSize must be an integer from 258/);
  });

  it('produces a tokenizer.json that @huggingface/tokenizers loads and that compresses text', () => {
    const corpus = Array.from({ length: 20 }, (_, i) => `the hungry pug ${i} hugs the other pugs in the sun`);
    const merges = trainByteLevelBpe(corpus, { vocabSize: 300, specialTokens: ['<|endoftext|>'] });
    const { tokenizerJson } = buildByteLevelBpeTokenizer({ merges, specialTokens: ['<|endoftext|>'] });
    const tokenizer = new Tokenizer(tokenizerJson, {});
    const sentence = 'the hungry pug hugs the other pugs';
    const { ids, tokens } = tokenizer.encode(sentence);
    expect(tokens).toEqual(['the', '\u0120hungry', '\u0120pug', '\u0120hugs', '\u0120the', '\u0120other', '\u0120pugs']);
    expect(ids.length).toBeLessThan(new TextEncoder().encode(sentence).length);
    expect(tokenizer.decode(ids)).toBe(sentence);
    expect(tokenizer.encode('<|endoftext|>').ids).toEqual([0]);
  });
});
