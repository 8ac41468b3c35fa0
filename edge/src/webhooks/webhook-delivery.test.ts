/**
 * @module edge/webhooks/webhook-delivery.test
 * Runs the `WebhookDelivery` Durable Object in real workerd through Miniflare: the class is bundled
 * with esbuild into a tiny worker that forwards RPC calls arriving over fetch, and a `node:http`
 * receiver on 127.0.0.1 plays the tenant's endpoint. Retries are run early with the test-only
 * `runAlarmNow()` RPC, except one test that waits for the real alarm.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveTenantWebhookSecret } from './signing';

interface Status {
  state: string;
  attempts: number;
  lastStatus: number | null;
  nextAttemptAt: number | null;
  lastError: string | null;
}

interface Received {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

const MODULE = fileURLToPath(new URL('./webhook-delivery.ts', import.meta.url));

const TEST_WORKER = `
export { WebhookDelivery } from ${JSON.stringify(MODULE)};
export default {
  async fetch(request, env) {
    const { jobId, method, input } = await request.json();
    const stub = env.WEBHOOKS.get(env.WEBHOOKS.idFromName(jobId));
    try {
      return Response.json({ result: (await stub[method](input)) ?? null });
    } catch (err) {
      return Response.json({ error: String(err && err.message ? err.message : err) }, { status: 500 });
    }
  },
};`;

/** Bundles the Durable Object and the RPC-forwarding worker into one ESM file for workerd. */
async function bundleWorker(dir: string): Promise<string> {
  const outfile = join(dir, 'worker.mjs');
  await build({
    stdin: { contents: TEST_WORKER, resolveDir: dirname(MODULE), sourcefile: 'test-worker.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:workers'],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

function startMiniflare(scriptPath: string, testHooks: boolean): Miniflare {
  return new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath), // module names are relative to this; the bundle lives in a temp dir
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
    durableObjects: { WEBHOOKS: { className: 'WebhookDelivery', useSQLite: true } },
    bindings: {
      ALLOW_HTTP_LOOPBACK_WEBHOOKS: 'true',
      WEBHOOK_DOH_URL: `${base}/dns-query`, // the fake DoH endpoint below: no DNS leaves the machine
      ...(testHooks ? { WEBHOOK_TEST_HOOKS: 'true' } : {}),
    },
    handleStructuredLogs: (entry: { message: string }) => {
      logs.push(entry.message);
    },
  });
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

let mf: Miniflare;
let workDir: string;
let scriptPath: string;
let receiver: Server;
let base: string;
const received: Received[] = [];
/** Everything the worker logged. */
const logs: string[] = [];
/** Put in every payload, so the log check can look for it. */
const MARKER = 'private-result-text-7f3a';
/** What the fake DoH endpoint answers, per name. */
const dnsRecords = new Map<string, string[]>();
/** Status codes each path answers, in turn; the last one repeats. */
const scripts = new Map<string, number[]>();
const secret = await deriveTenantWebhookSecret('test-master-key', 'tenant-a');

async function rpc<T>(mfInstance: Miniflare, jobId: string, method: string, input?: unknown): Promise<T> {
  const response = await mfInstance.dispatchFetch('http://edge.test/rpc', { method: 'POST', body: JSON.stringify({ jobId, method, input }) });
  const json = (await response.json()) as { result?: T; error?: string };
  if (json.error !== undefined) throw new Error(json.error);
  return json.result as T;
}
const call = <T>(jobId: string, method: string, input?: unknown) => rpc<T>(mf, jobId, method, input);

/** A receiver path answering `statuses` in turn, and the requests it got. */
function endpoint(name: string, statuses: number[]) {
  const path = `/${name}`;
  scripts.set(path, [...statuses]);
  return { url: `${base}${path}`, requests: () => received.filter((r) => r.path === path) };
}

async function registerAndDeliver(jobId: string, url: string, payload: unknown): Promise<Status> {
  expect(await call(jobId, 'register', { jobId, url, tenantKey: 'tenant-a' })).toEqual({ ok: true });
  return call<Status>(jobId, 'deliver', { jobId, payload, secret });
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/dns-query') {
        const query = new URL(req.url ?? '/', base).searchParams;
        const type = query.get('type') === 'AAAA' ? 28 : 1;
        const answer = (dnsRecords.get(query.get('name') ?? '') ?? []).filter((a) => (type === 28) === a.includes(':'));
        res.writeHead(200, { 'content-type': 'application/dns-json' });
        res.end(JSON.stringify({ Status: 0, Answer: answer.map((data) => ({ name: query.get('name'), type, TTL: 60, data })) }));
        return;
      }
      received.push({ path, method: req.method ?? '', headers: flatten(req.headers), body: Buffer.concat(chunks).toString('utf8') });
      const queue = scripts.get(path) ?? [404];
      const status = queue.length > 1 ? queue.shift()! : queue[0];
      res.writeHead(status, status === 302 ? { location: `${base}/redirect-target` } : {});
      res.end(status === 302 ? '' : 'ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  workDir = await mkdtemp(join(tmpdir(), 'attune-webhooks-'));
  scriptPath = await bundleWorker(workDir);
  mf = startMiniflare(scriptPath, true);
  await mf.ready;
});

afterAll(async () => {
  await mf?.dispose();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('WebhookDelivery in workerd', () => {
  it('signs the first attempt per Standard Webhooks, schedules a retry in about 5 s, and delivers on the third attempt', async () => {
    const target = endpoint('flaky', [500, 500, 200]);
    const payload = { type: 'job.completed', data: { job_id: 'job-flaky', text: `héllo ${MARKER}` } };
    const before = Date.now();
    const first = await registerAndDeliver('job-flaky', target.url, payload);
    const after = Date.now();

    expect(target.requests()).toHaveLength(1);
    const [request] = target.requests();
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toBe('msg_job-flaky');
    expect(new Webhook(secret).verify(request.body, request.headers)).toEqual(payload);

    expect(first).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, lastError: 'receiver answered HTTP 500' });
    expect(first.nextAttemptAt).toBeGreaterThanOrEqual(before + 4000);
    expect(first.nextAttemptAt).toBeLessThanOrEqual(after + 6000);
    const stored = await call<{ keys: string[]; alarm: number | null }>('job-flaky', 'inspectStorageForTest');
    expect(stored).toEqual({ keys: ['payload', 'record'], alarm: first.nextAttemptAt });

    expect(await call<Status>('job-flaky', 'runAlarmNow')).toMatchObject({ state: 'pending', attempts: 2, lastStatus: 500 });
    const done = await call<Status>('job-flaky', 'runAlarmNow');
    expect(done).toEqual({ state: 'delivered', attempts: 3, lastStatus: 200, nextAttemptAt: null, lastError: null });

    const requests = target.requests();
    expect(requests).toHaveLength(3);
    for (const r of requests) {
      expect(r.headers['webhook-id']).toBe('msg_job-flaky');
      expect(r.body).toBe(request.body);
      expect(new Webhook(secret).verify(r.body, r.headers)).toEqual(payload);
    }
  });

  it('keeps only the status row once delivered, and sends nothing more', async () => {
    expect(await call('job-flaky', 'inspectStorageForTest')).toEqual({ keys: ['record'], alarm: null });
    const sent = received.length;
    expect(await call<Status>('job-flaky', 'runAlarmNow')).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(await call<Status>('job-flaky', 'deliver', { jobId: 'job-flaky', payload: { again: true }, secret })).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(received.length).toBe(sent);
  });

  it('stops after one attempt and marks the endpoint gone on 410', async () => {
    const target = endpoint('gone', [410]);
    expect(await registerAndDeliver('job-gone', target.url, { text: MARKER })).toEqual({ state: 'gone', attempts: 1, lastStatus: 410, nextAttemptAt: null, lastError: 'receiver answered HTTP 410' });
    expect(await call('job-gone', 'inspectStorageForTest')).toEqual({ keys: ['record'], alarm: null });
    expect(target.requests()).toHaveLength(1);
  });

  it('does not follow a 302 redirect and schedules a retry instead', async () => {
    const target = endpoint('redirect', [302]);
    const status = await registerAndDeliver('job-redirect', target.url, { ok: true });
    expect(status).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 302 });
    expect(target.requests()).toHaveLength(1);
    expect(received.filter((r) => r.path === '/redirect-target')).toHaveLength(0);
  });

  it('treats a refused connection as a failed attempt and schedules a retry', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const status = await registerAndDeliver('job-refused', `http://127.0.0.1:${port}/hook`, { ok: true });
    expect(status).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
    expect(status.lastError).toMatch(/^request failed: /);
    expect(status.nextAttemptAt).not.toBeNull();
  });

  it('gives up as failed after the first attempt and seven retries', async () => {
    const target = endpoint('always-500', [500]);
    let status = await registerAndDeliver('job-failing', target.url, { text: MARKER });
    for (let retry = 1; retry <= 7; retry++) status = await call<Status>('job-failing', 'runAlarmNow');
    expect(status).toEqual({ state: 'failed', attempts: 8, lastStatus: 500, nextAttemptAt: null, lastError: 'receiver answered HTTP 500' });
    expect(target.requests()).toHaveLength(8);
    expect(await call('job-failing', 'inspectStorageForTest')).toEqual({ keys: ['record'], alarm: null });
  });

  it('runs the retry from the real alarm when it comes due', async () => {
    const target = endpoint('alarm', [503, 200]);
    expect(await registerAndDeliver('job-alarm', target.url, { ok: true })).toMatchObject({ state: 'pending', attempts: 1 });
    const deadline = Date.now() + 15_000;
    while (target.requests().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(target.requests()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(await call<Status>('job-alarm', 'status')).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200 });
  }, 30_000);

  it('sends nothing and reports unregistered when no webhook was registered', async () => {
    const sent = received.length;
    expect(await call('job-none', 'deliver', { jobId: 'job-none', payload: { ok: true }, secret })).toEqual({
      state: 'unregistered', attempts: 0, lastStatus: null, nextAttemptAt: null, lastError: null,
    });
    expect(received.length).toBe(sent);
  });

  it('sends once when the result is delivered twice', async () => {
    const target = endpoint('twice', [200]);
    await registerAndDeliver('job-twice', target.url, { n: 1 });
    expect(await call<Status>('job-twice', 'deliver', { jobId: 'job-twice', payload: { n: 2 }, secret })).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(target.requests()).toHaveLength(1);
  });

  it('refuses to register private targets, seeing hex and decimal IPv4 as workerd’s URL parser normalizes them', async () => {
    const register = (url: string) => call('job-policy', 'register', { jobId: 'job-policy', url, tenantKey: 'tenant-a' });
    expect(await register('https://0x0a.0.0.1/hook')).toEqual({ ok: false, reason: 'webhook_url points to 10.0.0.1, a private address' });
    expect(await register('https://169.254.169.254/latest/meta-data/')).toEqual({ ok: false, reason: 'webhook_url points to 169.254.169.254, a link-local address (cloud metadata lives here)' });
    expect(await register('http://10.0.0.1/hook')).toEqual({ ok: false, reason: 'webhook_url must use https, not http' });
    expect(await register('https://user:pw@8.8.8.8/')).toEqual({ ok: false, reason: 'webhook_url must not contain credentials (user:pass@)' });
    expect(await register(`http://2130706433:${new URL(base).port}/x`)).toEqual({ ok: true });
    expect(await call('job-policy', 'status')).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('checks the URL policy again before each attempt, through the DoH endpoint from WEBHOOK_DOH_URL', async () => {
    dnsRecords.set('hooks.rebind.test', ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    const register = await call('job-rebind', 'register', { jobId: 'job-rebind', url: 'https://hooks.rebind.test/attune', tenantKey: 'tenant-a' });
    expect(register).toEqual({ ok: true });
    dnsRecords.set('hooks.rebind.test', ['93.184.215.14', '10.0.0.5']);
    const status = await call<Status>('job-rebind', 'deliver', { jobId: 'job-rebind', payload: { text: MARKER }, secret });
    expect(status).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'webhook_url resolves to 10.0.0.5, a private address' });
    expect(status.nextAttemptAt).not.toBeNull();
  });

  it('rejects a result whose job id does not match the registration', async () => {
    const target = endpoint('mismatch', [200]);
    await call('job-mismatch', 'register', { jobId: 'job-mismatch', url: target.url, tenantKey: 'tenant-a' });
    await expect(call('job-mismatch', 'deliver', { jobId: 'other-job', payload: {}, secret })).rejects.toThrow('jobId does not match the registered job');
    expect(target.requests()).toHaveLength(0);
  });

  it('logs how deliveries ended but never the payload or the secret', () => {
    const all = logs.join('\n');
    expect(all).toContain('"event":"webhook_delivery_ended","msgId":"msg_job-gone","state":"gone"');
    expect(all).toContain('"msgId":"msg_job-failing","state":"failed","attempts":8');
    expect(all).not.toContain(MARKER);
    expect(all).not.toContain(secret.slice('whsec_'.length));
  });

  it('refuses the test hooks unless WEBHOOK_TEST_HOOKS is "true"', async () => {
    const production = startMiniflare(scriptPath, false);
    try {
      await expect(rpc(production, 'job-hooks', 'runAlarmNow')).rejects.toThrow('test hooks are disabled');
      await expect(rpc(production, 'job-hooks', 'inspectStorageForTest')).rejects.toThrow('test hooks are disabled');
    } finally {
      await production.dispose();
    }
  });
});
