/**
 * @module test/bench/best-of.bench
 * `npx tsx test/bench/best-of.bench.ts [--prompts N] [--in-flight N]`: does best-of-4 with the
 * preference scorer make the default model answer in a user's hidden style more often?
 *
 * Held-out prompts (topics the model never trained on) with no style instruction, as
 * `style-eval.ts` renders them for the baseline, × 4 hidden target styles (one-hot
 * `style_weights`). Every (prompt, style) pair is one job through the real generate processor on
 * the committed default model, sampled with its generation_config.json; the best-of-1 job and the
 * best-of-4 job of a pair share the seed base, so best-of-1 is exactly candidate 0 of best-of-4.
 * The default judge (`loadDefaultJudge`, trained on another seed than the scorer) labels the
 * returned text; the table gives its style-match rate and the time per job, in flight together
 * and one at a time. Also reported: the oracle (some candidate is in the target style) and how
 * often scorer and judge agree on a candidate's style.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { GenerateJob, GenerateJobResult } from '../../shared/jobs/generate-job';
import { createPreferenceScorer } from '../../gpu-worker/src/generation/preference-scorer';
import type { GenerationEvent } from '../../gpu-worker/src/generation/sequence';
import { TextGenerator } from '../../gpu-worker/src/generation/text-generator';
import { STYLES, type Style } from '../../gpu-worker/src/training/corpus/types';
import { loadDefaultJudge } from '../../gpu-worker/src/training/judge/default-judge';
import { judge } from '../../gpu-worker/src/training/judge/style-judge';
import { EVAL_SEED } from '../../gpu-worker/src/training/pretrain/evaluate-default';
import { promptMessages } from '../../gpu-worker/src/training/pretrain/pretrain-data';
import { heldOutPrompts } from '../../gpu-worker/src/training/pretrain/style-eval';
import { DEFAULT_MODEL_DIR } from '../../gpu-worker/src/worker/config';
import { createGenerateProcessor, type GenerationSource } from '../../gpu-worker/src/worker/generate-processor';
import { CpuMeter, fmt, markdownTable, percentile, progress, waitForQuiet } from './bench-run';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${process.argv[at + 1]}`);
  return value;
};
const PROMPTS = arg('prompts', 50);
/** Jobs in flight together (the worker's default WORKER_CONCURRENCY). */
const IN_FLIGHT = arg('in-flight', 16);
/** Jobs timed one at a time, per mode. */
const ALONE = 20;
const CANDIDATES = 4;

interface Pair { index: number; prompt: GenerateJob['messages']; target: Style; seed: number }
interface Outcome { pair: Pair; result: GenerateJobResult; judged: Style }

const started = performance.now();
const generation = JSON.parse(await readFile(join(DEFAULT_MODEL_DIR, 'generation_config.json'), 'utf8')) as { temperature: number; top_p: number; max_new_tokens: number };
const generator = await TextGenerator.open(DEFAULT_MODEL_DIR, { providers: ['cpu'], maxBatchSize: IN_FLIGHT * CANDIDATES });
let scorerMs = performance.now();
const scorer = createPreferenceScorer();
scorerMs = performance.now() - scorerMs;
const { model: judgeModel, source: judgeSource } = await loadDefaultJudge();

// Candidate texts of the best-of-N pass by sampling seed (unique per candidate), read off the real engine's events.
const candidateTexts = new Map<number, string>();
let capturing = false;
const recording: GenerationSource = {
  stream(input, params, adapter, signal) {
    const events = generator.stream(input, params, adapter, signal);
    return (async function* (): AsyncGenerator<GenerationEvent> {
      for await (const event of events) {
        if (capturing && event.type === 'done' && params.seed !== undefined) candidateTexts.set(params.seed, event.text);
        yield event;
      }
    })();
  },
};
const redis = new Redis({ lazyConnect: true }); // no job streams, so never connected
const processor = createGenerateProcessor({ generator: recording, redis, model: 'default', jobTimeoutMs: 600_000, scorer });

const examples = heldOutPrompts(EVAL_SEED, 400).filter((ex, i, all) => all.findIndex((e) => e.prompt === ex.prompt) === i).slice(0, PROMPTS);
if (examples.length < PROMPTS) throw new Error(`only ${examples.length} distinct held-out prompts`);
const pairs: Pair[] = examples.flatMap((ex, p) => STYLES.map((target, s) => {
  const index = p * STYLES.length + s;
  return { index, prompt: promptMessages(ex, 'no-instruction'), target, seed: 100_000 + 10 * index };
}));

async function runJob(pair: Pair, candidates: number): Promise<Outcome> {
  const data = {
    job_id: `bench-${candidates}-${pair.index}`, owner: 'a'.repeat(64), tenant: 'b'.repeat(64), kind: 'chat', messages: pair.prompt,
    params: { temperature: generation.temperature, top_p: generation.top_p, max_new_tokens: generation.max_new_tokens, seed: pair.seed, stop: [] },
    stream: false, personalized: false, created_at: new Date().toISOString(),
    selection: { candidates, style_weights: { [pair.target]: 1 } },
  };
  const job = { id: data.job_id, data, attemptsMade: 0, attemptsStarted: 1, opts: { attempts: 1 }, timestamp: Date.now(), moveToWait: async () => 0 };
  const result = await processor(job as unknown as Job, 'bench', undefined);
  return { pair, result, judged: judge(judgeModel, result.text).style };
}

/** Cores other processes used during each timed pass (this machine may be shared). */
const otherCores: number[] = [];

/** Runs every pair with at most `limit` jobs in flight; returns the outcomes and the wall time. */
async function runAll(items: Pair[], candidates: number, limit: number): Promise<{ outcomes: Outcome[]; wallMs: number }> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await waitForQuiet();
  const meter = new CpuMeter();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) outcomes.push(await runJob(items[next++], candidates));
  }));
  otherCores.push(meter.read().otherCores);
  return { outcomes, wallMs: performance.now() - t0 };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const matchRate = (outcomes: Outcome[]) => outcomes.filter((o) => o.judged === o.pair.target).length / outcomes.length;

await runAll(pairs.slice(0, 8), CANDIDATES, IN_FLIGHT); // warm-up: ONNX Runtime's first runs are slow
progress(`best-of-1: ${pairs.length} jobs, ${IN_FLIGHT} in flight`);
const one = await runAll(pairs, 1, IN_FLIGHT);
progress(`best-of-${CANDIDATES}: ${pairs.length} jobs, ${IN_FLIGHT} in flight`);
capturing = true;
const four = await runAll(pairs, CANDIDATES, IN_FLIGHT);
capturing = false;
progress(`one job at a time: ${ALONE} jobs per mode`);
const aloneOne = await runAll(pairs.slice(0, ALONE), 1, 1);
const aloneFour = await runAll(pairs.slice(0, ALONE), CANDIDATES, 1);

// best-of-1 must be candidate 0 of best-of-4 (same seed, batch-invariant engine): check, don't assume.
const byIndex = new Map(four.outcomes.map((o) => [o.pair.index, o]));
const sameFirst = one.outcomes.filter((o) => candidateTexts.get(o.pair.seed) === o.result.text).length;
let oracle = 0;
let agree = 0;
let judgedCandidates = 0;
for (const o of byIndex.values()) {
  const texts = Array.from({ length: CANDIDATES }, (_, i) => candidateTexts.get(o.pair.seed + i) ?? '');
  const labels = texts.map((t) => judge(judgeModel, t).style);
  if (labels.includes(o.pair.target)) oracle++;
  for (const [i, t] of texts.entries()) {
    const p = scorer.styleProbabilities(t);
    if (STYLES.reduce((a, b) => (p[b] > p[a] ? b : a)) === labels[i]) agree++;
    judgedCandidates++;
  }
}

const row = (name: string, run: { outcomes: Outcome[]; wallMs: number }, alone: { outcomes: Outcome[] }) => {
  const ms = run.outcomes.map((o) => o.result.timings.total_ms);
  const aloneMs = alone.outcomes.map((o) => o.result.timings.total_ms);
  const tokens = run.outcomes.reduce((n, o) => n + o.result.usage.completion_tokens, 0) / run.outcomes.length;
  return [
    name, run.outcomes.length, `**${pct(matchRate(run.outcomes))}**`,
    STYLES.map((s) => pct(matchRate(run.outcomes.filter((o) => o.pair.target === s)))).join(' / '),
    fmt(tokens, 0), `${fmt(percentile(ms, 50), 0)} / ${fmt(percentile(ms, 90), 0)}`, fmt(run.outcomes.length / (run.wallMs / 1000), 1),
    `${fmt(percentile(aloneMs, 50), 0)} / ${fmt(percentile(aloneMs, 90), 0)}`,
  ];
};

process.stdout.write([
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${os.cpus().length} CPU cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round((performance.now() - started) / 1000)} s in all.`,
  '',
  `- ${PROMPTS} held-out prompts (seed ${EVAL_SEED}, no style instruction) × ${STYLES.length} hidden target styles (one-hot \`style_weights\`) = ${pairs.length} jobs per mode, through the generate processor on gpu-worker/models/default; temperature ${generation.temperature}, top-p ${generation.top_p}, max ${generation.max_new_tokens} new tokens (generation_config.json).`,
  `- Preference scorer: trained on corpus seed ${scorer.trainedOn.seed} (${scorer.trainedOn.count} examples) in ${fmt(scorerMs, 0)} ms; style judge: the default one (${judgeSource}), trained on another seed.`,
  `- Oracle (some candidate of ${CANDIDATES} is judged the target style): ${pct(oracle / byIndex.size)}; scorer and judge agree on ${pct(agree / judgedCandidates)} of ${judgedCandidates} candidates.`,
  `- Best-of-1 text = candidate 0 of best-of-${CANDIDATES} in ${sameFirst} / ${one.outcomes.length} jobs (same seeds).`,
  `- Time per job: the processor's total_ms (engine queue + generation + choice), p50 / p90 in milliseconds; ${IN_FLIGHT} jobs in flight (engine batch up to ${IN_FLIGHT * CANDIDATES} rows), and one job at a time (${ALONE} jobs). Other processes used ${otherCores.map((c) => fmt(c, 2)).join(' / ')} cores during the passes (warm-up, best-of-1, best-of-${CANDIDATES}, alone ×2).`,
  '',
  markdownTable(
    ['mode', 'jobs', 'judged style match', 'casual / formal / technical / creative', 'completion tokens per job', `ms per job, ${IN_FLIGHT} in flight`, 'jobs / s', 'ms per job, alone'],
    [row('best-of-1 (first candidate)', one, aloneOne), row(`best-of-${CANDIDATES} (scorer's choice)`, four, aloneFour)],
  ),
  '',
].join('\n'));

await generator.close();
redis.disconnect();
