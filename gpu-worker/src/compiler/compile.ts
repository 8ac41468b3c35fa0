/**
 * @module gpu-worker/compiler/compile
 * Compiles a Hugging Face model directory (config.json + safetensors, single or sharded) into
 * an Attune model directory: `model.onnx` (+ `model.onnx.data` when the weights are large),
 * the tokenizer files, and `attune-model.json`, the manifest the runtime reads.
 *
 * `ensureCompiled` compiles on first use and caches the result beside the source, keyed by the
 * source files' sizes and times and the compile options.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { serializeModel } from '../../../shared/onnx/serialize';
import { loadCheckpoint } from '../model/checkpoint';
import { DEFAULT_LORA_TARGETS, parseLlamaConfig, type LlamaConfig, type LoraTarget } from './llama-config';
import { buildLlamaDecoder } from './llama-graph';

/** Bumped when the emitted graph changes, so cached compilations are rebuilt. */
export const COMPILER_VERSION = 1;
export const MANIFEST_FILE = 'attune-model.json';
export const MODEL_FILE = 'model.onnx';
export const EXTERNAL_DATA_FILE = 'model.onnx.data';
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'chat_template.jinja', 'special_tokens_map.json'];

/** Options for {@link compileModel}. */
export interface CompileOptions {
  /** Projections exposed as per-row LoRA inputs. @default q_proj, k_proj, v_proj, o_proj */
  loraTargets?: LoraTarget[];
  /** Largest adapter rank the runtime accepts. @default 64 */
  maxRank?: number;
  /** `all` positions (Optimum's shape) or the `last` one only. @default 'all' */
  logits?: 'all' | 'last';
  /** Store weights in `model.onnx.data` when they exceed this many bytes. @default 1 GiB */
  externalDataThresholdBytes?: number;
}

/** The manifest of a compiled model. */
export interface CompiledModelManifest {
  format: 'attune-compiled-model';
  compilerVersion: number;
  /** Content fingerprint of the base model (config + weight files); adapters must match it. */
  baseModelId: string;
  modelType: string;
  loraTargets: LoraTarget[];
  maxRank: number;
  logits: 'all' | 'last';
  externalData: string | null;
  config: Record<string, unknown>;
}

/** A compiled model directory with its parsed manifest and config. */
export interface CompiledModel {
  readonly dir: string;
  readonly modelPath: string;
  readonly manifest: CompiledModelManifest;
  readonly config: LlamaConfig;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function weightFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.safetensors') || f === 'model.safetensors.index.json').sort();
}

/** sha256 over config.json and every weight file: the identity adapters are bound to. */
async function fingerprintModel(dir: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(join(dir, 'config.json')));
  for (const file of await weightFiles(dir)) {
    hash.update(file);
    const handle = await open(join(dir, file));
    try {
      for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 24 })) hash.update(chunk as Buffer);
    } finally {
      await handle.close();
    }
  }
  return `sha256:${hash.digest('hex').slice(0, 32)}`;
}

async function readConfig(dir: string): Promise<LlamaConfig> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${dir} is not a model directory: ${path} is missing`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  return parseLlamaConfig(json);
}

function checkOptions(options: CompileOptions): Required<CompileOptions> {
  const maxRank = options.maxRank ?? 64;
  if (!Number.isInteger(maxRank) || maxRank < 1 || maxRank > 1024) throw new Error(`maxRank must be an integer in 1..1024, got ${options.maxRank}`);
  return {
    loraTargets: options.loraTargets ?? DEFAULT_LORA_TARGETS,
    maxRank,
    logits: options.logits ?? 'all',
    externalDataThresholdBytes: options.externalDataThresholdBytes ?? 2 ** 30,
  };
}

/** Refuses an output directory that is the source, or an existing directory that is not a compiled model. */
async function checkOutputDir(hfDir: string, outDir: string): Promise<void> {
  if (resolve(hfDir) === resolve(outDir)) throw new Error(`--out must differ from the source directory ${hfDir}`);
  const entries = await readdir(outDir).catch(() => null);
  if (entries && entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
    throw new Error(`${outDir} exists and is not a compiled Attune model; refusing to replace it`);
  }
}

/**
 * Compiles `hfDir` into `outDir` (written to a temporary sibling, then renamed into place).
 *
 * @example
 * await compileModel('models/tiny', 'models/tiny-onnx', { loraTargets: ['q_proj', 'v_proj'] });
 */
export async function compileModel(hfDir: string, outDir: string, options: CompileOptions = {}): Promise<CompiledModel> {
  const opts = checkOptions(options);
  await checkOutputDir(hfDir, outDir);
  const config = await readConfig(hfDir);
  const checkpoint = await loadCheckpoint(hfDir);
  const graph = buildLlamaDecoder(config, checkpoint, { loraTargets: opts.loraTargets, logits: opts.logits });
  const external = graph.initializerBytes() > opts.externalDataThresholdBytes;
  const serialized = serializeModel(graph, external ? { externalData: { location: EXTERNAL_DATA_FILE } } : {});

  const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(join(staging, MODEL_FILE), serialized.model);
    if (serialized.external) {
      const handle = await open(join(staging, EXTERNAL_DATA_FILE), 'w');
      try {
        for (const chunk of serialized.external.chunks) await handle.write(chunk.bytes, 0, chunk.bytes.byteLength, chunk.offset);
      } finally {
        await handle.close();
      }
    }
    for (const file of ['config.json', ...TOKENIZER_FILES]) {
      if (await exists(join(hfDir, file))) await copyFile(join(hfDir, file), join(staging, file));
    }
    const manifest: CompiledModelManifest = {
      format: 'attune-compiled-model',
      compilerVersion: COMPILER_VERSION,
      baseModelId: await fingerprintModel(hfDir),
      modelType: config.modelType,
      loraTargets: opts.loraTargets,
      maxRank: opts.maxRank,
      logits: opts.logits,
      externalData: serialized.external ? EXTERNAL_DATA_FILE : null,
      config: config.raw,
    };
    await writeFile(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await rm(outDir, { recursive: true, force: true });
    await rename(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return readCompiledModel(outDir);
}

/** Reads a compiled model directory, checking its manifest. */
export async function readCompiledModel(dir: string): Promise<CompiledModel> {
  const path = join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(await readFile(path, 'utf8')) as CompiledModelManifest;
  if (manifest.format !== 'attune-compiled-model') throw new Error(`${path} is not an Attune model manifest`);
  return { dir, modelPath: join(dir, MODEL_FILE), manifest, config: parseLlamaConfig(manifest.config) };
}

/** Cache key of a source directory: sizes and times of config, tokenizer and weight files; options; compiler version. */
async function cacheKey(hfDir: string, opts: Required<CompileOptions>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ v: COMPILER_VERSION, opts }));
  for (const file of ['config.json', ...TOKENIZER_FILES, ...(await weightFiles(hfDir))]) {
    const s = await stat(join(hfDir, file)).catch(() => null);
    hash.update(s ? `${file}:${s.size}:${s.mtimeMs}` : `${file}:absent`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Returns the compiled form of `modelDir`: the directory itself when it is already compiled,
 * else a cached compilation under `<modelDir>/.attune-cache/<key>` (or `cacheRoot`), built now
 * if it is missing or stale.
 */
export async function ensureCompiled(modelDir: string, options: CompileOptions = {}, cacheRoot?: string): Promise<CompiledModel> {
  if (await exists(join(modelDir, MANIFEST_FILE))) return readCompiledModel(modelDir);
  await readConfig(modelDir); // fail early, naming the directory, when it is not a model
  const opts = checkOptions(options);
  const target = join(cacheRoot ?? join(modelDir, '.attune-cache'), await cacheKey(modelDir, opts));
  if (await exists(join(target, MANIFEST_FILE))) return readCompiledModel(target);
  return compileModel(modelDir, target, opts);
}
