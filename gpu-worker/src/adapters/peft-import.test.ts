/** @module adapters/peft-import tests: PEFT directories written on disk, their layouts, scales and rejections. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TINY_BASE_ID, TINY_CFG } from './tiny-config.test-fixture';
import { serializeSafetensors, type TensorToWrite } from '../../../shared/safetensors/write';
import { projectionShape, targetModule, type LoraTarget } from '../compiler/llama-config';
import { AdapterError, type AdapterErrorCode } from './adapter';
import { importPeftAdapter } from './peft-import';

const cfg = TINY_CFG;
const BASE = TINY_BASE_ID;

/** A PEFT config as `PeftModel.save_pretrained` writes it, with `overrides` applied. */
function peftConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    peft_type: 'LORA', task_type: 'CAUSAL_LM', base_model_name_or_path: 'meta-llama/Llama-3.2-1B',
    r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'], lora_dropout: 0.05, bias: 'none',
    fan_in_fan_out: false, modules_to_save: null, use_rslora: false, layers_to_transform: null,
    rank_pattern: {}, alpha_pattern: {}, use_dora: false, ...overrides,
  };
}

/** PEFT weights: A[j][i] = 100·layer + j + i/100, B[o][j] = -(100·layer + o + j/100), so every value says where it came from. */
function peftTensors(opts: { r?: number; layers?: number[]; targets?: LoraTarget[]; suffix?: string; prefix?: string } = {}) {
  const { r = 4, layers = [0, 1], targets = ['q_proj', 'v_proj'], suffix = '', prefix = 'base_model.model.' } = opts;
  const tensors: Record<string, TensorToWrite> = {};
  for (const layer of layers) {
    for (const target of targets) {
      const [inF, outF] = projectionShape(cfg, target);
      const a = Float32Array.from({ length: r * inF }, (_, k) => 100 * layer + Math.floor(k / inF) + (k % inF) / 100);
      const b = Float32Array.from({ length: outF * r }, (_, k) => -(100 * layer + Math.floor(k / r) + (k % r) / 100));
      const stem = `${prefix}model.layers.${layer}.${targetModule(target)}.${target}`;
      tensors[`${stem}.lora_A${suffix}.weight`] = { dtype: 'F32', shape: [r, inF], data: a };
      tensors[`${stem}.lora_B${suffix}.weight`] = { dtype: 'F32', shape: [outF, r], data: b };
    }
  }
  return tensors;
}

describe('importPeftAdapter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-peft-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writePeft(config: Record<string, unknown>, tensors: Record<string, TensorToWrite>) {
    await writeFile(join(dir, 'adapter_config.json'), JSON.stringify(config));
    await writeFile(join(dir, 'adapter_model.safetensors'), serializeSafetensors(tensors, { format: 'pt' }));
  }

  async function importError(code: AdapterErrorCode): Promise<AdapterError> {
    const err = await importPeftAdapter(dir, cfg, BASE).then(
      () => new Error(`expected AdapterError ${code}, but the import succeeded`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).code).toBe(code);
    return err as AdapterError;
  }

  it('imports base_model.model.-prefixed tensors, transposing them to graph layout', async () => {
    await writePeft(peftConfig(), peftTensors());
    const adapter = await importPeftAdapter(dir, cfg, BASE);
    expect(adapter).toMatchObject({ baseModelId: BASE, targets: ['q_proj', 'v_proj'], rank: 4, alpha: 8, scale: 2, version: 1, numLayers: 2 });
    const v1 = adapter.weights.get('1.v_proj')!;
    expect(v1.a.length).toBe(8 * 4);
    expect(v1.b.length).toBe(4 * 4);
    // graph a[i][j] (input 5, rank 3) is PEFT A[3][5] = 100 + 3 + 0.05.
    expect(v1.a[5 * 4 + 3]).toBeCloseTo(103.05, 4);
    // graph b[j][o] (rank 2, output 1) is PEFT B[1][2] = -(100 + 1 + 0.02).
    expect(v1.b[2 * 4 + 1]).toBeCloseTo(-101.02, 4);
  });

  it('accepts names with the adapter name before .weight and without the wrapper prefix', async () => {
    await writePeft(peftConfig(), peftTensors({ suffix: '.default', prefix: '' }));
    const adapter = await importPeftAdapter(dir, cfg, BASE);
    expect(adapter.weights.get('0.q_proj')!.a[1 * 4 + 2]).toBeCloseTo(2.01, 4);
  });

  it('scales by alpha / √r with rsLoRA', async () => {
    await writePeft(peftConfig({ r: 4, lora_alpha: 8, use_rslora: true }), peftTensors());
    expect((await importPeftAdapter(dir, cfg, BASE)).scale).toBe(4);
  });

  it('gives zero weights to layers outside layers_to_transform', async () => {
    await writePeft(peftConfig({ layers_to_transform: [1] }), peftTensors({ layers: [1] }));
    const adapter = await importPeftAdapter(dir, cfg, BASE);
    for (const target of ['q_proj', 'v_proj']) {
      const zero = adapter.weights.get(`0.${target}`)!;
      expect(zero.a.length).toBe(8 * 4);
      expect(zero.a.every((x) => x === 0) && zero.b.every((x) => x === 0)).toBe(true);
      expect(adapter.weights.get(`1.${target}`)!.a.some((x) => x !== 0)).toBe(true);
    }
  });

  it('rejects a regex target_modules, naming the file and field', async () => {
    await writePeft(peftConfig({ target_modules: '.*\\.(q|v)_proj' }), peftTensors());
    const err = await importError('BAD_HEADER');
    expect(err.message).toContain(join(dir, 'adapter_config.json'));
    expect(err.message).toContain('target_modules is the string ".*\\\\.(q|v)_proj"');
    expect(err.subject).toBe('target_modules');
  });

  it('rejects a target module the compiler cannot adapt', async () => {
    await writePeft(peftConfig({ target_modules: ['q_proj', 'lm_head'] }), peftTensors());
    expect((await importError('BAD_HEADER')).message).toContain('names "lm_head"');
  });

  it.each([
    ['bias', { bias: 'lora_only' }],
    ['fan_in_fan_out', { fan_in_fan_out: true }],
    ['modules_to_save', { modules_to_save: ['lm_head'] }],
    ['use_dora', { use_dora: true }],
    ['rank_pattern', { rank_pattern: { q_proj: 2 } }],
    ['r', { r: 0 }],
  ])('rejects an unsupported %s', async (field, overrides) => {
    await writePeft(peftConfig(overrides), peftTensors());
    const err = await importError('BAD_HEADER');
    expect(err.subject).toBe(field);
    expect(err.message).toContain(`adapter_config.json: ${field} `);
  });

  it('rejects tensors whose rank disagrees with r, naming the tensor', async () => {
    await writePeft(peftConfig({ r: 8 }), peftTensors({ r: 4 }));
    const err = await importError('RANK_MISMATCH');
    expect(err.message).toContain('tensor base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight has rank 4, adapter_config.json says r = 8');
  });

  it('rejects a missing lora_B, naming it', async () => {
    const tensors = peftTensors();
    delete tensors['base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight'];
    await writePeft(peftConfig(), tensors);
    expect((await importError('MISSING_TENSOR')).message).toContain('layers.1.self_attn.v_proj.lora_B.weight');
  });

  it('rejects tensors of modules outside target_modules', async () => {
    await writePeft(peftConfig({ target_modules: ['q_proj'] }), peftTensors());
    expect((await importError('BAD_FILE')).message).toContain('v_proj.lora_A.weight is not a LoRA weight of target_modules q_proj');
  });

  it('names the file that cannot be read', async () => {
    await writeFile(join(dir, 'adapter_config.json'), JSON.stringify(peftConfig()));
    expect((await importError('BAD_FILE')).message).toContain(join(dir, 'adapter_model.safetensors'));
  });
});
