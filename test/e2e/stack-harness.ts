/**
 * The whole platform for end-to-end tests: real Redis (a dedicated database index, flushed),
 * the real edge in workerd (edge-harness.ts), a real worker process running the model runtime
 * on onnxruntime-node (a random test model unless told otherwise), and a loopback webhook receiver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import type { Miniflare } from 'miniflare';
import { initRandomModel } from '../../gpu-worker/src/model/init-random';
import { buildEdgeBundle, createTestIssuer, restartEdge, startEdge, TEST_SECRETS, type TestIssuer } from './edge-harness';

const root = resolve(import.meta.dirname, '../..');

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Stack {
  url: string;
  issuer: TestIssuer;
  redisUrl: string;
  webhookUrl: string;
  webhooks: ReceivedWebhook[];
  workerLog: string[];
  /** Calls the edge with a token for `user` (tenant acme unless given). */
  call(path: string, init?: RequestInit & { user?: string; tenant?: string; scope?: string; json?: unknown }): Promise<Response>;
  /** Restarts the edge's workerd on the same URL, keeping Durable Object and KV data. */
  restartEdge(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits until `check` returns a truthy value or the time is up. */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Options of {@link startStack}. */
export interface StackOptions {
  redisDb?: number;
  redisUrl?: string;
  /** Model the worker serves. @default a random test model (seed 9) written to a temporary directory */
  modelDir?: string;
  /** Extra Worker variables for the edge. @default { TRAIN_AFTER_EXAMPLES: '2' } */
  edgeVars?: Record<string, string>;
  /** Extra environment of the worker process (e.g. WORKER_CONCURRENCY). */
  workerEnv?: Record<string, string>;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const redisUrl = o.redisUrl ?? `redis://127.0.0.1:6379/${o.redisDb ?? 0}`;
  const admin = new Redis(redisUrl);
  await admin.flushdb();
  await admin.quit();

  const work = await mkdtemp(join(tmpdir(), 'attune-e2e-'));
  const modelDir = o.modelDir ?? join(work, 'model');
  if (!o.modelDir) await initRandomModel(modelDir, { seed: 9 });
  const webhooks: ReceivedWebhook[] = [];
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      webhooks.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/attune`;

  const [script, issuer] = await Promise.all([buildEdgeBundle(), createTestIssuer()]);
  const edgeOptions = { redisUrl, jwks: issuer.jwks, vars: o.edgeVars ?? { TRAIN_AFTER_EXAMPLES: '2' } };
  const edge: { url: string; mf: Miniflare } = await startEdge(script, edgeOptions);

  const workerLog: string[] = [];
  const worker: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'gpu-worker/src/worker/main.ts')], {
    cwd: root,
    env: {
      ...process.env, REDIS_URL: redisUrl, ATTUNE_MODEL_DIR: modelDir, EDGE_URL: edge.url,
      INTERNAL_API_SECRET: TEST_SECRETS.INTERNAL_API_SECRET, ADAPTER_ENCRYPTION_KEY: TEST_SECRETS.ENCRYPTION_KEY, ATTUNE_EXECUTION_PROVIDERS: 'cpu', WORKER_CONCURRENCY: '8', HEARTBEAT_INTERVAL_MS: '1000',
      ...o.workerEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (d) => workerLog.push(d.toString()));
  worker.stderr!.on('data', (d) => workerLog.push(d.toString()));

  const call: Stack['call'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.user) headers.set('authorization', `Bearer ${await issuer.token({ user: init.user, tenant: init.tenant, scope: init.scope })}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(`${edge.url}${path}`, { ...init, headers, body });
  };

  await waitFor(async () => (await fetch(`${edge.url}/ready`)).status === 200, 60_000, 'the worker heartbeat (/ready)');

  return {
    url: edge.url, issuer, redisUrl, webhookUrl, webhooks, workerLog, call,
    restartEdge: () => restartEdge(edge.mf, script, edgeOptions, edge.url),
    async stop() {
      worker.kill('SIGTERM');
      await new Promise((r) => (worker.exitCode === null ? worker.once('exit', r) : r(null)));
      await edge.mf.dispose();
      await new Promise((r) => receiver.close(r));
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Polls a job until it is completed or failed. */
export async function pollJob(stack: Stack, jobId: string, user: string, timeoutMs = 60_000): Promise<Record<string, any>> {
  return waitFor(async () => {
    const res = await stack.call(`/v1/jobs/${jobId}`, { user });
    const body = (await res.json()) as Record<string, any>;
    return body.status === 'completed' || body.status === 'failed' ? body : null;
  }, timeoutMs, `job ${jobId}`);
}
