/**
 * @module gpu-worker/adapters/adapter-file
 * Attune's adapter file: safetensors whose `__metadata__` says `format: "attune-lora"` and holds
 * the adapter's header, with tensors named exactly like the graph's LoRA inputs
 * (`model.layers.{i}.{self_attn|mlp}.{target}.lora_A.weight`) but stored in PEFT's layout
 * (`lora_A [r, in]`, `lora_B [out, r]`, float32), so PEFT tooling can read the weights.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { SafetensorsError } from '../../../shared/safetensors/format';
import { parseSafetensors, tensorToFloat32, type SafetensorsFile } from '../../../shared/safetensors/read';
import { serializeSafetensors, type TensorToWrite } from '../../../shared/safetensors/write';
import { parseLoraTargets, projectionShape, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { loraInputNames } from '../compiler/lora';
import { AdapterError, adapterWeightKey, peftPairToGraph, type LoraAdapter, type LoraWeights, type PeftTensor } from './adapter';
import { transpose2d } from '../compiler/weights';

/** Value of the `format` metadata key. */
export const ADAPTER_FORMAT = 'attune-lora';
/** Value of the `format_version` metadata key this code writes and reads. */
export const ADAPTER_FORMAT_VERSION = '1';

/** What the serving model requires of an adapter. */
export interface AdapterExpectation {
  /** The model the adapter will run on; tensor shapes are checked against it. */
  cfg: LlamaConfig;
  /** Fingerprint of that model; must equal the adapter's `base_model`. */
  baseModelId: string;
  /** Targets the graph has LoRA inputs for; the adapter's targets must be among them. */
  compiledTargets: LoraTarget[];
  /** Largest rank the server accepts. */
  maxRank: number;
}

/**
 * Serializes an adapter to Attune's adapter file (weights transposed to PEFT's layout).
 *
 * @throws AdapterError `MISSING_TENSOR` or `BAD_SHAPE` when the adapter's weights are incomplete or
 *   inconsistent, `BAD_HEADER` for a bad rank or base model id
 * @example
 * await writeFile('user-42.safetensors', encodeAdapter(adapter));
 */
export function encodeAdapter(adapter: LoraAdapter): Uint8Array {
  const { rank } = adapter;
  if (!Number.isSafeInteger(rank) || rank < 1) throw new AdapterError('BAD_HEADER', `adapter rank ${rank} is not a positive integer`, 'rank');
  if (!adapter.baseModelId) throw new AdapterError('BAD_HEADER', 'adapter base model id is empty', 'base_model');
  const tensors: Record<string, TensorToWrite> = {};
  for (const target of adapter.targets) {
    let features: [number, number] | undefined;
    for (let layer = 0; layer < adapter.numLayers; layer++) {
      const key = adapterWeightKey(layer, target);
      const w = adapter.weights.get(key);
      if (!w) throw new AdapterError('MISSING_TENSOR', `adapter has no weights for layer ${layer} ${target}`, key);
      const f: [number, number] = [w.a.length / rank, w.b.length / rank];
      if (!Number.isInteger(f[0]) || !Number.isInteger(f[1]) || (features && (f[0] !== features[0] || f[1] !== features[1]))) {
        throw new AdapterError('BAD_SHAPE', `adapter weights for layer ${layer} ${target} do not form [in, ${rank}] and [${rank}, out] matrices consistent with layer 0`, key);
      }
      features = f;
      const names = loraInputNames(layer, target);
      tensors[names.a] = { dtype: 'F32', shape: [rank, f[0]], data: transpose2d(w.a, f[0], rank) };
      tensors[names.b] = { dtype: 'F32', shape: [f[1], rank], data: transpose2d(w.b, rank, f[1]) };
    }
  }
  return serializeSafetensors(tensors, {
    format: ADAPTER_FORMAT,
    format_version: ADAPTER_FORMAT_VERSION,
    base_model: adapter.baseModelId,
    targets: adapter.targets.join(','),
    rank: String(rank),
    alpha: String(adapter.alpha),
    scale: String(adapter.scale),
    version: String(adapter.version),
    num_layers: String(adapter.numLayers),
  });
}

/**
 * Parses and validates an adapter file, returning the weights in graph layout. Every layer and
 * target the header names must be present, with the header's rank, and nothing else may be.
 *
 * @param expect - when given, also checks the base model, the tensor shapes against `cfg`, that
 *   every target is compiled and that the rank is at most `maxRank`
 * @throws AdapterError with a stable code and a message naming the tensor or field at fault
 * @example
 * const adapter = decodeAdapter(bytes, { cfg, baseModelId, compiledTargets: ['q_proj', 'v_proj'], maxRank: 64 });
 */
export function decodeAdapter(bytes: Uint8Array, expect?: AdapterExpectation): LoraAdapter {
  let file: SafetensorsFile;
  try {
    file = parseSafetensors(bytes);
  } catch (err) {
    if (err instanceof SafetensorsError) throw new AdapterError('BAD_FILE', `adapter file is not valid safetensors: ${err.message}`, err.tensor);
    throw err;
  }
  const header = parseHeader(file.metadata);
  if (expect) checkExpectation(header, expect);

  const weights = new Map<string, LoraWeights>();
  const seen = new Set<string>();
  for (const target of header.targets) {
    let features = expect ? projectionShape(expect.cfg, target) : undefined;
    for (let layer = 0; layer < header.numLayers; layer++) {
      const names = loraInputNames(layer, target);
      const a = floatTensor(file, names.a);
      const b = floatTensor(file, names.b);
      seen.add(names.a).add(names.b);
      // Without a model config, layer 0 fixes the feature sizes that the other layers must match.
      features ??= [a.shape[1], b.shape[0]];
      weights.set(adapterWeightKey(layer, target), peftPairToGraph(a, b, header.rank, features));
    }
  }
  for (const name of file.tensors.keys()) {
    if (!seen.has(name)) {
      throw new AdapterError(
        'BAD_FILE',
        `tensor ${name} does not belong to an adapter for ${header.targets.join(',')} over ${header.numLayers} layers`,
        name,
      );
    }
  }
  return { ...header, weights };
}

/** Reads and decodes an adapter file; error messages start with the path. */
export async function readAdapterFile(path: string, expect?: AdapterExpectation): Promise<LoraAdapter> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new AdapterError('BAD_FILE', `adapter file ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    return decodeAdapter(bytes, expect);
  } catch (err) {
    if (err instanceof AdapterError) throw new AdapterError(err.code, `${path}: ${err.message}`, err.subject);
    throw err;
  }
}

/**
 * Writes an adapter file atomically: to a temporary file beside `path`, then renamed over it, so
 * a reader never sees a half-written adapter.
 */
export async function writeAdapterFile(path: string, adapter: LoraAdapter): Promise<void> {
  const bytes = encodeAdapter(adapter);
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

type AdapterHeader = Omit<LoraAdapter, 'weights'>;

function parseHeader(meta: Record<string, string>): AdapterHeader {
  if (meta.format !== ADAPTER_FORMAT) {
    throw new AdapterError('BAD_HEADER', `adapter metadata format is ${JSON.stringify(meta.format)}, expected "${ADAPTER_FORMAT}"`, 'format');
  }
  if (meta.format_version !== ADAPTER_FORMAT_VERSION) {
    throw new AdapterError(
      'BAD_HEADER',
      `adapter metadata format_version is ${JSON.stringify(meta.format_version)}, this reader knows "${ADAPTER_FORMAT_VERSION}"`,
      'format_version',
    );
  }
  if (!meta.base_model) throw new AdapterError('BAD_HEADER', 'adapter metadata base_model is missing or empty', 'base_model');
  let targets: LoraTarget[];
  try {
    targets = parseLoraTargets(meta.targets ?? '');
  } catch (err) {
    throw new AdapterError('BAD_HEADER', `adapter metadata targets: ${(err as Error).message}`, 'targets');
  }
  if (targets.length === 0) throw new AdapterError('BAD_HEADER', 'adapter metadata targets is missing or empty', 'targets');
  return {
    baseModelId: meta.base_model,
    targets,
    rank: metaNumber(meta, 'rank', true),
    alpha: metaNumber(meta, 'alpha', false),
    scale: metaNumber(meta, 'scale', false),
    version: meta.version === undefined ? 1 : metaNumber(meta, 'version', true),
    numLayers: metaNumber(meta, 'num_layers', true),
  };
}

function metaNumber(meta: Record<string, string>, field: string, positiveInteger: boolean): number {
  const text = meta[field];
  const value = text === undefined || text.trim() !== text || text === '' ? NaN : Number(text);
  const ok = positiveInteger ? Number.isSafeInteger(value) && value >= 1 : Number.isFinite(value);
  if (!ok) {
    const want = positiveInteger ? 'a positive integer' : 'a finite number';
    throw new AdapterError('BAD_HEADER', `adapter metadata ${field} is ${JSON.stringify(text)}, expected ${want}`, field);
  }
  return value;
}

function checkExpectation(header: AdapterHeader, expect: AdapterExpectation): void {
  if (header.baseModelId !== expect.baseModelId) {
    throw new AdapterError(
      'BASE_MODEL_MISMATCH',
      `adapter was trained for base model ${header.baseModelId}, this model is ${expect.baseModelId}`,
      'base_model',
    );
  }
  if (header.numLayers !== expect.cfg.numLayers) {
    throw new AdapterError('BAD_HEADER', `adapter metadata num_layers is ${header.numLayers}, the model has ${expect.cfg.numLayers} layers`, 'num_layers');
  }
  for (const target of header.targets) {
    if (!expect.compiledTargets.includes(target)) {
      throw new AdapterError(
        'TARGET_NOT_COMPILED',
        `adapter targets ${target}, but the model was compiled with LoRA inputs for ${expect.compiledTargets.join(', ') || 'no targets'}`,
        target,
      );
    }
  }
  if (header.rank > expect.maxRank) {
    throw new AdapterError('RANK_TOO_LARGE', `adapter rank ${header.rank} exceeds the maximum rank ${expect.maxRank}`, 'rank');
  }
}

function floatTensor(file: SafetensorsFile, name: string): PeftTensor {
  const entry = file.tensors.get(name);
  if (!entry) throw new AdapterError('MISSING_TENSOR', `adapter file has no tensor ${name}`, name);
  try {
    return { name, shape: entry.shape, data: tensorToFloat32(entry, name) };
  } catch (err) {
    if (err instanceof SafetensorsError) throw new AdapterError('BAD_FILE', err.message, name);
    throw err;
  }
}
