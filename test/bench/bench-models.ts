/**
 * @module test/bench/bench-models
 * Models for the runtime benchmark: random Llama checkpoints compiled with and without LoRA
 * inputs, and the "separate model per user" baseline, where a user's adapter is merged into the
 * base weights and compiled as a model of its own (what Attune's seed design served).
 */
import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeSafetensors } from '../../shared/safetensors/write';
import { adapterWeightKey, type LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { compileModel, type CompiledModel } from '../../gpu-worker/src/compiler/compile';
import { projectionShape, projectionWeightName, type LoraTarget } from '../../gpu-worker/src/compiler/llama-config';
import { loadCheckpoint } from '../../gpu-worker/src/model/checkpoint';
import { initRandomModel, type RandomModelOptions } from '../../gpu-worker/src/model/init-random';

/** Projections the multi-tenant graph exposes as LoRA inputs (the compiler's default). */
export const BENCH_LORA_TARGETS: LoraTarget[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];

/** A benchmarked model size. */
export interface BenchModelSpec {
  /** Short name used in the tables. */
  name: string;
  /** What the name stands for, for the report. */
  description: string;
  options: RandomModelOptions;
  /** Interleaved runs per configuration in section C; tiny models need many, as one run lasts ~0.1 s. */
  overheadRuns: number;
}

/** The two sizes: `initRandomModel`'s defaults, and a medium model where compute outweighs per-call overhead. */
export const BENCH_MODELS: BenchModelSpec[] = [
  { name: 'test', description: 'hidden 64, 2 layers, 4 heads / 2 KV heads, intermediate 176, vocab 512', options: { seed: 1 }, overheadRuns: 21 },
  {
    name: 'medium',
    description: 'hidden 512, 8 layers, 8 heads / 4 KV heads, intermediate 1408, vocab 512',
    options: { seed: 1, hiddenSize: 512, numLayers: 8, numHeads: 8, numKvHeads: 4, intermediateSize: 1408 },
    overheadRuns: 5,
  },
];

/** A random checkpoint and its two compiled graphs. */
export interface BenchModel {
  spec: BenchModelSpec;
  hfDir: string;
  parameters: number;
  /** Compiled with {@link BENCH_LORA_TARGETS} as per-row adapter inputs. */
  lora: CompiledModel;
  /** Compiled with `loraTargets: []`: the plain base model. */
  plain: CompiledModel;
}

/** Writes the random checkpoint under `root` and compiles both graphs. */
export async function prepareBenchModel(root: string, spec: BenchModelSpec): Promise<BenchModel> {
  const hfDir = join(root, spec.name, 'hf');
  const { parameters } = await initRandomModel(hfDir, spec.options);
  const lora = await compileModel(hfDir, join(root, spec.name, 'lora-onnx'), { loraTargets: BENCH_LORA_TARGETS });
  const plain = await compileModel(hfDir, join(root, spec.name, 'plain-onnx'), { loraTargets: [] });
  return { spec, hfDir, parameters, lora, plain };
}

/**
 * Adds the adapter's delta to each target's base weight, in place. The graph computes
 * `y = x Wᵀ + scale · (x A) B` with A `[in, r]` and B `[r, out]` (see `compiler/lora.ts`), so the
 * merged Hugging Face weight `W [out, in]` gains `scale · Σ_k A[i][k] · B[k][o]` at `[o][i]`
 * (Hu et al. 2021, §4.2: "W = W0 + BA" at deployment).
 */
export function mergeAdapterInto(weights: Map<string, Float32Array>, adapter: LoraAdapter, cfg: CompiledModel['config']): void {
  const r = adapter.rank;
  for (const target of adapter.targets) {
    const [inF, outF] = projectionShape(cfg, target);
    for (let layer = 0; layer < adapter.numLayers; layer++) {
      const w = weights.get(projectionWeightName(layer, target));
      const lw = adapter.weights.get(adapterWeightKey(layer, target));
      if (!w || !lw) throw new Error(`cannot merge layer ${layer} ${target}: weight or adapter tensor missing`);
      for (let i = 0; i < inF; i++) {
        for (let k = 0; k < r; k++) {
          const s = adapter.scale * lw.a[i * r + k];
          const bRow = k * outF;
          for (let o = 0; o < outF; o++) w[o * inF + i] += s * lw.b[bRow + o];
        }
      }
    }
  }
}

/**
 * Builds one user's separate model: base weights with `adapter` merged in, compiled without LoRA
 * inputs into `outDir`. The intermediate Hugging Face directory is deleted afterwards.
 */
export async function compileMergedModel(base: BenchModel, adapter: LoraAdapter, outDir: string): Promise<CompiledModel> {
  const checkpoint = await loadCheckpoint(base.hfDir);
  // float32() hands out the checkpoint's own buffers for F32 tensors, so copy before merging.
  const weights = new Map(checkpoint.names().map((n) => [n, checkpoint.float32(n).slice()] as const));
  mergeAdapterInto(weights, adapter, base.lora.config);
  const hfDir = `${outDir}-hf`;
  await mkdir(hfDir, { recursive: true });
  const tensors = Object.fromEntries(
    [...weights].map(([name, data]) => [name, { dtype: 'F32' as const, shape: checkpoint.shape(name), data }]),
  );
  await writeFile(join(hfDir, 'model.safetensors'), serializeSafetensors(tensors, { format: 'pt' }));
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
    if (await stat(join(base.hfDir, file)).then(() => true, () => false)) await copyFile(join(base.hfDir, file), join(hfDir, file));
  }
  const compiled = await compileModel(hfDir, outDir, { loraTargets: [] });
  await rm(hfDir, { recursive: true, force: true });
  return compiled;
}
