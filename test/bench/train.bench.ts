/**
 * @module test/bench/train.bench
 * `npm run bench:train`: measures LoRA training on ONNX Runtime (CPU) and prints Markdown tables
 * (stdout; progress on stderr) for docs/benchmarks.md:
 * A. time per DPO step (reference run and policy run of the training graph, clipping, AdamW) and per SFT step,
 *    batch of 8, rank-8 LoRA on q/k/v/o and on all seven projections;
 * B. bytes per adapter (Attune's adapter file and raw float32 parameters) against 256 KB;
 * C. where a DPO step's time goes (its two session runs, against a forward-only graph);
 * D. DPO step time against the number of pairs per step.
 * The trained default model does not exist yet, so the model is a random-weight stand-in of the
 * size planned for it. `-- --steps N` changes the number of timed steps (default 20).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { encodeAdapter } from '../../gpu-worker/src/adapters/adapter-file';
import { freshAdapter } from '../../gpu-worker/src/adapters/fresh-adapter';
import { LORA_TARGETS, parseLlamaConfig, type LlamaConfig, type LoraTarget } from '../../gpu-worker/src/compiler/llama-config';
import type { WeightSource } from '../../gpu-worker/src/compiler/weights';
import { loadCheckpoint } from '../../gpu-worker/src/model/checkpoint';
import { DEFAULT_MODEL_DIR } from '../../gpu-worker/src/worker/config';
import { LoraTrainer, type PreferencePair } from '../../gpu-worker/src/training/lora-trainer';
import type { LabelledSequence } from '../../gpu-worker/src/training/training-batch';
import { CpuMeter, fixedPrompt, fmt, markdownTable, median, percentile, progress, waitForQuiet } from './bench-run';
import { measureDpoBreakdown } from './train-breakdown';
import { benchKeyring, largestRankWithin, rawBytes, sealedBytes } from './train-sizes';

/** The committed default model (`npm run train:default`); the benchmark measures training on it. */
const MODEL_DIR = DEFAULT_MODEL_DIR;

const BATCH = 8;
const PROMPT_LEN = 32;
const RESPONSE_LEN = 32;
const WARMUP = 3;
const argSteps = process.argv.indexOf('--steps');
const STEPS = argSteps >= 0 ? Number(process.argv[argSteps + 1]) : 20;
if (!Number.isSafeInteger(STEPS) || STEPS < 1) throw new Error(`--steps must be a positive integer, got ${process.argv[argSteps + 1]}`);

/** The `train-adapter` job's defaults (shared/jobs/train-adapter-job.ts). */
const RANK = 8;
const ALPHA = 16;
const LR = 5e-3;
const DPO_BETA = 0.1;

/** Runs per kind in section C; steps (after 2 warm-ups) per batch size in section D. */
const BREAKDOWN_RUNS = 10;
const SCALING_STEPS = 10;
const SCALING_PAIRS = [1, 2, 4, 8];

const STEP_TARGET_MS = 100;
/** 256 KB read as 256 KiB; the table also says whether each size is under 256,000 bytes. */
const SIZE_TARGET_BYTES = 256 * 1024;
const SIZE_TARGET_DECIMAL = 256_000;

const TARGET_SETS: { name: string; targets: LoraTarget[] }[] = [
  { name: 'q,k,v,o', targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
  { name: 'all 7', targets: [...LORA_TARGETS] },
];

/** Deterministic preference pairs: distinct prompts, chosen and rejected responses of fixed lengths. */
function preferencePairs(vocab: number): PreferencePair[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    promptIds: fixedPrompt(PROMPT_LEN, 1000 + i, vocab),
    chosenIds: fixedPrompt(RESPONSE_LEN, 2000 + i, vocab),
    rejectedIds: fixedPrompt(RESPONSE_LEN, 3000 + i, vocab),
  }));
}

interface StepRow {
  objective: 'dpo' | 'sft';
  targets: string;
  loraParams: number;
  buildMs: number;
  times: number[];
  first: { loss: number; margin?: number };
  last: { loss: number; margin?: number };
  otherCores: number;
  ownCores: number;
}

/** Builds a trainer on a PEFT-initialized adapter (as the job does) and times `STEPS` steps after `WARMUP`. */
async function timeSteps(
  cfg: LlamaConfig, weights: WeightSource, objective: 'dpo' | 'sft', set: (typeof TARGET_SETS)[number], pairs: PreferencePair[],
): Promise<{ row: StepRow; adapter: LoraAdapter }> {
  const adapter = freshAdapter(cfg, { baseModelId: 'sha256:bench-train', targets: set.targets, rank: RANK, alpha: ALPHA, seed: 7 });
  const loraParams = [...adapter.weights.values()].reduce((n, w) => n + w.a.length + w.b.length, 0);
  progress(`${objective.toUpperCase()} ${set.name}: building the training graph and opening the session`);
  const t0 = performance.now();
  const trainer = await LoraTrainer.create(cfg, weights, adapter, { objective, lr: LR, dpoBeta: DPO_BETA });
  const buildMs = performance.now() - t0;
  const sft: LabelledSequence[] = pairs.map((p) => ({ promptIds: p.promptIds, responseIds: p.chosenIds }));
  const step = async () => (objective === 'dpo' ? trainer.dpoStep(pairs) : trainer.sftStep(sft));
  try {
    let first: StepRow['first'] | undefined;
    for (let i = 0; i < WARMUP; i++) {
      const r = await step();
      first ??= { loss: r.loss, margin: 'margin' in r ? (r.margin as number) : undefined };
    }
    await waitForQuiet();
    progress(`${objective.toUpperCase()} ${set.name}: ${WARMUP} warm-up steps done, timing ${STEPS}`);
    const times: number[] = [];
    let last: StepRow['last'] = first!;
    const meter = new CpuMeter();
    for (let i = 0; i < STEPS; i++) {
      const s = performance.now();
      const r = await step();
      times.push(performance.now() - s);
      last = { loss: r.loss, margin: 'margin' in r ? (r.margin as number) : undefined };
    }
    const { otherCores, ownCores } = meter.read();
    return { row: { objective, targets: set.name, loraParams, buildMs, times, first: first!, last, otherCores, ownCores }, adapter };
  } finally {
    await trainer.close();
  }
}

function machineLine(): string {
  const require = createRequire(import.meta.url);
  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  const cpus = os.cpus();
  return `${new Date().toISOString().slice(0, 10)} · ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length} cores (${fmt(os.totalmem() / 2 ** 30, 0)} GiB RAM) · ` +
    `Node ${process.version} · onnxruntime-node ${ortVersion} · execution provider: cpu (intra-op threads: ONNX Runtime default)`;
}

const bytes = (n: number) => n.toLocaleString('en-US');
const kib = (n: number) => `${fmt(n / 1024, 1)} KiB`;

async function main(): Promise<void> {
  const started = performance.now();
  progress(`loading the default model from ${MODEL_DIR}`);
  const cfg = parseLlamaConfig(JSON.parse(await readFile(join(MODEL_DIR, 'config.json'), 'utf8')));
  const checkpoint = await loadCheckpoint(MODEL_DIR);
  const parameters = checkpoint.names().reduce((n, name) => n + checkpoint.shape(name).reduce((a, b) => a * b, 1), 0);
  const embedding = cfg.vocabSize * cfg.hiddenSize;
  const weights = checkpoint;
  const description = `hidden ${cfg.hiddenSize}, ${cfg.numLayers} layers, ${cfg.numHeads} heads / ${cfg.numKvHeads} KV heads (head dim ${cfg.headDim}), intermediate ${cfg.intermediateSize}, vocab ${cfg.vocabSize}, ${cfg.tieWordEmbeddings ? 'tied' : 'untied'} LM head`;
  const pairs = preferencePairs(cfg.vocabSize);

  const rows: StepRow[] = [];
  const trained = new Map<string, LoraAdapter>();
  for (const objective of ['dpo', 'sft'] as const) {
    for (const set of TARGET_SETS) {
      const { row, adapter } = await timeSteps(cfg, weights, objective, set, pairs);
      rows.push(row);
      if (objective === 'dpo') trained.set(set.name, adapter);
    }
  }

  const stepTable = rows.map((r) => {
    const med = median(r.times);
    const seqs = r.objective === 'dpo' ? 2 * BATCH : BATCH;
    const tokens = seqs * (PROMPT_LEN + RESPONSE_LEN);
    const passes = r.objective === 'dpo' ? 'reference on the forward-only graph + policy training-graph run' : '1 training-graph run';
    const lossCol = r.objective === 'dpo'
      ? `${fmt(r.first.loss, 4)} → ${fmt(r.last.loss, 4)} (margin ${fmt(r.first.margin!, 3)} → ${fmt(r.last.margin!, 3)})`
      : `${fmt(r.first.loss, 3)} → ${fmt(r.last.loss, 3)}`;
    return [
      r.objective.toUpperCase(), r.targets, bytes(r.loraParams), `${seqs} × ${PROMPT_LEN + RESPONSE_LEN} (${passes})`,
      fmt(med, 0), fmt(percentile(r.times, 90), 0), `${fmt(Math.min(...r.times), 0)}–${fmt(Math.max(...r.times), 0)}`,
      fmt((tokens * 1000) / med, 0),
      r.objective === 'dpo' ? (med < STEP_TARGET_MS ? `met (${fmt(med / STEP_TARGET_MS, 2)}× target)` : `missed (${fmt(med / STEP_TARGET_MS, 1)}× target)`) : '—',
      fmt(r.buildMs / 1000, 1), lossCol, fmt(r.ownCores, 2), fmt(r.otherCores, 2),
    ];
  });

  progress('C: timing the session runs of a DPO step');
  const breakdownRows: (string | number)[][] = [];
  for (const set of TARGET_SETS) {
    await waitForQuiet();
    const meter = new CpuMeter();
    const b = await measureDpoBreakdown(cfg, weights, trained.get(set.name)!, pairs, DPO_BETA, BREAKDOWN_RUNS);
    const step = median(rows.find((r) => r.objective === 'dpo' && r.targets === set.name)!.times);
    breakdownRows.push([
      set.name, fmt(step, 0), fmt(b.referenceRunMs, 0), fmt(b.policyRunMs, 0), fmt(step - b.referenceRunMs - b.policyRunMs, 0),
      fmt(b.forwardOnlyMs, 0), fmt(step - b.referenceRunMs + b.forwardOnlyMs, 0), `${b.trainingNodes} / ${b.forwardNodes}`,
      b.maxLogprobDiff.toExponential(1), fmt(meter.read().otherCores, 2),
    ]);
  }

  progress('D: DPO step time against pairs per step');
  const scalingRows: (string | number)[][] = [];
  {
    const set = TARGET_SETS[0];
    const adapter = freshAdapter(cfg, { baseModelId: 'sha256:bench-train', targets: set.targets, rank: RANK, alpha: ALPHA, seed: 7 });
    const trainer = await LoraTrainer.create(cfg, weights, adapter, { objective: 'dpo', lr: LR, dpoBeta: DPO_BETA });
    try {
      for (const n of SCALING_PAIRS) {
        const batch = pairs.slice(0, n);
        for (let i = 0; i < 2; i++) await trainer.dpoStep(batch);
        await waitForQuiet();
        const meter = new CpuMeter();
        const times: number[] = [];
        for (let i = 0; i < SCALING_STEPS; i++) {
          const s0 = performance.now();
          await trainer.dpoStep(batch);
          times.push(performance.now() - s0);
        }
        const med = median(times);
        scalingRows.push([n, `${2 * n} × ${PROMPT_LEN + RESPONSE_LEN}`, fmt(med, 0), fmt(percentile(times, 90), 0), fmt(med / n, 1), med < STEP_TARGET_MS ? 'yes' : 'no', fmt(meter.read().otherCores, 2)]);
      }
    } finally {
      await trainer.close();
    }
  }

  progress('measuring adapter sizes');
  const sizeRows: (string | number)[][] = [];
  const decimalNotes: string[] = [];
  const keyring = await benchKeyring();
  const fileSize = (a: LoraAdapter) => encodeAdapter(a).byteLength;
  const sealedSize = (a: LoraAdapter) => sealedBytes(a, keyring);
  const versus = (n: number) => n <= SIZE_TARGET_BYTES
    ? `within (${fmt((100 * n) / SIZE_TARGET_BYTES, 0)}%)`
    : `over (${fmt(n / SIZE_TARGET_BYTES, 2)}×)`;
  for (const set of TARGET_SETS) {
    const adapter = trained.get(set.name)!;
    const raw = rawBytes(adapter);
    const file = fileSize(adapter);
    const sealed = await sealedSize(adapter);
    sizeRows.push([
      set.name, RANK, bytes(raw / 4), `${bytes(raw)} (${kib(raw)})`, `${bytes(file)} (${kib(file)})`, `${bytes(sealed)} (${kib(sealed)})`,
      versus(file), versus(sealed),
      `${await largestRankWithin(cfg, set.targets, SIZE_TARGET_BYTES, fileSize)} / ${await largestRankWithin(cfg, set.targets, SIZE_TARGET_BYTES, sealedSize)}`,
    ]);
    decimalNotes.push(`${set.name}: file ${file <= SIZE_TARGET_DECIMAL ? 'within' : 'over'}, sealed value ${sealed <= SIZE_TARGET_DECIMAL ? 'within' : 'over'}`);
  }

  const out = [
    `Machine: ${machineLine()}`,
    '',
    `Model: the default model (gpu-worker/models/default, trained by \`npm run train:default\`): ${description}; ` +
      `${bytes(parameters)} parameters (${fmt(parameters / 1e6, 2)} M; token embedding ${fmt(embedding / 1e6, 2)} M), float32.`,
    '',
    `Batch: ${BATCH} preference pairs, each a ${PROMPT_LEN}-token prompt with a ${RESPONSE_LEN}-token chosen and a ${RESPONSE_LEN}-token rejected response ` +
      `(DPO: ${2 * BATCH} sequences of ${PROMPT_LEN + RESPONSE_LEN} tokens; SFT: the ${BATCH} prompt + chosen sequences). ` +
      `Adapter: PEFT-initialized (B = 0), rank ${RANK}, alpha ${ALPHA}; AdamW lr ${LR}, DPO β ${DPO_BETA}, gradient-norm clip 1. ` +
      `${WARMUP} warm-up steps, then ${STEPS} timed steps on the same batch.`,
    '',
    `#### A. Time per training step (target for DPO: < ${STEP_TARGET_MS} ms)`,
    '',
    markdownTable(
      ['step', 'LoRA targets', 'LoRA params', 'sequences × tokens (passes)', 'median ms', 'p90 ms', 'min–max ms', 'tokens/s', 'DPO target', 'graph + session s', 'loss first → last', 'own cores', 'other procs (cores)'],
      stepTable,
    ),
    '',
    `#### B. Bytes per adapter (rank ${RANK}, ${cfg.numLayers} layers; target ≤ 256 KB)`,
    '',
    'Raw: A and B in float32. File: `encodeAdapter` output (safetensors with the adapter header), what `writeAdapterFile` writes. ' +
      'Sealed: the Redis value `AdapterStore.save` writes per version (the file sealed with AES-256-GCM, then base64url, key id `k1`). ' +
      'Target read as 256 KiB = 262,144 bytes.',
    '',
    markdownTable(
      ['LoRA targets', 'rank', 'parameters', 'raw float32 bytes', 'file bytes', 'sealed Redis value bytes', 'file vs 256 KiB', 'sealed vs 256 KiB', 'largest rank ≤ 256 KiB: file / sealed'],
      sizeRows,
    ),
    '',
    `Read as 256,000 bytes instead: ${decimalNotes.join('; ')}.`,
    '',
    `#### C. Where a DPO step's time goes (batch of ${BATCH} pairs; median of ${BREAKDOWN_RUNS} runs of each session run)`,
    '',
    'The trainer runs one training graph twice per DPO step: the reference run (adapter scale 0, fetching only `sequence_logprobs`) and ' +
      'the policy run (every output: loss, margins, LoRA gradients, logits, KV). "Forward-only graph": the same decoder and DPO ' +
      'log-probabilities without the backward nodes, run on the reference feeds. "Rest" = step − reference run − policy run ' +
      '(feeds, gradient clipping, AdamW, and timing noise between section A and this one). The column marked (computed) is not measured: it is ' +
      'the step with the reference run replaced by the forward-only graph run.',
    '',
    markdownTable(
      ['LoRA targets', 'DPO step ms (A)', 'reference run ms', 'policy run ms', 'rest ms', 'forward-only graph ms', 'step with forward-only reference ms (computed)', 'nodes: training / forward-only', 'max abs Δ log p, reference vs forward-only', 'other procs (cores)'],
      breakdownRows,
    ),
    '',
    `#### D. DPO step time against pairs per step (q,k,v,o, rank ${RANK}; same prompt and response lengths; 2 warm-up, median of ${SCALING_STEPS} steps)`,
    '',
    markdownTable(['pairs', 'sequences × tokens', 'median ms', 'p90 ms', 'ms per pair', `< ${STEP_TARGET_MS} ms`, 'other procs (cores)'], scalingRows),
    '',
    `Total benchmark time: ${fmt((performance.now() - started) / 1000, 0)} s.`,
  ];
  process.stdout.write(out.join('\n') + '\n');
}

await main();
