/**
 * @module gpu-worker/worker/training-model
 * What a `train-adapter` job needs of the base model, loaded once per process: the config and
 * identity of the compiled model the adapters will serve on, the frozen base weights from the
 * source checkpoint (training graphs embed them; the compiled ONNX file is not enough), and the
 * tokenizer with its chat template.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { ensureCompiled, MANIFEST_FILE } from '../compiler/compile';
import type { LlamaConfig, LoraTarget } from '../compiler/llama-config';
import type { WeightSource } from '../compiler/weights';
import { CheckpointError, loadCheckpoint } from '../model/checkpoint';
import { loadTokenizer, type TextTokenizer } from '../tokenizer/load';

/** The base model as training sees it. */
export interface TrainingModel {
  cfg: LlamaConfig;
  /** Fingerprint adapters are bound to (the compiled manifest's `baseModelId`). */
  baseModelId: string;
  /** Targets the serving graph has LoRA inputs for. */
  compiledTargets: LoraTarget[];
  /** Largest rank the serving graph accepts. */
  maxRank: number;
  /** Frozen base weights, from the Hugging Face checkpoint. */
  weights: WeightSource;
  tokenizer: TextTokenizer;
}

const compiledOnly = (modelDir: string, detail: string) =>
  new UnrecoverableError(
    `training needs the source checkpoint: ${modelDir} ${detail}; set ATTUNE_MODEL_DIR to the Hugging Face directory (config.json + model.safetensors)`,
  );

/**
 * Loads the training view of `modelDir` (a Hugging Face directory; compiled on first use like
 * serving does, so the fingerprint matches the served model's).
 *
 * @throws UnrecoverableError when `modelDir` is a compiled-only directory or holds no checkpoint
 * @example
 * const model = await loadTrainingModel('/models/default');
 */
export async function loadTrainingModel(modelDir: string): Promise<TrainingModel> {
  if (await stat(join(modelDir, MANIFEST_FILE)).then(() => true, () => false)) {
    throw compiledOnly(modelDir, `is a compiled model directory (${MANIFEST_FILE})`);
  }
  const compiled = await ensureCompiled(modelDir);
  let weights: WeightSource;
  try {
    weights = await loadCheckpoint(modelDir);
  } catch (error) {
    if (error instanceof CheckpointError && error.code === 'NOT_FOUND') throw compiledOnly(modelDir, 'holds no model.safetensors');
    throw error;
  }
  return {
    cfg: compiled.config,
    baseModelId: compiled.manifest.baseModelId,
    compiledTargets: compiled.manifest.loraTargets,
    maxRank: compiled.manifest.maxRank,
    weights,
    tokenizer: await loadTokenizer(modelDir),
  };
}

/**
 * Loads `modelDir`'s training view on the first call and keeps it for the life of the process, so
 * the worker's training queues share one copy of the base weights; a failed load (I/O) is retried
 * by the next call.
 *
 * @example
 * const trainingModel = trainingModelLoader(config.modelDir);
 * const model = await trainingModel();
 */
export function trainingModelLoader(modelDir: string): () => Promise<TrainingModel> {
  let model: Promise<TrainingModel> | null = null;
  return () =>
    (model ??= loadTrainingModel(modelDir).catch((error: unknown) => {
      model = null;
      throw error;
    }));
}
