/** @module adapters/random-adapter tests: determinism, shapes, and the size of the delta it makes. */
import { describe, expect, it } from 'vitest';
import { parseLlamaConfig } from '../compiler/llama-config';
import { checkAdapterShapes } from './adapter';
import { randomAdapter } from './random-adapter';

const cfg = parseLlamaConfig({
  model_type: 'llama',
  hidden_size: 64,
  intermediate_size: 96,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 16,
});
const options = { baseModelId: 'sha256:ab12', targets: ['q_proj', 'down_proj'] as const, rank: 8, alpha: 16, seed: 3 };

describe('randomAdapter', () => {
  const adapter = randomAdapter(cfg, { ...options, targets: [...options.targets] });

  it('fits the model and fills the header', () => {
    expect(() => checkAdapterShapes(cfg, adapter)).not.toThrow();
    expect(adapter).toMatchObject({ rank: 8, alpha: 16, scale: 2, version: 1, numLayers: 2, targets: ['q_proj', 'down_proj'] });
    expect(adapter.weights.get('1.down_proj')!.a.length).toBe(96 * 8);
  });

  it('is bit-identical for the same seed and differs for another', () => {
    const again = randomAdapter(cfg, { ...options, targets: ['q_proj', 'down_proj'] });
    const other = randomAdapter(cfg, { ...options, targets: ['q_proj', 'down_proj'], seed: 4 });
    expect(again.weights.get('0.q_proj')!.b).toEqual(adapter.weights.get('0.q_proj')!.b);
    expect(other.weights.get('0.q_proj')!.b).not.toEqual(adapter.weights.get('0.q_proj')!.b);
  });

  it('keeps a target’s weights when other targets are added', () => {
    const qOnly = randomAdapter(cfg, { ...options, targets: ['q_proj'] });
    expect(qOnly.weights.get('1.q_proj')!.a).toEqual(adapter.weights.get('1.q_proj')!.a);
  });

  it('makes A and B nonzero with std 1/√in and 0.3/(scale·√r)', () => {
    const { a, b } = adapter.weights.get('0.q_proj')!;
    const rms = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(rms(a)).toBeGreaterThan(0.8 / 8);
    expect(rms(a)).toBeLessThan(1.2 / 8);
    const expectedB = 0.3 / (2 * Math.sqrt(8));
    expect(rms(b)).toBeGreaterThan(0.8 * expectedB);
    expect(rms(b)).toBeLessThan(1.2 * expectedB);
  });

  it('makes a delta of about 0.3 times a unit-RMS input', () => {
    const { a, b } = adapter.weights.get('0.q_proj')!;
    const seq = 64;
    const x = Float64Array.from({ length: seq * 64 }, (_, k) => Math.sqrt(2) * Math.sin(0.37 * k * k + k));
    let sum = 0;
    for (let t = 0; t < seq; t++) {
      const down = new Float64Array(8);
      for (let i = 0; i < 64; i++) for (let j = 0; j < 8; j++) down[j] += x[t * 64 + i] * a[i * 8 + j];
      for (let o = 0; o < 64; o++) {
        let d = 0;
        for (let j = 0; j < 8; j++) d += down[j] * b[j * 64 + o];
        sum += (adapter.scale * d) ** 2;
      }
    }
    const deltaRms = Math.sqrt(sum / (seq * 64));
    expect(deltaRms).toBeGreaterThan(0.15);
    expect(deltaRms).toBeLessThan(0.5);
  });

  it('uses alpha/√r with rsLoRA and honours an explicit std', () => {
    const rs = randomAdapter(cfg, { ...options, targets: ['q_proj'], rsLora: true, std: 0.5 });
    expect(rs.scale).toBeCloseTo(16 / Math.sqrt(8), 12);
    const b = rs.weights.get('0.q_proj')!.b;
    expect(Math.sqrt(b.reduce((s, x) => s + x * x, 0) / b.length)).toBeGreaterThan(0.4);
  });
});
