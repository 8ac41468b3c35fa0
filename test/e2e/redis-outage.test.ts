/**
 * Redis outage: with the queue's Redis stopped, POST /v1/generate answers 503 with Retry-After
 * within 2 s and /ready reports not ready; once Redis is back on the same port, requests succeed
 * again and jobs complete without restarting the edge or the worker. Uses its own redis-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, redisAnswers } from '../../infra/local/redis-for-local';
import { pollJob, startStack, waitFor, type Stack } from './stack-harness';

let port: number;
let dataDir: string;
let redis: ChildProcess | null = null;
let stack: Stack;

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(() => redisAnswers('127.0.0.1', port), 10_000, 'redis-server');
}

async function stopRedis(): Promise<void> {
  const child = redis!;
  redis = null;
  child.kill('SIGKILL');
  await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null)));
}

beforeAll(async () => {
  port = await freePort();
  dataDir = await mkdtemp(join(tmpdir(), 'attune-outage-'));
  await startRedis();
  stack = await startStack({ redisUrl: `redis://127.0.0.1:${port}` });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (redis) await stopRedis();
  await rm(dataDir, { recursive: true, force: true });
});

describe('when Redis goes away and comes back', () => {
  it('answers 503 within 2 s while Redis is down, then serves again after it returns', async () => {
    expect((await stack.call('/ready')).status).toBe(200);
    await stopRedis();

    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await stack.call('/v1/generate', { method: 'POST', user: 'alice', json: { prompt: 'hello', max_tokens: 3 } });
      const elapsed = performance.now() - started;
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as Record<string, any>).error.code).toBe('unavailable');
      expect(elapsed).toBeLessThan(2000);
    }
    const readyStarted = performance.now();
    const ready = await stack.call('/ready');
    expect(ready.status).toBe(503);
    expect(performance.now() - readyStarted).toBeLessThan(2000);
    expect(((await ready.json()) as Record<string, any>).redis).toBe('unavailable');

    await startRedis();
    await waitFor(async () => (await stack.call('/ready')).status === 200, 30_000, '/ready after Redis returned');
    const res = await stack.call('/v1/generate', { method: 'POST', user: 'alice', json: { prompt: 'hello again', max_tokens: 3 } });
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    expect((await pollJob(stack, job_id, 'alice', 30_000)).status).toBe('completed');
  });
});
