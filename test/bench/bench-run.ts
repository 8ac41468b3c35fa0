/**
 * @module test/bench/bench-run
 * Measurement helpers for the runtime benchmark: fixed prompts, submitting a set of requests to
 * an engine together and timing it from the engine's own per-request timings, and Markdown output.
 * Throughput is always computed from tokens actually generated (a row that samples EOS stops early).
 */
import os from 'node:os';
import { createSeededRng } from '../../shared/random/seeded-rng';
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import type { GenerationEngine } from '../../gpu-worker/src/generation/engine';
import { parseSamplingParams } from '../../gpu-worker/src/generation/sampling-params';
import type { GenerationEvent } from '../../gpu-worker/src/generation/sequence';

export type DoneEvent = Extract<GenerationEvent, { type: 'done' }>;

/** Ids below this are the test tokenizer's specials (pad, `<|im_start|>`, EOS); prompts avoid them. */
const FIRST_ORDINARY_ID = 3;

/** A prompt of exactly `length` token ids drawn from `seed`, without special tokens. */
export function fixedPrompt(length: number, seed: number, vocabSize: number): number[] {
  const rng = createSeededRng(seed);
  return Array.from({ length }, () => FIRST_ORDINARY_ID + (rng.nextUint32() % (vocabSize - FIRST_ORDINARY_ID)));
}

/** Greedy decoding with a fixed length limit. */
export function greedy(maxNewTokens: number) {
  return parseSamplingParams({ temperature: 0, maxNewTokens });
}

/** One request of a measured batch. */
export interface BenchRequest {
  promptIds: number[];
  maxNewTokens: number;
  adapter?: LoraAdapter | null;
}

/** What one batch of requests took. */
export interface BatchResult {
  done: DoneEvent[];
  /** Submission to the last request's end, measured outside the engine. */
  wallMs: number;
  /** Submission to the last first token: the prefill(s). */
  prefillMs: number;
  /** Last first token to the last end: the decode steps. */
  decodeMs: number;
  /** Tokens generated, all requests. */
  tokens: number;
  /** Tokens sampled in decode steps (each request's first token comes from the prefill). */
  decodeTokens: number;
  /** Requests that ended on EOS before their length limit. */
  eosCount: number;
}

/** Submits all `requests` to `engine` at once and waits for every one to finish. */
export async function runBatch(engine: GenerationEngine, requests: BenchRequest[]): Promise<BatchResult> {
  const start = performance.now();
  const streams = requests.map((r) => engine.generate({ promptIds: r.promptIds, params: greedy(r.maxNewTokens), adapter: r.adapter ?? null }));
  const done = await Promise.all(streams.map(finalEvent));
  const wallMs = performance.now() - start;
  const prefillMs = Math.max(...done.map((d) => d.timings.firstTokenMs));
  const endMs = Math.max(...done.map((d) => d.timings.totalMs));
  const tokens = done.reduce((n, d) => n + d.tokenIds.length, 0);
  return {
    done, wallMs, prefillMs, decodeMs: endMs - prefillMs, tokens,
    decodeTokens: done.reduce((n, d) => n + Math.max(0, d.tokenIds.length - 1), 0),
    eosCount: done.filter((d) => d.finishReason === 'eos').length,
  };
}

/** Drains one request's events and returns its `done` event. */
export async function finalEvent(events: AsyncIterable<GenerationEvent>): Promise<DoneEvent> {
  for await (const event of events) if (event.type === 'done') return event;
  throw new Error('generation ended without a done event');
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `measure` `runs` times and returns the run whose `key` is the median (odd `runs`). */
export async function medianRun<T>(runs: number, measure: () => Promise<T>, key: (t: T) => number): Promise<{ median: T; all: T[] }> {
  const all: T[] = [];
  for (let i = 0; i < runs; i++) all.push(await measure());
  const sorted = [...all].sort((a, b) => key(a) - key(b));
  return { median: sorted[sorted.length >> 1], all };
}

/** Tokens per second. */
export function perSecond(tokens: number, ms: number): number {
  return ms > 0 ? (tokens * 1000) / ms : 0;
}

/** A number for a table: fixed decimals with thousands kept readable. */
export function fmt(value: number, decimals = 1): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Measures how busy the machine was during a block, split into this process and everything else,
 * from the kernel's per-CPU counters (os.cpus) and this process's CPU time. Other processes on a
 * shared machine steal cores from the benchmark, so each figure is reported with their load.
 */
export class CpuMeter {
  private readonly wall = performance.now();
  private readonly busy = machineBusyMs();
  private readonly own = process.cpuUsage();

  /** Average cores used by this process and by other processes since construction. */
  read(): { ownCores: number; otherCores: number } {
    const wallMs = performance.now() - this.wall;
    const own = process.cpuUsage(this.own);
    const ownMs = (own.user + own.system) / 1000;
    const otherMs = Math.max(0, machineBusyMs() - this.busy - ownMs);
    return { ownCores: ownMs / wallMs, otherCores: otherMs / wallMs };
  }
}

function machineBusyMs(): number {
  return os.cpus().reduce((n, c) => n + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

/** Budget, shared by the whole run, for waiting on other processes to go quiet. */
let quietBudgetMs = 45_000;

/**
 * Waits (up to the remaining shared budget) until other processes use under `maxOtherCores`
 * over a one-second sample, so measurements start on an idle machine when there is one.
 */
export async function waitForQuiet(maxOtherCores = 0.25): Promise<void> {
  while (quietBudgetMs > 0) {
    const meter = new CpuMeter();
    await new Promise((r) => setTimeout(r, 1000));
    quietBudgetMs -= 1000;
    const { otherCores } = meter.read();
    if (otherCores < maxOtherCores) return;
    progress(`machine busy (other processes use ${otherCores.toFixed(2)} cores); waiting, ${Math.round(quietBudgetMs / 1000)} s of waiting left`);
  }
}

/** Progress for the person watching, on stderr so stdout stays the report. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}
