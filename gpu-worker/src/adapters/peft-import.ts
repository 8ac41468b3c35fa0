/**
 * @module gpu-worker/adapters/peft-import
 * Imports a Hugging Face PEFT LoRA directory (`adapter_config.json` + `adapter_model.safetensors`)
 * as a {@link LoraAdapter}. Only plain LoRA on the Llama projections is accepted: anything that
 * would change the model beyond `W + scale·B·A` (biases, DoRA, modules_to_save, per-module ranks)
 * is rejected with the field at fault rather than silently dropped.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsError } from '../../../shared/safetensors/format';
import { parseSafetensors, tensorToFloat32, type SafetensorsFile } from '../../../shared/safetensors/read';
import { LORA_TARGETS, projectionShape, targetModule, type LlamaConfig, type LoraTarget } from '../compiler/llama-config';
import { AdapterError, adapterWeightKey, loraScale, peftPairToGraph, type LoraAdapter, type LoraWeights, type PeftTensor } from './adapter';

/** File names inside a PEFT adapter directory. */
export const PEFT_CONFIG_FILE = 'adapter_config.json';
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';

/**
 * PEFT's tensor names: an optional `base_model.model.` prefix (PeftModel's wrapper) and an optional
 * adapter name (`.default`) before `.weight`.
 */
const PEFT_TENSOR_NAME = /^(?:base_model\.model\.)?model\.layers\.(\d+)\.(self_attn|mlp)\.([a-z_]+)\.lora_([AB])(?:\.default)?\.weight$/;

interface PeftSettings {
  rank: number;
  alpha: number;
  rsLora: boolean;
  targets: LoraTarget[];
  layers: Set<number>;
}

/**
 * Reads a PEFT LoRA directory for the model `cfg`. Layers outside `layers_to_transform` get zero
 * weights, which leave the model unchanged there.
 *
 * @param baseModelId - fingerprint of the base model, recorded in the adapter; PEFT's
 *   `base_model_name_or_path` is a name, not a fingerprint, so it is not compared
 * @throws AdapterError naming the file and the field or tensor at fault
 * @example
 * const adapter = await importPeftAdapter('./my-lora', cfg, 'sha256:ab12…');
 */
export async function importPeftAdapter(dir: string, cfg: LlamaConfig, baseModelId: string): Promise<LoraAdapter> {
  const configPath = join(dir, PEFT_CONFIG_FILE);
  const weightsPath = join(dir, PEFT_WEIGHTS_FILE);
  const settings = parsePeftConfig(await readJson(configPath), configPath, cfg);
  const file = await readSafetensors(weightsPath);

  const found = new Map<string, { a?: PeftTensor; b?: PeftTensor }>();
  for (const name of file.tensors.keys()) {
    const m = PEFT_TENSOR_NAME.exec(name);
    const layer = m ? Number(m[1]) : -1;
    const target = m?.[3] as LoraTarget | undefined;
    if (!m || !target || !settings.targets.includes(target) || targetModule(target) !== m[2] || !settings.layers.has(layer)) {
      throw new AdapterError(
        'BAD_FILE',
        `${weightsPath}: tensor ${name} is not a LoRA weight of target_modules ${settings.targets.join(', ')} in a transformed layer`,
        name,
      );
    }
    const pair = found.get(adapterWeightKey(layer, target)) ?? {};
    const side = m[4] === 'A' ? 'a' : 'b';
    if (pair[side]) throw new AdapterError('BAD_FILE', `${weightsPath}: tensors ${pair[side].name} and ${name} are the same weight`, name);
    pair[side] = floatTensor(file, name, weightsPath);
    found.set(adapterWeightKey(layer, target), pair);
  }

  const weights = new Map<string, LoraWeights>();
  for (const target of settings.targets) {
    const [inFeatures, outFeatures] = projectionShape(cfg, target);
    for (let layer = 0; layer < cfg.numLayers; layer++) {
      const key = adapterWeightKey(layer, target);
      if (!settings.layers.has(layer)) {
        weights.set(key, { a: new Float32Array(inFeatures * settings.rank), b: new Float32Array(settings.rank * outFeatures) });
        continue;
      }
      const pair = found.get(key);
      const stem = `base_model.model.model.layers.${layer}.${targetModule(target)}.${target}`;
      if (!pair?.a || !pair.b) {
        const missing = `${stem}.lora_${pair?.a ? 'B' : 'A'}.weight`;
        throw new AdapterError('MISSING_TENSOR', `${weightsPath}: no tensor ${missing}`, missing);
      }
      try {
        weights.set(key, peftPairToGraph(pair.a, pair.b, settings.rank, [inFeatures, outFeatures], `${PEFT_CONFIG_FILE} says r =`));
      } catch (err) {
        if (err instanceof AdapterError) throw new AdapterError(err.code, `${weightsPath}: ${err.message}`, err.subject);
        throw err;
      }
    }
  }
  return {
    baseModelId,
    targets: settings.targets,
    rank: settings.rank,
    alpha: settings.alpha,
    scale: loraScale(settings.alpha, settings.rank, settings.rsLora),
    version: 1,
    numLayers: cfg.numLayers,
    weights,
  };
}

/** Checks `adapter_config.json`; every rejection names the file and the field. */
function parsePeftConfig(json: unknown, path: string, cfg: LlamaConfig): PeftSettings {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new AdapterError('BAD_HEADER', `${path}: not a JSON object`);
  }
  const c = json as Record<string, unknown>;
  const fail = (field: string, problem: string): never => {
    throw new AdapterError('BAD_HEADER', `${path}: ${field} ${problem}`, field);
  };
  const isEmpty = (v: unknown) =>
    v == null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0);

  if (c.peft_type !== undefined && c.peft_type !== 'LORA') fail('peft_type', `is ${JSON.stringify(c.peft_type)}, only "LORA" is supported`);
  const rank = c.r;
  if (typeof rank !== 'number' || !Number.isSafeInteger(rank) || rank < 1) fail('r', `is ${JSON.stringify(rank)}, expected a positive integer`);
  const alpha = c.lora_alpha;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) fail('lora_alpha', `is ${JSON.stringify(alpha)}, expected a number`);
  const rsLora = c.use_rslora ?? false;
  if (typeof rsLora !== 'boolean') fail('use_rslora', `is ${JSON.stringify(rsLora)}, expected true or false`);
  if ((c.bias ?? 'none') !== 'none') fail('bias', `is ${JSON.stringify(c.bias)}; only "none" is supported (bias terms are not adapter inputs)`);
  if ((c.fan_in_fan_out ?? false) !== false) fail('fan_in_fan_out', 'is true; only false (nn.Linear layout) is supported');
  if (!isEmpty(c.modules_to_save)) fail('modules_to_save', `is ${JSON.stringify(c.modules_to_save)}; fully trained modules cannot be served as adapters`);
  if (c.use_dora === true) fail('use_dora', 'is true; DoRA adapters are not supported');
  if (!isEmpty(c.rank_pattern)) fail('rank_pattern', 'is not empty; per-module ranks are not supported');
  if (!isEmpty(c.alpha_pattern)) fail('alpha_pattern', 'is not empty; per-module alphas are not supported');
  if (!isEmpty(c.layer_replication)) fail('layer_replication', 'is not empty; layer replication is not supported');

  const modules = c.target_modules;
  if (typeof modules === 'string') {
    fail('target_modules', `is the string ${JSON.stringify(modules)}, which PEFT treats as a regex or "all-linear"; list the modules instead, e.g. ["q_proj", "v_proj"]`);
  }
  if (!Array.isArray(modules) || modules.length === 0 || !modules.every((m) => typeof m === 'string')) {
    fail('target_modules', `is ${JSON.stringify(modules)}, expected a non-empty list of module names`);
  }
  const targets: LoraTarget[] = [];
  for (const m of modules as string[]) {
    // PEFT matches entries as suffixes of module paths, so "self_attn.q_proj" names q_proj too.
    const target = m.split('.').pop() as LoraTarget;
    if (!LORA_TARGETS.includes(target)) fail('target_modules', `names "${m}", which is not one of ${LORA_TARGETS.join(', ')}`);
    if (!targets.includes(target)) targets.push(target);
  }
  targets.sort((x, y) => LORA_TARGETS.indexOf(x) - LORA_TARGETS.indexOf(y));

  const spec = c.layers_to_transform;
  const layerList = spec == null ? [...Array(cfg.numLayers).keys()] : typeof spec === 'number' ? [spec] : spec;
  if (!Array.isArray(layerList) || !layerList.every((l) => Number.isSafeInteger(l) && l >= 0 && l < cfg.numLayers)) {
    fail('layers_to_transform', `is ${JSON.stringify(spec)}, expected layer indices below ${cfg.numLayers}`);
  }
  return { rank: rank as number, alpha: alpha as number, rsLora: rsLora as boolean, targets, layers: new Set(layerList as number[]) };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AdapterError('BAD_FILE', `${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AdapterError('BAD_HEADER', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new AdapterError('BAD_FILE', `${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    return parseSafetensors(bytes);
  } catch (err) {
    if (err instanceof SafetensorsError) throw new AdapterError('BAD_FILE', `${path}: ${err.message}`, err.tensor);
    throw err;
  }
}

function floatTensor(file: SafetensorsFile, name: string, path: string): PeftTensor {
  const entry = file.tensors.get(name)!;
  try {
    return { name, shape: entry.shape, data: tensorToFloat32(entry, name) };
  } catch (err) {
    if (err instanceof SafetensorsError) throw new AdapterError('BAD_FILE', `${path}: ${err.message}`, name);
    throw err;
  }
}
