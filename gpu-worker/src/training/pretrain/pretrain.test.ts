/**
 * Full-weight training pieces: the compiled layout converts back to the Hugging Face checkpoint
 * exactly, the full training graph's gradients agree with finite differences and its trainer
 * learns a fixed sequence, batches are packed under the token budget with every sequence once, and
 * the training prompts come in the three formats with the documented shares.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { preferenceInstructions } from '../../../../shared/personalization/prompt-builder';
import { serializeModel } from '../../../../shared/onnx/serialize';
import { parseLlamaConfig } from '../../compiler/llama-config';
import { mapWeightSource, randomLlamaWeights } from '../../model/random-weights';
import { buildTestModelTokenizerFiles } from '../../tokenizer/random-model-tokenizer';
import { createTextTokenizer } from '../../tokenizer/load';
import { generateCorpus } from '../corpus/generate-corpus';
import { buildFullTrainingGraph } from '../graphs/full-training-graph';
import { gradName } from '../graphs/lora-training-graph';
import { buildBatchFeeds } from '../training-batch';
import { hfTensorsFromCompiled } from './compiled-layout';
import { initialDefaultWeights } from './default-model-spec';
import { packBatches } from './length-batches';
import { formatAt, promptMessages, tokenizeForTraining } from './pretrain-data';
import { Pretrainer } from './pretrainer';

const withBiases = parseLlamaConfig({
  model_type: 'llama', hidden_size: 32, intermediate_size: 48, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  vocab_size: 40, max_position_embeddings: 64, rms_norm_eps: 1e-5, attention_bias: true, mlp_bias: true, tie_word_embeddings: false,
});

describe('compiled layout → Hugging Face checkpoint', () => {
  it('gives back every tensor of the checkpoint the graph was built from, bit for bit', () => {
    const original = randomLlamaWeights(withBiases, 5);
    const { params } = buildFullTrainingGraph(withBiases, mapWeightSource(original));
    const back = hfTensorsFromCompiled(withBiases, new Map(params.map((p) => [p.name, p.data])));
    expect([...back.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, t] of original) {
      expect(back.get(name)!.shape, name).toEqual(t.shape);
      expect(back.get(name)!.data, name).toEqual(t.data);
    }
  });
});

describe('the full training graph', () => {
  const cfg = parseLlamaConfig({
    model_type: 'llama', hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
    vocab_size: 48, max_position_embeddings: 64, rms_norm_eps: 1e-5, tie_word_embeddings: true,
  });
  const rows = [{ promptIds: [3, 4, 5], responseIds: [6, 7, 8, 9, 10] }, { promptIds: [11], responseIds: [12, 13] }];

  it('outputs gradients for every weight that match central finite differences', async () => {
    const { graph, params } = buildFullTrainingGraph(cfg, mapWeightSource(randomLlamaWeights(cfg, 2)));
    const session = await ort.InferenceSession.create(serializeModel(graph).model);
    const b = buildBatchFeeds(rows);
    const base: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', b.inputIds, [b.batch, b.seq]), attention_mask: new ort.Tensor('int64', b.attentionMask, [b.batch, b.seq]),
      position_ids: new ort.Tensor('int64', b.positionIds, [b.batch, b.seq]), labels: new ort.Tensor('int64', b.labels, [b.batch, b.seq]),
      label_mask: new ort.Tensor('float32', b.labelMask, [b.batch, b.seq]),
    };
    for (let i = 0; i < cfg.numLayers; i++) {
      for (const kind of ['key', 'value']) base[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [b.batch, cfg.numKvHeads, 0, cfg.headDim]);
    }
    const run = async (overrides: Map<string, Float32Array> = new Map()) => {
      const feeds = { ...base };
      for (const p of params) feeds[p.name] = new ort.Tensor('float32', overrides.get(p.name) ?? p.data, p.dims);
      return session.run(feeds);
    };
    const out = await run();
    expect(params.map((p) => p.name)).toContain('model.embed_tokens.weight');
    expect(params).toHaveLength(1 + cfg.numLayers * 6 + 1); // embedding, 6 per layer (2 norms, qkv, o, gate_up, down), final norm
    const h = 1e-2;
    let checked = 0;
    for (const p of params) {
      const grad = out[gradName(p.name)].data as Float32Array;
      const at = grad.reduce((best, g, i) => (Math.abs(g) > Math.abs(grad[best]) ? i : best), 0); // the largest entry: FD is meaningful there
      const plus = Float32Array.from(p.data);
      const minus = Float32Array.from(p.data);
      plus[at] += h;
      minus[at] -= h;
      const fd = (((await run(new Map([[p.name, plus]]))).loss.data as Float32Array)[0] - ((await run(new Map([[p.name, minus]]))).loss.data as Float32Array)[0]) / (2 * h);
      expect(Math.abs(fd - grad[at]), `${p.name}[${at}]: fd ${fd}, graph ${grad[at]}`).toBeLessThanOrEqual(2e-3 + 0.02 * Math.abs(grad[at]));
      checked++;
    }
    expect(checked).toBe(params.length);
    await session.release();
  });

  it('trains all weights: a fixed sequence is learned to loss < 0.1 within 150 steps', async () => {
    const trainer = await Pretrainer.create(cfg, initialDefaultWeights(cfg, 1), { schedule: { baseLr: 1e-2, warmupSteps: 5, totalSteps: 150 }, weightDecay: 0 });
    const losses: number[] = [];
    for (let step = 0; step < 150 && (losses.at(-1) ?? Infinity) >= 0.1; step++) losses.push((await trainer.step(rows)).loss);
    const evaluated = await trainer.evaluate([rows]);
    await trainer.close();
    expect(losses[0]).toBeGreaterThan(3); // ≈ ln 48 from the small initial weights
    expect(losses.at(-1)!).toBeLessThan(0.1);
    expect(evaluated.tokens).toBe(7);
  });
});

describe('packBatches', () => {
  const seqs = Array.from({ length: 500 }, (_, i) => ({ promptIds: Array(5 + (i % 7)).fill(1), responseIds: Array(10 + ((i * 37) % 150)).fill(2) }));

  it('uses every sequence exactly once and keeps rows × longest within the budget', () => {
    const batches = packBatches(seqs, { tokenBudget: 1024, seed: 3 });
    expect(batches.flat()).toHaveLength(500);
    expect(new Set(batches.flat()).size).toBe(500);
    for (const batch of batches) {
      const longest = Math.max(...batch.map((s) => s.promptIds.length + s.responseIds.length));
      expect(batch.length === 1 || batch.length * longest <= 1024).toBe(true);
    }
    const padded = batches.reduce((n, b) => n + b.length * Math.max(...b.map((s) => s.promptIds.length + s.responseIds.length)), 0);
    const real = seqs.reduce((n, s) => n + s.promptIds.length + s.responseIds.length, 0);
    expect(real / padded).toBeGreaterThan(0.9); // sorting within windows keeps padding under 10%
  });

  it('is deterministic per seed and names a bad budget', () => {
    expect(packBatches(seqs, { tokenBudget: 512, seed: 1 })).toEqual(packBatches(seqs, { tokenBudget: 512, seed: 1 }));
    expect(() => packBatches(seqs, { tokenBudget: 0, seed: 1 })).toThrow(/tokenBudget/);
  });
});

describe('training prompts', () => {
  it('draws the three formats at 55 / 30 / 15 %', () => {
    const counts = { 'styled-user': 0, 'system-profile': 0, 'no-instruction': 0 };
    for (let i = 0; i < 10_000; i++) counts[formatAt(1, i)]++;
    expect(counts['styled-user'] / 10_000).toBeCloseTo(0.55, 1);
    expect(counts['system-profile'] / 10_000).toBeCloseTo(0.3, 1);
    expect(counts['no-instruction'] / 10_000).toBeCloseTo(0.15, 1);
  });

  it('words the system format as the edge words a profile, and states nothing in the plain format', () => {
    const [ex] = generateCorpus({ seed: 4, count: 1 });
    const system = promptMessages(ex, 'system-profile');
    const domain = ex.domain === 'tutor' ? 'tutoring' : ex.domain;
    expect(system[0]).toEqual({ role: 'system', content: preferenceInstructions({ style: ex.style, response_length: ex.length }, domain) });
    expect(system[1]).toEqual({ role: 'user', content: ex.prompt });
    expect(promptMessages(ex, 'no-instruction')).toEqual([{ role: 'user', content: ex.prompt }]);
    expect(promptMessages(ex, 'styled-user')).toEqual([{ role: 'user', content: ex.styledPrompt }]);
  });

  it('ends the response with EOS and truncates to the token limit', () => {
    const files = buildTestModelTokenizerFiles();
    const tokenizer = createTextTokenizer({ tokenizerJson: files.tokenizerJson, tokenizerConfig: files.tokenizerConfigJson });
    const seq = tokenizeForTraining(tokenizer, [{ role: 'user', content: 'Hi' }], 'Hello there.', 512);
    expect(seq.responseIds.at(-1)).toBe(tokenizer.eosTokenIds[0]);
    expect(tokenizer.decode(seq.promptIds)).toContain('<|im_start|>assistant\n');
    const short = tokenizeForTraining(tokenizer, [{ role: 'user', content: 'Hi' }], 'word '.repeat(200), 40);
    expect(short.promptIds.length + short.responseIds.length).toBe(40);
  });
});
