/**
 * @module gpu-worker/worker/completion-reporter
 * Tells the edge how a job ended: `POST {EDGE_URL}/internal/jobs/{job_id}/complete` with a
 * `completionReportSchema` body signed by `signInternalRequest` (`x-attune-signature`).
 *
 * When: reports are sent from the BullMQ Worker's events, not from the processor, so a report
 * only goes out once BullMQ has recorded the outcome — `completed` after the result is stored,
 * `failed` only when the job will not run again (an `UnrecoverableError`, or no attempts left).
 * A job handed back by a stopping worker (BullMQ's `WaitingError`) emits neither.
 *
 * Delivery: network errors, timeouts, 5xx, 408 and 429 are retried after 0.5 s, 1 s and 2 s
 * (four tries at most); any other 4xx is final. Failures are logged (job id and status only, never
 * the body) and never thrown, so a slow or absent edge cannot fail or stall a job; the edge can
 * still read the result from BullMQ.
 */
import type { Job, Worker } from 'bullmq';
import { signInternalRequest } from '../../../shared/crypto/hmac';
import { completionReportSchema, type CompletionReport, type GenerateJobResult } from '../../../shared/jobs/generate-job';
import { silentLogger, type Logger } from '../runtime/logger';
import { isUnrecoverable } from './generate-processor';

/** Options for {@link CompletionReporter}. */
export interface CompletionReporterOptions {
  /** Base URL of the edge, without a trailing slash (`EDGE_URL`). */
  edgeUrl: string;
  /** `INTERNAL_API_SECRET`, shared with the edge. */
  secret: string;
  /** Milliseconds to wait before each retry; its length is the number of retries. @default [500, 1000, 2000] */
  retryDelaysMs?: number[];
  /** Milliseconds one request may take before it counts as a network error. @default 5000 */
  requestTimeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default silentLogger */
  logger?: Logger;
}

/** How one delivery ended. */
export type ReportOutcome = 'delivered' | 'rejected' | 'gave-up' | 'invalid';

const RETRIABLE_4XX = new Set([408, 429]);

/** Sends completion reports to the edge with bounded retries; never throws. */
export class CompletionReporter {
  private readonly inFlight = new Set<Promise<ReportOutcome>>();
  private readonly retryDelaysMs: number[];
  private readonly requestTimeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly logger: Logger;

  constructor(private readonly options: CompletionReporterOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 1000, 2000];
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.logger = options.logger ?? silentLogger;
  }

  /** Delivers `report`; resolves with how that went (never rejects). */
  report(report: CompletionReport): Promise<ReportOutcome> {
    const delivery = this.deliver(report).catch((error: unknown) => {
      this.logger.error('completion report failed unexpectedly', { jobId: report.job_id, error: (error as Error)?.message });
      return 'gave-up' as const;
    });
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
    return delivery;
  }

  /** Waits for every report in flight (each is bounded by its retries and timeouts). */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(report: CompletionReport): Promise<ReportOutcome> {
    const parsed = completionReportSchema.safeParse(report);
    if (!parsed.success) {
      this.logger.error('completion report not sent: it does not match the schema', {
        jobId: report.job_id, fields: parsed.error.issues.map((i) => i.path.join('.')),
      });
      return 'invalid';
    }
    const body = JSON.stringify(parsed.data);
    const url = `${this.options.edgeUrl}/internal/jobs/${encodeURIComponent(report.job_id)}/complete`;
    const tries = this.retryDelaysMs.length + 1;
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      try {
        const response = await this.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-attune-signature': await signInternalRequest(this.options.secret, body) },
          body,
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
        await response.body?.cancel().catch(() => {}); // the body is not needed; free the socket
        if (response.ok) return 'delivered';
        if (response.status < 500 && !RETRIABLE_4XX.has(response.status)) {
          this.logger.error('completion report rejected by the edge', { jobId: report.job_id, status: report.status, httpStatus: response.status });
          return 'rejected';
        }
        reason = `HTTP ${response.status}`;
      } catch (error) {
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (attempt >= tries) {
        this.logger.error('completion report gave up', { jobId: report.job_id, status: report.status, tries, reason });
        return 'gave-up';
      }
      const delayMs = this.retryDelaysMs[attempt - 1];
      this.logger.warn('completion report failed, retrying', { jobId: report.job_id, attempt, delayMs, reason });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** The report for a finished job, or null when its payload lacks the ids a report needs. */
export function completionReportOf(job: Job, outcome: { result: GenerateJobResult } | { error: string }): CompletionReport | null {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const { job_id, owner, tenant } = data;
  if (typeof job_id !== 'string' || typeof owner !== 'string' || typeof tenant !== 'string') return null;
  return 'result' in outcome
    ? { job_id, owner, tenant, status: 'completed', result: outcome.result }
    : { job_id, owner, tenant, status: 'failed', error: outcome.error };
}

/** True when a `failed` event is the job's last word (no retry or stalled recovery follows). */
export function isFinalFailure(job: Job, error: Error): boolean {
  // In the `failed` event `attemptsMade` already counts the attempt that just failed.
  return isUnrecoverable(error) || job.attemptsMade >= (job.opts.attempts ?? 1) || typeof job.finishedOn === 'number';
}

/**
 * Sends a report for every job `worker` completes, and for every job that fails for good.
 *
 * @example
 * reportCompletions(worker, new CompletionReporter({ edgeUrl, secret }), logger);
 */
export function reportCompletions(worker: Worker, reporter: CompletionReporter, logger: Logger = silentLogger): void {
  const send = (job: Job, outcome: { result: GenerateJobResult } | { error: string }) => {
    const report = completionReportOf(job, outcome);
    if (report) void reporter.report(report);
    else logger.warn('no completion report: the payload lacks job_id, owner or tenant', { jobId: job.id });
  };
  worker.on('completed', (job, result: GenerateJobResult) => send(job, { result }));
  worker.on('failed', (job, error) => {
    if (!job) return; // removed by removeOnFail before the event: nothing to report on
    if (isFinalFailure(job, error)) send(job, { error: error.message });
  });
}
