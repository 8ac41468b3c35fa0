/**
 * Training end to end on ONNX Runtime: a rank-4 LoRA on a tiny random Llama learns a fixed
 * 20-token response to a fixed prompt (loss < 0.05 within 200 steps), and DPO moves the
 * preference margin in the right direction.
 */
import { describe, expect, it } from 'vitest';
import { randomAdapter } from '../adapters/random-adapter';
import { parseLlamaConfig } from '../compiler/llama-config';
import { mapWeightSource, randomLlamaWeights } from '../model/random-weights';
import { LoraTrainer } from './lora-trainer';

// Hidden 128: after the final RMSNorm the frozen random head can only reach logit gaps of about
// √hidden, and a loss under 0.05 over a 64-token vocabulary needs a gap above ln(64 / 0.05) ≈ 7.
const cfg = parseLlamaConfig({
  model_type: 'llama', hidden_size: 128, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  vocab_size: 64, max_position_embeddings: 128, rms_norm_eps: 1e-5,
});
const weights = mapWeightSource(randomLlamaWeights(cfg, 3));
const prompt = [5, 9, 12, 7, 3];
const response = Array.from({ length: 20 }, (_, i) => (i * 5 + 20) % 64); // 20 distinct tokens, none in the prompt

/** A LoRA initialized as PEFT does: A random, B zero (so training starts from the base model). */
function freshAdapter(seed: number, targets = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const) {
  const a = randomAdapter(cfg, { baseModelId: 'sha256:test', targets: [...targets], rank: 4, alpha: 8, seed });
  for (const w of a.weights.values()) w.b.fill(0);
  return a;
}

describe('LoRA training on ONNX Runtime', () => {
  it('learns a fixed 20-token response to loss < 0.05 within 200 steps', async () => {
    const trainer = await LoraTrainer.create(cfg, weights, freshAdapter(1), { objective: 'sft', lr: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      losses.push((await trainer.sftStep([{ promptIds: prompt, responseIds: response }])).loss);
      if (losses.at(-1)! < 0.05) break;
    }
    await trainer.close();
    expect(losses[0]).toBeGreaterThan(2);
    expect(losses.at(-1)!).toBeLessThan(0.05);
    expect(losses.length).toBeLessThanOrEqual(200);
  }, 120_000);

  it('raises the preference margin with DPO', async () => {
    const trainer = await LoraTrainer.create(cfg, weights, freshAdapter(2), { objective: 'dpo', lr: 1e-2, dpoBeta: 0.5 });
    const pair = { promptIds: prompt, chosenIds: response.slice(0, 8), rejectedIds: response.slice(8, 16) };
    const first = await trainer.dpoStep([pair]);
    let last = first;
    for (let step = 0; step < 30; step++) last = await trainer.dpoStep([pair]);
    await trainer.close();
    expect(first.margin).toBeCloseTo(0, 5); // B = 0: the adapter starts as the reference
    expect(last.margin).toBeGreaterThan(1);
    expect(last.loss).toBeLessThan(first.loss);
  }, 120_000);
});
