/**
 * @module test/bench/runtime.bench
 * `npm run bench:runtime`: measures the model runtime on random Llama models on CPU and prints
 * Markdown tables (stdout; progress on stderr) for docs/benchmarks.md:
 * A. single-stream prefill and decode speed;
 * B. 32 users with 32 adapters batched on one LoRA graph, against one merged model per user;
 * C. what per-row adapters cost a batch of 32, against a graph compiled without LoRA inputs.
 * `-- --models test` (or `medium`) runs one size only.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { randomAdapter } from '../../gpu-worker/src/adapters/random-adapter';
import type { CompiledModel } from '../../gpu-worker/src/compiler/compile';
import { GenerationEngine } from '../../gpu-worker/src/generation/engine';
import { ModelSession } from '../../gpu-worker/src/runtime/model-session';
import { loadTokenizer, type TextTokenizer } from '../../gpu-worker/src/tokenizer/load';
import { BENCH_LORA_TARGETS, BENCH_MODELS, compileMergedModel, prepareBenchModel, type BenchModel } from './bench-models';
import {
  CpuMeter, fixedPrompt, fmt, markdownTable, median, medianRun, perSecond, progress, runBatch, waitForQuiet,
  type BatchResult, type BenchRequest, type DoneEvent,
} from './bench-run';

const USERS = 32;
const RANK = 8;
const ALPHA = 16;
const MULTI_PROMPT = 64;
const MULTI_NEW = 64;
const SINGLE_PROMPT = 128;
const SINGLE_NEW = 128;
const RUNS = 3;
const SPEEDUP_TARGET = 8;
const OVERHEAD_TARGET_PCT = 10;

const tables = { a: [] as string[][], b: [] as string[][], bCheck: [] as string[], c: [] as string[][] };
let provider = 'unknown';

async function openEngine(model: CompiledModel, tokenizer: TextTokenizer, maxBatchSize: number) {
  const session = await ModelSession.open(model, { providers: ['cpu'] });
  provider = session.provider;
  return { session, engine: new GenerationEngine(session, tokenizer, { maxBatchSize }) };
}

function userAdapters(m: BenchModel): LoraAdapter[] {
  return Array.from({ length: USERS }, (_, u) =>
    randomAdapter(m.lora.config, { baseModelId: m.lora.manifest.baseModelId, targets: BENCH_LORA_TARGETS, rank: RANK, alpha: ALPHA, seed: 1000 + u }));
}

function multiRequests(m: BenchModel, adapters: (LoraAdapter | null)[]): BenchRequest[] {
  return adapters.map((adapter, u) => ({ promptIds: fixedPrompt(MULTI_PROMPT, 2000 + u, m.lora.config.vocabSize), maxNewTokens: MULTI_NEW, adapter }));
}

/** A. One request at a time: time to first token of a 128-token prompt, then 128 decode steps. */
async function singleStream(m: BenchModel, tokenizer: TextTokenizer, adapter: LoraAdapter): Promise<void> {
  const vocab = m.lora.config.vocabSize;
  const configs = [
    { label: 'plain graph, no adapter', model: m.plain, adapter: null },
    { label: 'LoRA graph, 1 adapter (r8)', model: m.lora, adapter },
  ];
  // Prefer a prompt whose greedy continuation runs to the length limit on the plain graph.
  let promptIds = fixedPrompt(SINGLE_PROMPT, 1, vocab);
  for (const { label, model, adapter: a } of configs) {
    progress(`${m.spec.name} A: single stream, ${label}`);
    const { session, engine } = await openEngine(model, tokenizer, 1);
    for (let seed = 1; seed <= 5; seed++) {
      const warm = await runBatch(engine, [{ promptIds, maxNewTokens: SINGLE_NEW, adapter: a }]);
      if (warm.eosCount === 0 || a) break;
      promptIds = fixedPrompt(SINGLE_PROMPT, seed + 1, vocab);
    }
    await waitForQuiet();
    const meter = new CpuMeter();
    const runs: DoneEvent[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await runBatch(engine, [{ promptIds, maxNewTokens: SINGLE_NEW, adapter: a }])).done[0]);
    await session.close();
    const ttft = median(runs.map((d) => d.timings.firstTokenMs));
    const decodeTps = median(runs.map((d) => perSecond(d.tokenIds.length - 1, d.timings.totalMs - d.timings.firstTokenMs)));
    const generated = `${runs[0].tokenIds.length} (${runs[0].finishReason})`;
    const others = fmt(meter.read().otherCores, 2);
    tables.a.push([m.spec.name, label, fmt(ttft), fmt(perSecond(SINGLE_PROMPT, ttft), 0), generated, fmt(decodeTps), others]);
  }
}

/** B. 32 users batched on one LoRA graph versus one merged model per user, run one at a time. */
async function multiTenant(m: BenchModel, tokenizer: TextTokenizer, adapters: LoraAdapter[], root: string): Promise<void> {
  const requests = multiRequests(m, adapters);
  progress(`${m.spec.name} B: compiling ${USERS} merged per-user models`);
  const compileStart = performance.now();
  const merged: CompiledModel[] = [];
  for (const [u, adapter] of adapters.entries()) merged.push(await compileMergedModel(m, adapter, join(root, m.spec.name, `user-${u}`)));
  const compileMsPerUser = (performance.now() - compileStart) / USERS;

  progress(`${m.spec.name} B: batched, ${USERS} adapters on one engine (warm-up + ${RUNS} runs)`);
  const { session, engine } = await openEngine(m.lora, tokenizer, USERS);
  await runBatch(engine, requests);
  await waitForQuiet();
  const batchedMeter = new CpuMeter();
  const batchedRuns = await medianRun(RUNS, () => runBatch(engine, requests), (r) => r.wallMs);
  const batched = batchedRuns.median;
  const batchedOthers = batchedMeter.read().otherCores;
  progress(`${m.spec.name} B: batched wall s per run ${batchedRuns.all.map((r) => fmt(r.wallMs / 1000, 2)).join(', ')}`);
  await session.close();

  progress(`${m.spec.name} B: baseline (ii), each user's session opened on demand`);
  await waitForQuiet();
  const coldMeter = new CpuMeter();
  let coldMs = 0;
  let loadMs = 0;
  let coldTokens = 0;
  for (const [u, model] of merged.entries()) {
    const t0 = performance.now();
    const user = await openEngine(model, tokenizer, 1);
    loadMs += performance.now() - t0;
    coldTokens += (await runBatch(user.engine, [{ ...requests[u], adapter: null }])).tokens;
    await user.session.close();
    coldMs += performance.now() - t0;
  }
  const coldOthers = coldMeter.read().otherCores;

  progress(`${m.spec.name} B: baseline (i), ${USERS} sessions preloaded and warmed`);
  const users = [];
  for (const [u, model] of merged.entries()) {
    const user = await openEngine(model, tokenizer, 1);
    await runBatch(user.engine, [{ promptIds: requests[u].promptIds, maxNewTokens: 2 }]);
    users.push(user);
  }
  await waitForQuiet();
  const warmMeter = new CpuMeter();
  const separate: BatchResult[] = [];
  const warmStart = performance.now();
  for (const [u, user] of users.entries()) separate.push(await runBatch(user.engine, [{ ...requests[u], adapter: null }]));
  const warmMs = performance.now() - warmStart;
  const warmOthers = warmMeter.read().otherCores;
  for (const user of users) await user.session.close();
  const warmTokens = separate.reduce((n, r) => n + r.tokens, 0);

  const batchedTps = perSecond(batched.tokens, batched.wallMs);
  const warmTps = perSecond(warmTokens, warmMs);
  const coldTps = perSecond(coldTokens, coldMs);
  const eos = `${batched.eosCount}/${USERS}`;
  tables.b.push([m.spec.name, 'batched: 1 LoRA graph, 32 adapters, maxBatchSize 32', String(batched.tokens), eos, fmt(batched.wallMs / 1000, 2), fmt(batchedTps), '', fmt(batchedOthers, 2)]);
  tables.b.push([m.spec.name, '(i) separate merged model per user, sessions preloaded', String(warmTokens), '', fmt(warmMs / 1000, 2), fmt(warmTps), `${fmt(batchedTps / warmTps, 2)}×`, fmt(warmOthers, 2)]);
  tables.b.push([m.spec.name, `(ii) separate model per user, + session load (${fmt(loadMs / USERS, 0)} ms/user)`, String(coldTokens), '', fmt(coldMs / 1000, 2), fmt(coldTps), `${fmt(batchedTps / coldTps, 2)}×`, fmt(coldOthers, 2)]);

  const same = (u: number) => batched.done[u].tokenIds.join(',') === separate[u].done[0].tokenIds.join(',');
  const matches = batched.done.filter((_, u) => same(u)).length;
  const sample = [0, 15, 31].map((u) => {
    const head = (ids: number[]) => ids.slice(0, 8).join(' ');
    return `user ${u} (${batched.done[u].tokenIds.length} tokens, ${batched.done[u].finishReason}): batched [${head(batched.done[u].tokenIds)} …] vs separate [${head(separate[u].done[0].tokenIds)} …] → ${same(u) ? 'equal' : 'DIFFERENT'}`;
  });
  tables.bCheck.push(
    `- ${m.spec.name}: greedy tokens of the batched run equal the separate merged model's for ${matches}/${USERS} users ` +
      `(merged-model compile: ${fmt(compileMsPerUser / 1000, 2)} s/user, not timed above)`,
    ...sample.map((s) => `  - ${s}`),
  );
}

/** C. Decode speed of 32 rows: plain graph, LoRA graph on slot 0, LoRA graph with 32 adapters. */
async function adapterOverhead(m: BenchModel, tokenizer: TextTokenizer, adapters: LoraAdapter[]): Promise<void> {
  const configs = [
    { label: 'plain graph (`loraTargets: []`), no adapters', model: m.plain, requests: multiRequests(m, adapters.map(() => null)) },
    { label: 'LoRA graph, all rows on slot 0', model: m.lora, requests: multiRequests(m, adapters.map(() => null)) },
    { label: 'LoRA graph, 32 distinct adapters (r8, q/k/v/o)', model: m.lora, requests: multiRequests(m, adapters) },
  ];
  // C compares figures a few percent apart, so it takes more runs than the other sections.
  const runs = m.spec.overheadRuns;
  progress(`${m.spec.name} C: adapter overhead, 3 configurations × (warm-up + ${runs} interleaved runs)`);
  const opened = [];
  for (const c of configs) {
    const e = await openEngine(c.model, tokenizer, USERS);
    await runBatch(e.engine, c.requests);
    opened.push({ ...c, ...e, runs: [] as BatchResult[] });
  }
  await waitForQuiet();
  const meter = new CpuMeter();
  // Interleaved so that a burst of load from other processes hits every configuration alike.
  for (let i = 0; i < runs; i++) for (const c of opened) c.runs.push(await runBatch(c.engine, c.requests));
  const others = fmt(meter.read().otherCores, 2);
  const decodeTps = (r: BatchResult) => perSecond(r.decodeTokens, r.decodeMs);
  const stats = (runs: BatchResult[]) => ({ median: median(runs.map(decodeTps)), best: Math.max(...runs.map(decodeTps)) });
  const base = stats(opened[0].runs);
  const slowdown = (baseTps: number, tps: number) => `${fmt((baseTps / tps - 1) * 100)}%`;
  for (const c of opened) {
    await c.session.close();
    const s = stats(c.runs);
    const r = c.runs[0];
    tables.c.push([
      m.spec.name, c.label, `${r.tokens} (${r.eosCount} EOS)`, fmt(median(c.runs.map((x) => x.prefillMs)), 0),
      fmt(s.median), fmt(s.best),
      c === opened[0] ? '—' : slowdown(base.median, s.median), c === opened[0] ? '—' : slowdown(base.best, s.best), others,
    ]);
  }
}

function machineLine(): string {
  const require = createRequire(import.meta.url);
  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  const cpus = os.cpus();
  return `${new Date().toISOString().slice(0, 10)} · ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length} cores (${fmt(os.totalmem() / 2 ** 30, 0)} GiB RAM) · ` +
    `Node ${process.version} · onnxruntime-node ${ortVersion} · execution provider: ${provider} (intra-op threads: ONNX Runtime default)`;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--models');
  const wanted = i >= 0 ? process.argv[i + 1].split(',') : BENCH_MODELS.map((s) => s.name);
  const specs = BENCH_MODELS.filter((s) => wanted.includes(s.name));
  if (specs.length === 0) throw new Error(`--models must name one of ${BENCH_MODELS.map((s) => s.name).join(', ')}`);
  const root = await mkdtemp(join(os.tmpdir(), 'attune-bench-'));
  const started = performance.now();
  const sizes: string[] = [];
  try {
    for (const spec of specs) {
      progress(`${spec.name}: writing and compiling the random model in ${root}`);
      const m = await prepareBenchModel(root, spec);
      sizes.push(`- **${spec.name}**: ${spec.description}; ${(m.parameters / 1e6).toFixed(2)} M parameters`);
      const tokenizer = await loadTokenizer(m.lora.dir);
      const adapters = userAdapters(m);
      await singleStream(m, tokenizer, adapters[0]);
      await multiTenant(m, tokenizer, adapters, root);
      await adapterOverhead(m, tokenizer, adapters);
      await rm(join(root, spec.name), { recursive: true, force: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const out = [
    `Machine: ${machineLine()}`,
    '',
    '"other procs (cores)": average CPU cores used by other processes during that measurement (the machine may be shared); ' +
      'figures measured under load are pessimistic.',
    '',
    'Models (random weights, `initRandomModel`, float32), greedy decoding (temperature 0):',
    ...sizes,
    '',
    `### A. Single stream (prompt ${SINGLE_PROMPT} tokens, up to ${SINGLE_NEW} new tokens; warm-up, then median of ${RUNS})`,
    '',
    markdownTable(['model', 'graph', 'TTFT ms', 'prefill tok/s', 'generated (finish)', 'decode tok/s', 'other procs (cores)'], tables.a),
    '',
    `### B. Multi-tenant throughput (${USERS} users, own rank-${RANK} adapter each, prompt ${MULTI_PROMPT}, up to ${MULTI_NEW} new tokens; target ≥ ${SPEEDUP_TARGET}×)`,
    '',
    markdownTable(['model', 'setup', 'tokens generated', 'ended on EOS', 'wall s', 'tok/s', 'batched speed-up', 'other procs (cores)'], tables.b),
    '',
    ...tables.bCheck,
    '',
    `### C. Adapter overhead (batch of ${USERS}, prompt ${MULTI_PROMPT}, up to ${MULTI_NEW} new tokens; ${BENCH_MODELS.map((b) => `${b.name}: ${b.overheadRuns}`).join(', ')} interleaved runs; target ≤ ${OVERHEAD_TARGET_PCT}%)`,
    '',
    markdownTable(['model', 'graph / adapters', 'tokens (EOS)', 'prefill ms', 'decode tok/s median', 'decode tok/s best', 'slowdown (median)', 'slowdown (best)', 'other procs (cores)'], tables.c),
    '',
    `Total benchmark time: ${fmt((performance.now() - started) / 1000, 0)} s.`,
  ];
  process.stdout.write(out.join('\n') + '\n');
}

await main();
