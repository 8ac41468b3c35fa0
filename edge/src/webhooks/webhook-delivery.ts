/**
 * @module edge/webhooks/webhook-delivery
 * The `WebhookDelivery` Durable Object: one instance per job (`idFromName(jobId)`) that holds the
 * webhook target from enqueue time — the URL never travels through Redis or the GPU worker — and
 * delivers the job's result signed per Standard Webhooks, retrying on the spec's schedule with
 * Durable Object alarms so retries survive restarts and evictions.
 *
 * Storage (SQLite-backed, key-value API): `record` (target and delivery status, kept after the end)
 * and `payload` (body and signing secret, deleted once the delivery reaches a final state).
 * The payload is never logged.
 */
import { DurableObject } from 'cloudflare:workers';
import { MAX_ATTEMPTS, cryptoRandom, nextRetryDelayMs, shouldStopRetrying } from './retry-schedule';
import { signWebhook } from './signing';
import { checkWebhookUrl, type WebhookUrlPolicyOptions } from './url-policy';
import { webhookPolicyOptions } from './webhook-config';

/** Bindings the object reads. */
export interface WebhookDeliveryEnv {
  /** `'true'` lets `http://127.0.0.1` and `http://[::1]` receive webhooks (development, tests). */
  ALLOW_HTTP_LOOPBACK_WEBHOOKS?: string;
  /** DNS-over-HTTPS JSON endpoint for the URL policy. @default 'https://cloudflare-dns.com/dns-query' */
  WEBHOOK_DOH_URL?: string;
  /** `'true'` enables the test-only RPC methods; never set in production. */
  WEBHOOK_TEST_HOOKS?: string;
}

/** Where a delivery stands. `pending` covers "registered, waiting for the result" and "retrying". */
export type WebhookDeliveryState = 'pending' | 'delivered' | 'gone' | 'failed' | 'unregistered';

/** What {@link WebhookDelivery.status} reports. */
export interface WebhookDeliveryStatus {
  state: WebhookDeliveryState;
  /** Attempts made so far (requests sent, or refused by the URL policy). */
  attempts: number;
  /** HTTP status of the last answer; `null` before the first or after a network error. */
  lastStatus: number | null;
  /** When the next retry is due, in ms since the epoch; `null` when none is scheduled. */
  nextAttemptAt: number | null;
  /** Why the last attempt failed, without the payload; `null` when it did not. */
  lastError: string | null;
}

/** Input of {@link WebhookDelivery.register}. */
export interface RegisterWebhookInput {
  jobId: string;
  url: string;
  tenantKey: string;
}

/** Input of {@link WebhookDelivery.deliver}. */
export interface DeliverWebhookInput {
  jobId: string;
  /** The result to send; serialized once to JSON so every attempt sends the same bytes. */
  payload: unknown;
  /** The tenant's `whsec_…` signing secret (see `deriveTenantWebhookSecret`). */
  secret: string;
}

interface DeliveryRecord {
  jobId: string;
  url: string;
  state: Exclude<WebhookDeliveryState, 'unregistered'>;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  /** Whether `deliver` has stored a payload that still awaits a final state. */
  hasPayload: boolean;
}

interface StoredPayload {
  body: string;
  secret: string;
}

const RECORD_KEY = 'record';
const PAYLOAD_KEY = 'payload';
/** Per-request deadline. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Longest an attempt can take (3 s DNS + 10 s request) plus slack, for the safety-net alarm. */
const ATTEMPT_DEADLINE_MS = 15_000;

function requireString(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new TypeError(`${name} must be a non-empty string of at most ${max} characters`);
  return value;
}

/**
 * Durable, signed delivery of one job's webhook. RPC: {@link register} at enqueue time,
 * {@link deliver} when the result is ready, {@link status} at any time; {@link alarm} runs retries.
 */
export class WebhookDelivery extends DurableObject<WebhookDeliveryEnv> {
  private record: DeliveryRecord | null = null;
  private attempting = false;
  private readonly policy: WebhookUrlPolicyOptions;
  private readonly random: () => number = cryptoRandom;

  constructor(ctx: DurableObjectState, env: WebhookDeliveryEnv) {
    super(ctx, env);
    this.policy = webhookPolicyOptions(env); // one policy, applied at registration and before every attempt
    void ctx.blockConcurrencyWhile(async () => {
      this.record = (await ctx.storage.get<DeliveryRecord>(RECORD_KEY)) ?? null;
    });
  }

  /**
   * Records where the job's result goes, after checking the URL policy. Registering again with the
   * same job and URL is a no-op; changing the target once a result has arrived is refused.
   * `tenantKey` is only checked for presence: the secret arrives with {@link deliver}.
   */
  async register(input: RegisterWebhookInput): Promise<{ ok: true } | { ok: false; reason: string }> {
    const jobId = requireString(input?.jobId, 'jobId', 256);
    const url = requireString(input?.url, 'url', 2048);
    requireString(input?.tenantKey, 'tenantKey', 256);
    const check = await checkWebhookUrl(url, this.policy);
    if (!check.ok) return { ok: false, reason: check.reason };
    const current = this.record;
    if (current && (current.jobId !== jobId || current.hasPayload || current.state !== 'pending')) {
      if (current.jobId === jobId && current.url === check.url.href) return { ok: true };
      return { ok: false, reason: 'a webhook for this job is already registered and in delivery' };
    }
    this.record = { jobId, url: check.url.href, state: 'pending', attempts: 0, lastStatus: null, lastError: null, nextAttemptAt: null, hasPayload: false };
    await this.ctx.storage.put(RECORD_KEY, this.record);
    return { ok: true };
  }

  /**
   * Stores the result and makes the first attempt at once; later attempts run from {@link alarm}.
   * Idempotent: once a result is stored, calling again changes nothing. Without a registration
   * nothing is stored and the status says `unregistered`.
   */
  async deliver(input: DeliverWebhookInput): Promise<WebhookDeliveryStatus> {
    const record = this.record;
    if (!record) return this.status();
    if (input?.jobId !== record.jobId) throw new Error('jobId does not match the registered job');
    if (record.hasPayload || record.state !== 'pending') return this.status();
    const secret = requireString(input.secret, 'secret', 1024);
    try {
      signWebhook(secret, 'msg_check', new Date(), '');
    } catch {
      throw new TypeError('secret must be a whsec_ secret with a base64 key');
    }
    const body = JSON.stringify(input.payload ?? null);
    record.hasPayload = true; // set before any await: a concurrent deliver() sees it
    await this.ctx.storage.put<unknown>({ [PAYLOAD_KEY]: { body, secret } satisfies StoredPayload, [RECORD_KEY]: record });
    await this.attempt();
    return this.status();
  }

  /** The delivery's state, attempts, last HTTP status and next retry time. */
  status(): WebhookDeliveryStatus {
    const r = this.record;
    if (!r) return { state: 'unregistered', attempts: 0, lastStatus: null, nextAttemptAt: null, lastError: null };
    return { state: r.state, attempts: r.attempts, lastStatus: r.lastStatus, nextAttemptAt: r.nextAttemptAt, lastError: r.lastError };
  }

  /** Runs the scheduled retry. Never throws for a failed delivery, so the runtime does not re-run it. */
  override async alarm(): Promise<void> {
    await this.attempt();
  }

  /** Test only (`WEBHOOK_TEST_HOOKS=true`): runs the pending retry now instead of at its time. */
  async runAlarmNow(): Promise<WebhookDeliveryStatus> {
    this.requireTestHooks();
    await this.ctx.storage.deleteAlarm();
    await this.alarm();
    return this.status();
  }

  /** Test only (`WEBHOOK_TEST_HOOKS=true`): the storage keys held, and the alarm time. */
  async inspectStorageForTest(): Promise<{ keys: string[]; alarm: number | null }> {
    this.requireTestHooks();
    const keys = [...(await this.ctx.storage.list()).keys()];
    return { keys, alarm: await this.ctx.storage.getAlarm() };
  }

  private requireTestHooks(): void {
    if (this.env.WEBHOOK_TEST_HOOKS !== 'true') throw new Error('test hooks are disabled (WEBHOOK_TEST_HOOKS is not "true")');
  }

  /** One attempt, then the next state: delivered, gone, failed, or pending with an alarm set. */
  private async attempt(): Promise<void> {
    const record = this.record;
    if (!record || record.state !== 'pending' || !record.hasPayload || this.attempting) return;
    this.attempting = true;
    try {
      const stored = await this.ctx.storage.get<StoredPayload>(PAYLOAD_KEY);
      if (!stored || record.attempts >= MAX_ATTEMPTS) {
        // Only after an eviction in the middle of the last attempt (or lost storage): give up.
        return await this.finish(record, 'failed', stored ? 'interrupted during the last attempt' : 'payload missing');
      }
      record.attempts += 1;
      const delay = nextRetryDelayMs(record.attempts, this.random);
      // Safety net: if this instance is evicted mid-attempt, the alarm still brings it back.
      record.nextAttemptAt = Date.now() + ATTEMPT_DEADLINE_MS + (delay ?? 0);
      await this.ctx.storage.put(RECORD_KEY, record);
      await this.ctx.storage.setAlarm(record.nextAttemptAt);

      const { status, error } = await this.send(record, stored);
      record.lastStatus = status;
      record.lastError = error;
      if (status !== null && shouldStopRetrying(status)) return await this.finish(record, status === 410 ? 'gone' : 'delivered', error);
      if (delay === null) return await this.finish(record, 'failed', error);
      record.nextAttemptAt = Date.now() + delay;
      await this.ctx.storage.put(RECORD_KEY, record);
      await this.ctx.storage.setAlarm(record.nextAttemptAt);
    } finally {
      this.attempting = false;
    }
  }

  /** Sends one signed POST: same msgId every time, fresh timestamp and signature per attempt. */
  private async send(record: DeliveryRecord, stored: StoredPayload): Promise<{ status: number | null; error: string | null }> {
    // DNS may have changed since registration: check again right before sending.
    const check = await checkWebhookUrl(record.url, this.policy);
    if (!check.ok) return { status: null, error: check.reason };
    try {
      const response = await fetch(check.url.href, {
        method: 'POST',
        body: stored.body,
        headers: signWebhook(stored.secret, `msg_${record.jobId}`, new Date(), stored.body),
        redirect: 'manual', // a redirect could lead anywhere the policy would refuse
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return { status: response.status, error: response.ok ? null : `receiver answered HTTP ${response.status}` };
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      return { status: null, error: timedOut ? `receiver did not answer within ${REQUEST_TIMEOUT_MS / 1000} s` : `request failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Final state: keep the status row, drop the payload and secret, cancel any alarm. */
  private async finish(record: DeliveryRecord, state: 'delivered' | 'gone' | 'failed', error: string | null): Promise<void> {
    record.state = state;
    record.lastError = error;
    record.nextAttemptAt = null;
    record.hasPayload = false;
    await this.ctx.storage.delete(PAYLOAD_KEY);
    await this.ctx.storage.put(RECORD_KEY, record);
    await this.ctx.storage.deleteAlarm();
    if (state !== 'delivered') console.warn(JSON.stringify({ event: 'webhook_delivery_ended', msgId: `msg_${record.jobId}`, state, attempts: record.attempts, lastStatus: record.lastStatus }));
  }
}
