/** @module gpu-worker/tokenizer/load.test — loading model folders, special ids, errors, and streaming decode. */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildByteLevelBpeTokenizer } from './byte-level-bpe';
import { buildTestModelTokenizerFiles } from './random-model-tokenizer';
import { createStreamingDecoder, createTextTokenizer, loadTokenizer, type TextTokenizer } from './load';

const files = buildTestModelTokenizerFiles();
let root: string;
let folderCount = 0;

/** Writes a model folder: objects as JSON, strings verbatim. */
async function modelFolder(contents: Record<string, unknown>): Promise<string> {
  const dir = join(root, `model-${folderCount++}`);
  await mkdir(dir);
  for (const [name, value] of Object.entries(contents)) {
    await writeFile(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'attune-tokenizer-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadTokenizer', () => {
  let tokenizer: TextTokenizer;
  beforeAll(async () => {
    tokenizer = await loadTokenizer(
      await modelFolder({ 'tokenizer.json': files.tokenizerJson, 'tokenizer_config.json': files.tokenizerConfigJson }),
    );
  });

  it('reads the vocabulary size and the special ids of the test model', () => {
    expect(tokenizer.vocabSize).toBe(512);
    expect(tokenizer.eosTokenIds).toEqual([2]);
    expect(tokenizer.padTokenId).toBe(0);
    expect(tokenizer.bosTokenId).toBeNull();
    expect(tokenizer.tokenToId('<|im_start|>')).toBe(1);
    expect(tokenizer.tokenToId('\u0120the')).toBeGreaterThan(258);
    expect(tokenizer.tokenToId('no such token')).toBeUndefined();
  });

  it.each(['Plain ASCII text.', 'Ça coûte 5 €, señor', 'emoji 🙂👍🏽', '漢字とかな'])('round-trips %j exactly', (text) => {
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('encodes special tokens to single ids and can drop them when decoding', () => {
    const ids = tokenizer.encode('<|im_start|>user\nHi<|im_end|>');
    expect(ids[0]).toBe(1);
    expect(ids.at(-1)).toBe(2);
    expect(tokenizer.decode(ids)).toBe('<|im_start|>user\nHi<|im_end|>');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('user\nHi');
  });

  it('decodes an empty list to empty text and rejects ids outside the vocabulary', () => {
    expect(tokenizer.decode([])).toBe('');
    expect(() => tokenizer.decode([5, 512])).toThrow(new RangeError('token id 512 is outside the vocabulary [0, 512)'));
  });

  it('applies the ChatML template from tokenizer_config.json', () => {
    const prompt = tokenizer.applyChatTemplate([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true });
    expect(prompt).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(tokenizer.applyChatTemplate([{ role: 'user', content: 'Hi' }])).toBe('<|im_start|>user\nHi<|im_end|>\n');
  });

  it('adds generation_config.json eos_token_id to the EOS ids, without duplicates', async () => {
    const dir = await modelFolder({
      'tokenizer.json': files.tokenizerJson,
      'tokenizer_config.json': files.tokenizerConfigJson,
      'generation_config.json': { eos_token_id: [2, 0], bos_token_id: 1 },
    });
    const loaded = await loadTokenizer(dir);
    expect(loaded.eosTokenIds).toEqual([2, 0]);
    expect(loaded.bosTokenId).toBe(1);
  });

  it('prefers chat_template.jinja over the config template', async () => {
    const dir = await modelFolder({
      'tokenizer.json': files.tokenizerJson,
      'tokenizer_config.json': files.tokenizerConfigJson,
      'chat_template.jinja': '{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}',
    });
    const loaded = await loadTokenizer(dir);
    expect(loaded.applyChatTemplate([{ role: 'user', content: 'Hi' }])).toBe('<user>Hi');
  });

  it('falls back to ChatML when the vocabulary has <|im_start|>, and pads with 0 when nothing says otherwise', async () => {
    const loaded = await loadTokenizer(await modelFolder({ 'tokenizer.json': files.tokenizerJson }));
    expect(loaded.applyChatTemplate([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(loaded.eosTokenIds).toEqual([]);
    expect(loaded.padTokenId).toBe(0);
  });

  it('falls back to the plain role template without ChatML tokens, writing the BOS token', async () => {
    const { tokenizerJson } = buildByteLevelBpeTokenizer({ merges: [], specialTokens: ['<s>', '</s>'] });
    const dir = await modelFolder({ 'tokenizer.json': tokenizerJson, 'tokenizer_config.json': { bos_token: '<s>', eos_token: { content: '</s>' } } });
    const loaded = await loadTokenizer(dir);
    expect(loaded.bosTokenId).toBe(0);
    expect(loaded.eosTokenIds).toEqual([1]);
    expect(loaded.padTokenId).toBe(1);
    expect(loaded.applyChatTemplate([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe('<s>user: Hi\nassistant: ');
  });
});

describe('loadTokenizer errors', () => {
  it('names tokenizer.json when it is missing', async () => {
    const dir = await modelFolder({});
    await expect(loadTokenizer(dir)).rejects.toThrow(`tokenizer file not found: ${join(dir, 'tokenizer.json')}`);
  });

  it('names a file that is not valid JSON', async () => {
    const broken = await modelFolder({ 'tokenizer.json': '{"version": "1.0",' });
    await expect(loadTokenizer(broken)).rejects.toThrow(`${join(broken, 'tokenizer.json')} is not valid JSON`);
    const brokenConfig = await modelFolder({ 'tokenizer.json': files.tokenizerJson, 'tokenizer_config.json': 'eos_token: x' });
    await expect(loadTokenizer(brokenConfig)).rejects.toThrow(`${join(brokenConfig, 'tokenizer_config.json')} is not valid JSON`);
  });

  it('names an unsupported model type', async () => {
    const wordLevel = { ...files.tokenizerJson, model: { type: 'WordLevel', vocab: { a: 0 }, unk_token: 'a' } };
    await expect(loadTokenizer(await modelFolder({ 'tokenizer.json': wordLevel }))).rejects.toThrow(
      /unsupported tokenizer model type "WordLevel"/,
    );
  });

  it('names a special token of tokenizer_config.json that the vocabulary lacks', async () => {
    const dir = await modelFolder({ 'tokenizer.json': files.tokenizerJson, 'tokenizer_config.json': { eos_token: '</s>' } });
    await expect(loadTokenizer(dir)).rejects.toThrow(/eos_token "<\/s>" of tokenizer_config.json is not a token of/);
  });
});

describe('createStreamingDecoder', () => {
  const tokenizer = createTextTokenizer({ tokenizerJson: files.tokenizerJson, tokenizerConfig: files.tokenizerConfigJson });

  it('emits an emoji only once all four of its byte tokens have arrived', () => {
    const ids = tokenizer.encode('🙂');
    expect(ids).toHaveLength(4);
    const stream = createStreamingDecoder(tokenizer);
    expect(ids.map((id) => stream.push(id))).toEqual(['', '', '', '🙂']);
    expect(stream.flush()).toBe('');
  });

  it('streams text whose chunks join to the full decode', () => {
    const text = 'The students said 你好 and 🙂 before the bell rang.';
    const ids = tokenizer.encode(text);
    const stream = createStreamingDecoder(tokenizer);
    const chunks = ids.map((id) => stream.push(id));
    expect(chunks.join('') + stream.flush()).toBe(text);
    expect(chunks.some((chunk) => chunk.includes('\uFFFD'))).toBe(false);
  });

  it('hands over an unfinished character as U+FFFD on flush', () => {
    const stream = createStreamingDecoder(tokenizer);
    const [first, second] = tokenizer.encode('你');
    expect(stream.push(tokenizer.encode('a')[0])).toBe('a');
    expect(stream.push(first)).toBe('');
    expect(stream.push(second)).toBe('');
    expect(stream.flush()).toBe('\uFFFD');
    expect(stream.flush()).toBe('');
  });

  it('leaves special tokens out when asked to', () => {
    const stream = createStreamingDecoder(tokenizer, { skipSpecialTokens: true });
    const out = tokenizer.encode('Hi<|im_end|>').map((id) => stream.push(id)).join('') + stream.flush();
    expect(out).toBe('Hi');
  });
});
