/**
 * @module test/e2e/echo-edge
 * The shared fixture of the edge tests that need no real model: an empty Redis database, the real
 * edge in Miniflare (see edge-harness.ts) with a test token issuer, and the echo worker standing in
 * for the model (see echo-worker.ts), plus a `call` helper that sends a request as a given user.
 */
import { Queue, type Worker } from 'bullmq';
import Redis from 'ioredis';
import type { Miniflare } from 'miniflare';
import { GENERATE_QUEUE, QUEUE_PREFIX } from '../../shared/jobs/generate-job';
import { buildEdgeBundle, createTestIssuer, startEdge, type TestIssuer } from './edge-harness';
import { startEchoWorker, type EchoWorkerOptions } from './echo-worker';

/** A request for {@link EchoEdge.call}: `json` becomes the body; `tenant` and `scope` go into the token. */
export type CallInit = RequestInit & { json?: unknown; tenant?: string; scope?: string };

/** Options of {@link startEchoEdge}. */
export interface EchoEdgeOptions {
  /** The Redis database of the test file; it is flushed first. */
  redisUrl: string;
  /** Extra Worker vars of the edge. */
  vars?: Record<string, string>;
  /** How the echo worker answers. */
  echo: Omit<EchoWorkerOptions, 'redisUrl' | 'edgeUrl'>;
}

/** A running edge with its echo worker. */
export interface EchoEdge {
  /** Base URL of the edge. */
  url: string;
  mf: Miniflare;
  issuer: TestIssuer;
  /** A client on the test's Redis database. */
  redis: Redis;
  /** The generate queue, opened on first use (on `redis`). */
  readonly queue: Queue;
  echo: Worker;
  /** Sends a request to the edge with a bearer token for `user` (tenant and scope from `init`). */
  call(path: string, user: string, init?: CallInit): Promise<Response>;
  /** Stops the worker, the queue, the edge and the Redis client. */
  close(): Promise<void>;
}

/**
 * Flushes the Redis database, starts the edge and the echo worker.
 *
 * @example
 * const edge = await startEchoEdge({ redisUrl, echo: { answer: (job) => `You said: ${job.messages.at(-1)!.content}` } });
 * const res = await edge.call('/v1/generate', 'jane', { method: 'POST', json: { prompt: 'hi' } });
 */
export async function startEchoEdge(o: EchoEdgeOptions): Promise<EchoEdge> {
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  let mf: Miniflare | undefined;
  let echo: Worker | undefined;
  let queue: Queue | undefined;
  const close = async () => {
    await echo?.close();
    await queue?.close();
    await mf?.dispose();
    await redis.quit();
  };
  try {
    await redis.flushdb();
    const [script, issuer] = await Promise.all([buildEdgeBundle(), createTestIssuer()]);
    const edge = await startEdge(script, { redisUrl: o.redisUrl, jwks: issuer.jwks, vars: o.vars });
    mf = edge.mf;
    const url = edge.url;
    echo = startEchoWorker({ ...o.echo, redisUrl: o.redisUrl, edgeUrl: url });
    return {
      url, mf, issuer, redis, echo, close,
      get queue() {
        return (queue ??= new Queue(GENERATE_QUEUE, { connection: redis, prefix: QUEUE_PREFIX }));
      },
      async call(path, user, init = {}) {
        const headers = new Headers(init.headers);
        headers.set('authorization', `Bearer ${await issuer.token({ user, tenant: init.tenant, scope: init.scope })}`);
        if (init.json !== undefined) headers.set('content-type', 'application/json');
        return fetch(`${url}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
      },
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
