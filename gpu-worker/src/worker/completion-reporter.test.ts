/**
 * @module gpu-worker/worker/completion-reporter tests: signed delivery, bounded retries with the
 * documented backoff, no retry on a client error, and log lines that never carry the report's text.
 */
import { describe, expect, it, vi } from 'vitest';
import { verifyInternalRequest } from '../../../shared/crypto/hmac';
import type { CompletionReport } from '../../../shared/jobs/generate-job';
import type { Logger } from '../runtime/logger';
import { CompletionReporter } from './completion-reporter';

const SECRET = 'k'.repeat(40);
const report: CompletionReport = {
  job_id: 'job-12345678',
  owner: 'a'.repeat(64),
  tenant: 'b'.repeat(64),
  status: 'completed',
  result: {
    text: 'SECRET OUTPUT TEXT',
    finish_reason: 'length',
    usage: { prompt_tokens: 5, completion_tokens: 3 },
    model: 'tiny',
    timings: { queued_ms: 1, first_token_ms: 2, total_ms: 3 },
  },
};

interface Call {
  url: string;
  init: RequestInit;
  at: number;
}

/** A fetch answering with `statuses` in turn (a number is an HTTP status, `'down'` a network error). */
function fakeFetch(statuses: (number | 'down')[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init!, at: Date.now() });
    const next = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    if (next === 'down') throw new TypeError('fetch failed');
    return new Response(null, { status: next });
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

describe('CompletionReporter', () => {
  it('posts the report as JSON to the job route with a signature the edge can verify', async () => {
    const { fetch, calls } = fakeFetch([204]);
    const reporter = new CompletionReporter({ edgeUrl: 'http://edge.test', secret: SECRET, fetch });
    expect(await reporter.report(report)).toBe('delivered');
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0];
    expect(url).toBe('http://edge.test/internal/jobs/job-12345678/complete');
    expect(init.method).toBe('POST');
    const headers = init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual(report);
    expect(await verifyInternalRequest(SECRET, init.body as string, headers['x-attune-signature'])).toBe(true);
    expect(await verifyInternalRequest('x'.repeat(40), init.body as string, headers['x-attune-signature'])).toBe(false);
  });

  it('retries network errors and 5xx after 0.5 s, 1 s and 2 s, then gives up', async () => {
    const { fetch, calls } = fakeFetch(['down', 503, 500, 502]);
    const logger = recordingLogger();
    const reporter = new CompletionReporter({ edgeUrl: 'http://edge.test', secret: SECRET, fetch, logger });
    expect(await reporter.report(report)).toBe('gave-up');
    expect(calls).toHaveLength(4);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at);
    [500, 1000, 2000].forEach((delay, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(delay - 5); // timers may fire a hair early
      expect(gaps[i]).toBeLessThan(delay + 400);
    });
    expect(logger.lines.at(-1)).toContain('completion report gave up');
  });

  it('stops retrying as soon as the edge accepts the report', async () => {
    const { fetch, calls } = fakeFetch([502, 200]);
    const reporter = new CompletionReporter({ edgeUrl: 'http://edge.test', secret: SECRET, fetch, retryDelaysMs: [1, 1, 1] });
    expect(await reporter.report(report)).toBe('delivered');
    expect(calls).toHaveLength(2);
  });

  it('gives up at once on a client error but retries 429', async () => {
    const rejected = fakeFetch([401]);
    const logger = recordingLogger();
    const reporter = new CompletionReporter({ edgeUrl: 'http://edge.test', secret: SECRET, fetch: rejected.fetch, logger, retryDelaysMs: [1, 1, 1] });
    expect(await reporter.report(report)).toBe('rejected');
    expect(rejected.calls).toHaveLength(1);
    expect(JSON.parse(logger.lines[0])).toMatchObject({ level: 'error', jobId: 'job-12345678', httpStatus: 401 });

    const limited = fakeFetch([429, 204]);
    const retrying = new CompletionReporter({ edgeUrl: 'http://edge.test', secret: SECRET, fetch: limited.fetch, retryDelaysMs: [1, 1, 1] });
    expect(await retrying.report(report)).toBe('delivered');
    expect(limited.calls).toHaveLength(2);
  });

  it('never throws and never logs the report text, whatever happens', async () => {
    const logger = recordingLogger();
    const broken = (async () => {
      throw new Error('socket hang up');
    }) as unknown as typeof fetch;
    const reporter = new CompletionReporter({ edgeUrl: 'http://edge.test', secret: SECRET, fetch: broken, logger, retryDelaysMs: [1, 1] });
    await expect(reporter.report(report)).resolves.toBe('gave-up');
    await expect(reporter.report({ ...report, owner: 42 } as unknown as CompletionReport)).resolves.toBe('invalid');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) expect(line).not.toContain('SECRET OUTPUT TEXT');
  });

  it('flush waits for every report in flight', async () => {
    const { fetch, calls } = fakeFetch([503, 503, 204]);
    const reporter = new CompletionReporter({ edgeUrl: 'http://edge.test', secret: SECRET, fetch, retryDelaysMs: [20, 20, 20] });
    void reporter.report(report);
    void reporter.report({ ...report, job_id: 'job-87654321' });
    await reporter.flush();
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((c) => c.url.includes('job-87654321')).length).toBeGreaterThan(0);
  });
});
