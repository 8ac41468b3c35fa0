/**
 * @module gpu-worker/compiler/compile tests: compiling a random Hugging Face model directory, the
 * manifest it records, the compile cache of ensureCompiled, external weight data that loads and
 * runs in ModelSession, and each way a source directory is rejected (with the culprit named).
 */
import { mkdir, mkdtemp, readFile, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSafetensors } from '../../../shared/safetensors/read';
import { serializeSafetensors, type TensorToWrite } from '../../../shared/safetensors/write';
import { initRandomModel } from '../model/init-random';
import { ModelSession } from '../runtime/model-session';
import { compileModel, ensureCompiled, EXTERNAL_DATA_FILE, MANIFEST_FILE, MODEL_FILE, readCompiledModel } from './compile';

let root: string;
/** A random model (seed 11) compiled by several tests; never modified. */
let hfDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'attune-compile-'));
  hfDir = join(root, 'hf');
  await initRandomModel(hfDir, { seed: 11 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

let counter = 0;
/** A fresh directory under the test root. */
const scratch = (name: string) => join(root, `${name}-${++counter}`);

/** Copies the random model's files into a new directory so a test can damage them. */
async function copyOfModel(name: string): Promise<string> {
  const dir = scratch(name);
  await mkdir(dir);
  for (const file of await readdir(hfDir)) {
    if (file.startsWith('.')) continue;
    await writeFile(join(dir, file), await readFile(join(hfDir, file)));
  }
  return dir;
}

/** Rewrites `dir/model.safetensors` after `edit` changes its tensors (raw bytes, shapes, dtypes). */
async function editSafetensors(dir: string, edit: (tensors: Record<string, TensorToWrite>) => void): Promise<void> {
  const path = join(dir, 'model.safetensors');
  const file = parseSafetensors(new Uint8Array(await readFile(path)));
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, entry] of file.tensors) tensors[name] = { dtype: entry.dtype, shape: entry.shape, data: entry.data };
  edit(tensors);
  await writeFile(path, serializeSafetensors(tensors, file.metadata));
}

/** Logits of one prefill of three tokens. */
async function prefillLogits(dir: string): Promise<{ logits: Float32Array; dims: [number, number] }> {
  const session = await ModelSession.open(dir, { providers: ['cpu'] });
  try {
    const out = await session.forward({
      batch: 1,
      seq: 3,
      inputIds: BigInt64Array.from([5n, 17n, 42n]),
      attentionMask: BigInt64Array.from([1n, 1n, 1n]),
      positionIds: BigInt64Array.from([0n, 1n, 2n]),
      pastLength: 0,
      past: Array.from({ length: session.config.numLayers }, () => ({ key: new Float32Array(0), value: new Float32Array(0) })),
    });
    return { logits: out.logits, dims: [out.logitsSeq, out.logits.length / out.logitsSeq] };
  } finally {
    await session.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (outcome === null) throw new Error('expected a rejection, but the call succeeded');
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

describe('compileModel', () => {
  it('writes model.onnx, the tokenizer files and a manifest with the base model id, targets and rank', async () => {
    const out = scratch('compiled');
    const compiled = await compileModel(hfDir, out, { loraTargets: ['q_proj', 'v_proj'], maxRank: 8 });
    expect(compiled.dir).toBe(out);
    expect(compiled.modelPath).toBe(join(out, MODEL_FILE));
    expect(compiled.manifest).toMatchObject({
      format: 'attune-compiled-model',
      compilerVersion: 1,
      modelType: 'llama',
      loraTargets: ['q_proj', 'v_proj'],
      maxRank: 8,
      logits: 'all',
      externalData: null,
    });
    expect(compiled.manifest.baseModelId).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(compiled.config.hiddenSize).toBe(64);
    expect(compiled.config.numLayers).toBe(2);

    const files = (await readdir(out)).sort();
    expect(files).toEqual(['attune-model.json', 'config.json', 'generation_config.json', 'model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
      expect(await readFile(join(out, file), 'utf8')).toBe(await readFile(join(hfDir, file), 'utf8'));
    }
    // No staging directory is left beside the output.
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const reread = await readCompiledModel(out);
    expect(reread.manifest).toEqual(compiled.manifest);
    expect(JSON.parse(await readFile(join(out, MANIFEST_FILE), 'utf8')).baseModelId).toBe(compiled.manifest.baseModelId);
  });

  it('gives the same base model id for the same weights and a different one for other weights', async () => {
    const a = await compileModel(hfDir, scratch('id-a'), { loraTargets: [] });
    const b = await compileModel(hfDir, scratch('id-b'), { loraTargets: ['o_proj'], maxRank: 4 });
    expect(b.manifest.baseModelId).toBe(a.manifest.baseModelId);
    const other = scratch('hf-other');
    await initRandomModel(other, { seed: 12 });
    const c = await compileModel(other, scratch('id-c'));
    expect(c.manifest.baseModelId).not.toBe(a.manifest.baseModelId);
    expect(c.manifest.loraTargets).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj']);
    expect(c.manifest.maxRank).toBe(64);
  });

  it('stores the weights in model.onnx.data with a zero threshold, and the model runs with the same logits', async () => {
    const embedded = await compileModel(hfDir, scratch('embedded'), { loraTargets: [] });
    const external = await compileModel(hfDir, scratch('external'), { loraTargets: [], externalDataThresholdBytes: 0 });
    expect(embedded.manifest.externalData).toBeNull();
    expect(external.manifest.externalData).toBe(EXTERNAL_DATA_FILE);

    const embeddedSize = (await stat(embedded.modelPath)).size;
    const externalModelSize = (await stat(external.modelPath)).size;
    const dataSize = (await stat(join(external.dir, EXTERNAL_DATA_FILE))).size;
    // The random model has ~158k float32 parameters (~630 kB): they now live in the side file.
    expect(dataSize).toBeGreaterThan(600_000);
    expect(externalModelSize).toBeLessThan(embeddedSize / 4);
    await expect(stat(join(embedded.dir, EXTERNAL_DATA_FILE))).rejects.toThrow(/ENOENT/);

    const create = vi.spyOn(ort.InferenceSession, 'create');
    const a = await prefillLogits(embedded.dir);
    const b = await prefillLogits(external.dir);
    // One ONNX Runtime session per model (the same spy guards the truncated-file test below).
    expect(create).toHaveBeenCalledTimes(2);
    expect(create.mock.calls[1][0]).toBe(external.modelPath);
    expect(a.dims).toEqual([3, external.config.vocabSize]);
    expect(b.dims).toEqual(a.dims);
    expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
    expect(a.logits.some((x) => x !== 0)).toBe(true);
  });

  it('rejects a directory without config.json, naming the path', async () => {
    const empty = scratch('empty');
    await mkdir(empty);
    const err = await rejection(compileModel(empty, scratch('out')));
    expect(err.message).toBe(`${empty} is not a model directory: ${join(empty, 'config.json')} is missing`);
    const viaCache = await rejection(ensureCompiled(empty));
    expect(viaCache.message).toContain(join(empty, 'config.json'));
  });

  it('rejects a config.json that is not JSON, naming the file', async () => {
    const dir = await copyOfModel('bad-json');
    await writeFile(join(dir, 'config.json'), '{"model_type": "llama",');
    const err = await rejection(compileModel(dir, scratch('out')));
    expect(err.message).toBe(`${join(dir, 'config.json')} is not valid JSON`);
  });

  it('rejects model_type gpt2, naming model_type', async () => {
    const dir = await copyOfModel('gpt2');
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'gpt2' }));
    const err = await rejection(compileModel(dir, scratch('out')));
    expect(err.message).toContain('model_type "gpt2"');
    expect(err.message).toContain('llama, mistral');
  });

  it('rejects hidden_size 30 with 4 heads, naming both fields', async () => {
    const dir = await copyOfModel('heads');
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, hidden_size: 30, num_attention_heads: 4 }));
    const err = await rejection(compileModel(dir, scratch('out')));
    expect(err.message).toBe('config.json: hidden_size 30 is not divisible by num_attention_heads 4');
  });

  it('rejects maxRank 0 before reading the model', async () => {
    const err = await rejection(compileModel(join(root, 'does-not-exist'), scratch('out'), { maxRank: 0 }));
    expect(err.message).toBe('maxRank must be an integer in 1..1024, got 0');
    await expect(ensureCompiled(hfDir, { maxRank: 0 }, scratch('cache'))).rejects.toThrow('maxRank must be an integer in 1..1024, got 0');
  });

  it('rejects a model.safetensors truncated to half its size, naming the file, before any ONNX Runtime call', async () => {
    const dir = await copyOfModel('truncated');
    const weights = join(dir, 'model.safetensors');
    await truncate(weights, Math.floor((await stat(weights)).size / 2));
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const cache = scratch('cache');
    const err = await rejection(ensureCompiled(dir, {}, cache));
    expect(err.message).toContain(weights);
    expect(err.message).toContain('is truncated');
    expect(create).not.toHaveBeenCalled();
    // Nothing half-written is left in the cache.
    const leftovers = await readdir(cache).catch(() => []);
    expect(leftovers).toEqual([]);
  });

  it('names a tensor that is missing from the checkpoint', async () => {
    const dir = await copyOfModel('missing');
    await editSafetensors(dir, (tensors) => {
      delete tensors['model.layers.1.mlp.up_proj.weight'];
    });
    const err = await rejection(compileModel(dir, scratch('out')));
    expect(err.message).toContain('model.layers.1.mlp.up_proj.weight');
    expect(err.message).toContain('missing');
  });

  it('names a mis-shaped tensor with its shape and the expected one', async () => {
    const dir = await copyOfModel('misshaped');
    await editSafetensors(dir, (tensors) => {
      const o = tensors['model.layers.0.self_attn.o_proj.weight'];
      expect(o.shape).toEqual([64, 64]);
      tensors['model.layers.0.self_attn.o_proj.weight'] = { ...o, shape: [16, 256] };
    });
    const err = await rejection(compileModel(dir, scratch('out')));
    expect(err.message).toContain('model.layers.0.self_attn.o_proj.weight');
    expect(err.message).toContain('[16,256]');
    expect(err.message).toContain('[64,64]');
  });
});

describe('ensureCompiled', () => {
  it('returns the cached compilation on the second call without recompiling', async () => {
    const dir = await copyOfModel('cached');
    const first = await ensureCompiled(dir, { loraTargets: ['q_proj'] });
    expect(first.dir.startsWith(join(dir, '.attune-cache'))).toBe(true);
    const before = await stat(first.modelPath);
    const second = await ensureCompiled(dir, { loraTargets: ['q_proj'] });
    expect(second.dir).toBe(first.dir);
    expect((await stat(second.modelPath)).mtimeMs).toBe(before.mtimeMs);
    expect(second.manifest).toEqual(first.manifest);
    // Other options are another compilation.
    const third = await ensureCompiled(dir, { loraTargets: ['v_proj'] });
    expect(third.dir).not.toBe(first.dir);
    expect(third.manifest.loraTargets).toEqual(['v_proj']);
  });

  it('recompiles into another directory after model.safetensors changes', async () => {
    const dir = await copyOfModel('changing');
    const first = await ensureCompiled(dir);
    // Different weights of the same size; the time is set explicitly so the change is visible however coarse the clock.
    await initRandomModel(dir, { seed: 99 });
    const later = new Date(Date.now() + 60_000);
    await utimes(join(dir, 'model.safetensors'), later, later);
    const second = await ensureCompiled(dir);
    expect(second.dir).not.toBe(first.dir);
    expect(second.manifest.baseModelId).not.toBe(first.manifest.baseModelId);
    // The first compilation is still there and unchanged.
    expect((await readCompiledModel(first.dir)).manifest.baseModelId).toBe(first.manifest.baseModelId);
  });

  // Bug: the cache key covers config.json and the weight files only (compile.ts, cacheKey), but the
  // cached directory holds copies of the tokenizer files, which TextGenerator loads from there.
  it('serves the current tokenizer files after they change in the source directory', async () => {
    const dir = await copyOfModel('tokenizer-edit');
    await ensureCompiled(dir);
    const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
    await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, model_max_length: 77 }));
    const second = await ensureCompiled(dir);
    expect(JSON.parse(await readFile(join(second.dir, 'tokenizer_config.json'), 'utf8')).model_max_length).toBe(77);
  });

  it('uses the cache root it is given and returns an already compiled directory as it is', async () => {
    const cacheRoot = scratch('cache-root');
    const compiled = await ensureCompiled(hfDir, { loraTargets: [] }, cacheRoot);
    expect(compiled.dir.startsWith(cacheRoot)).toBe(true);
    await expect(stat(join(hfDir, '.attune-cache'))).rejects.toThrow(/ENOENT/);
    const again = await ensureCompiled(compiled.dir, { loraTargets: ['q_proj'] });
    expect(again.dir).toBe(compiled.dir);
    expect(again.manifest.loraTargets).toEqual([]);
  });
});

describe('readCompiledModel', () => {
  it('rejects a manifest of another format, naming the file', async () => {
    const dir = scratch('not-attune');
    await mkdir(dir);
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify({ format: 'something-else' }));
    await expect(readCompiledModel(dir)).rejects.toThrow(`${join(dir, MANIFEST_FILE)} is not an Attune model manifest`);
  });
});
