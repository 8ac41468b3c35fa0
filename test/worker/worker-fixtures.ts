/**
 * @module test/worker/worker-fixtures
 * Helpers of the worker's cross-component tests: a local "edge" that records signed completion
 * reports, job payloads, bounded waits, token-stream reading and a worker child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { verifyInternalRequest } from '../../shared/crypto/hmac';
import type { z } from 'zod';
import type { CompletionReport, generateJobSchema } from '../../shared/jobs/generate-job';
import type { Logger } from '../../gpu-worker/src/runtime/logger';

export const REPO = resolve(import.meta.dirname, '../..');

/** A completion report as the fake edge received it. */
export interface ReceivedReport {
  path: string;
  signed: boolean;
  body: CompletionReport;
}

/** An HTTP server standing in for the edge's internal completion route. */
export async function startFakeEdge(secret: string): Promise<{ url: string; reports: ReceivedReport[]; close(): Promise<void> }> {
  const reports: ReceivedReport[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signed = await verifyInternalRequest(secret, raw, req.headers['x-attune-signature'] as string | undefined);
      const ok = req.method === 'POST' && /^\/internal\/jobs\/[^/]+\/complete$/.test(req.url ?? '') && req.headers['content-type'] === 'application/json';
      if (ok) reports.push({ path: req.url!, signed, body: JSON.parse(raw) as CompletionReport });
      res.writeHead(ok && signed ? 204 : 401).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reports,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** A `generate` payload as the edge enqueues it (schema input: defaulted fields may be absent). */
export type GenerateJobPayload = z.input<typeof generateJobSchema>;

/** A valid `generate` payload with a fresh job id. */
export function jobPayload(overrides: Omit<Partial<GenerateJobPayload>, 'params'> & { params?: Partial<GenerateJobPayload['params']> } = {}): GenerateJobPayload {
  const { params, ...rest } = overrides;
  return {
    job_id: `job-${randomUUID().slice(0, 12)}`,
    owner: hex('tenant-a:user-1'),
    tenant: hex('tenant-a'),
    kind: 'chat',
    messages: [{ role: 'user', content: 'Tell me a long story about the garden.' }],
    params: { max_new_tokens: 32, temperature: 0.8, top_p: 0.95, seed: 11, stop: [], ...params },
    stream: true,
    personalized: false,
    created_at: new Date().toISOString(),
    ...rest,
  };
}

/** Polls `check` every 25 ms until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until job `id` is in one of `states`. */
export function waitForState(queue: Queue, id: string, states: string[], timeoutMs: number): Promise<string> {
  return waitFor(`job ${id} to be ${states.join(' or ')}`, timeoutMs, async () => {
    const state = await queue.getJobState(id);
    return states.includes(state) ? state : undefined;
  });
}

/** A job's token stream as field maps. */
export async function streamEntries(redis: Redis, key: string): Promise<Record<string, string>[]> {
  const raw = await redis.xrange(key, '-', '+');
  return raw.map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i], f[2 * i + 1]])));
}

/** A logger keeping each line as JSON text. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

/** `node --import tsx gpu-worker/src/worker/main.ts` with `env`, its stderr lines and exit code. */
export function spawnWorkerProcess(env: Record<string, string>): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gpu-worker/src/worker/main.ts'], {
    cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, lines, exited };
}
