/**
 * @module gpu-worker/worker/config
 * The worker process's configuration: one typed object parsed from the environment at start-up,
 * with every default in {@link WORKER_CONFIG_DEFAULTS} and errors that name the variable.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExecutionProviders, type ExecutionProviderName } from '../runtime/execution-provider';

/** The model served when `ATTUNE_MODEL_DIR` is not set: the trained default model committed with the code. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../models/default', import.meta.url));

/** Settings of one worker process. */
export interface WorkerConfig {
  /** Redis holding the BullMQ queues and token streams (`REDIS_URL`, `redis://` or `rediss://`). */
  redisUrl: string;
  /**
   * Model directory, Hugging Face layout (compiled on first use) or compiled (`ATTUNE_MODEL_DIR`).
   * @default the committed default model, gpu-worker/models/default
   */
  modelDir: string;
  /** Base URL of the edge, where completion reports are posted (`EDGE_URL`). @default http://127.0.0.1:8787 */
  edgeUrl: string;
  /** Shared secret signing worker → edge requests, at least 32 characters (`INTERNAL_API_SECRET`). */
  internalApiSecret: string;
  /** Jobs run at once; also the engine's largest batch (`WORKER_CONCURRENCY`, 1..256). @default 16 */
  concurrency: number;
  /** Execution providers tried in order (`ATTUNE_EXECUTION_PROVIDERS`). @default ['cuda', 'cpu'] */
  executionProviders: ExecutionProviderName[];
  /** Name of this worker in heartbeats and logs (`WORKER_ID`). @default `<hostname>-<pid>` */
  workerId: string;
  /** Milliseconds between heartbeats (`HEARTBEAT_INTERVAL_MS`, 100..60000). @default 5000 */
  heartbeatIntervalMs: number;
  /** Milliseconds a shutdown waits for running jobs before handing them back (`DRAIN_TIMEOUT_MS`, 0..86400000). @default 30000 */
  drainTimeoutMs: number;
  /** Milliseconds one job may run on this worker before it fails (`JOB_TIMEOUT_MS`, 1..86400000). @default 300000 */
  jobTimeoutMs: number;
  /** Days finished jobs may stay in Redis before the retention sweep removes them (`RETENTION_DAYS`, 1..3650). @default 365 */
  retentionDays: number;
  /** Milliseconds between retention sweeps (`RETENTION_SWEEP_INTERVAL_MS`, 60000..86400000). @default 3600000 */
  retentionSweepIntervalMs: number;
  /**
   * Keys sealing users' adapters in Redis (`ADAPTER_ENCRYPTION_KEY`): `kid:base64url(32 bytes)`,
   * comma-separated, current first; older entries still open versions sealed before a rotation.
   */
  adapterEncryptionKey: string;
  /** Adapter versions kept per user, for rollback (`ADAPTER_VERSIONS_KEPT`, 1..20). @default 3 */
  adapterVersionsKept: number;
}

/** Defaults of the optional variables, in one place. */
export const WORKER_CONFIG_DEFAULTS = {
  edgeUrl: 'http://127.0.0.1:8787',
  concurrency: 16,
  executionProviders: 'cuda,cpu',
  heartbeatIntervalMs: 5_000,
  drainTimeoutMs: 30_000,
  jobTimeoutMs: 300_000,
  retentionDays: 365,
  retentionSweepIntervalMs: 3_600_000,
  adapterVersionsKept: 3,
} as const;

/** Shortest accepted `INTERNAL_API_SECRET` (256 bits of hex or 32 random characters). */
export const MIN_INTERNAL_SECRET_LENGTH = 32;

/** A configuration mistake; `variable` names the environment variable at fault. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function required(env: Env, name: string): string {
  const v = value(env, name);
  if (v === undefined) throw new WorkerConfigError(name, 'is required');
  return v;
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string {
  const raw = fallback === undefined ? required(env, name) : (value(env, name) ?? fallback);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new WorkerConfigError(name, `must be a URL (${protocols.join(' or ')}), got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new WorkerConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function integer(env: Env, name: string, min: number, max: number, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new WorkerConfigError(name, `must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return n;
}

/** Checks a keyring secret's shape (`kid:base64url(32 bytes)`, comma-separated) without echoing key material. */
function keyring(env: Env, name: string): string {
  const raw = required(env, name);
  const seen = new Set<string>();
  for (const entry of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+={0,2})$/.exec(entry);
    if (!match) throw new WorkerConfigError(name, 'entries must look like kid:base64url-key (comma-separated, current first)');
    const [, kid, encoded] = match;
    const bytes = Buffer.from(encoded, 'base64url').length;
    if (bytes !== 32) throw new WorkerConfigError(name, `entry ${kid} must be 32 bytes (AES-256), got ${bytes}`);
    if (seen.has(kid)) throw new WorkerConfigError(name, `lists key id ${kid} twice`);
    seen.add(kid);
  }
  if (seen.size === 0) throw new WorkerConfigError(name, 'is required');
  return raw;
}

/**
 * Reads the worker's configuration from `env`.
 *
 * @throws WorkerConfigError naming the variable, e.g. `"REDIS_URL is required"`.
 * @example
 * const config = parseWorkerConfig({ REDIS_URL: 'redis://127.0.0.1:6379', ATTUNE_MODEL_DIR: 'models/tiny',
 *   INTERNAL_API_SECRET: 'x'.repeat(32), ADAPTER_ENCRYPTION_KEY: 'k1:' + base64url(32 random bytes) });
 * config.concurrency; // 16
 */
export function parseWorkerConfig(env: Env = process.env): WorkerConfig {
  const redisUrl = url(env, 'REDIS_URL', ['redis', 'rediss']);
  const modelDir = value(env, 'ATTUNE_MODEL_DIR') ?? (existsSync(join(DEFAULT_MODEL_DIR, 'config.json')) ? DEFAULT_MODEL_DIR : required(env, 'ATTUNE_MODEL_DIR'));
  const edgeUrl = url(env, 'EDGE_URL', ['http', 'https'], WORKER_CONFIG_DEFAULTS.edgeUrl).replace(/\/+$/, '');
  const internalApiSecret = required(env, 'INTERNAL_API_SECRET');
  if (internalApiSecret.length < MIN_INTERNAL_SECRET_LENGTH) {
    throw new WorkerConfigError('INTERNAL_API_SECRET', `must be at least ${MIN_INTERNAL_SECRET_LENGTH} characters, got ${internalApiSecret.length}`);
  }
  const concurrency = integer(env, 'WORKER_CONCURRENCY', 1, 256, WORKER_CONFIG_DEFAULTS.concurrency);
  let executionProviders: ExecutionProviderName[];
  try {
    executionProviders = parseExecutionProviders(value(env, 'ATTUNE_EXECUTION_PROVIDERS') ?? WORKER_CONFIG_DEFAULTS.executionProviders);
  } catch (error) {
    throw new WorkerConfigError('ATTUNE_EXECUTION_PROVIDERS', `is invalid: ${(error as Error).message}`);
  }
  const day = 86_400_000;
  return {
    redisUrl,
    modelDir,
    edgeUrl,
    internalApiSecret,
    concurrency,
    executionProviders,
    workerId: value(env, 'WORKER_ID') ?? `${hostname()}-${process.pid}`,
    // Beats older than the 10-minute window are trimmed, so the interval must stay well inside it.
    heartbeatIntervalMs: integer(env, 'HEARTBEAT_INTERVAL_MS', 100, 60_000, WORKER_CONFIG_DEFAULTS.heartbeatIntervalMs),
    drainTimeoutMs: integer(env, 'DRAIN_TIMEOUT_MS', 0, day, WORKER_CONFIG_DEFAULTS.drainTimeoutMs),
    jobTimeoutMs: integer(env, 'JOB_TIMEOUT_MS', 1, day, WORKER_CONFIG_DEFAULTS.jobTimeoutMs),
    retentionDays: integer(env, 'RETENTION_DAYS', 1, 3650, WORKER_CONFIG_DEFAULTS.retentionDays),
    retentionSweepIntervalMs: integer(env, 'RETENTION_SWEEP_INTERVAL_MS', 60_000, 86_400_000, WORKER_CONFIG_DEFAULTS.retentionSweepIntervalMs),
    adapterEncryptionKey: keyring(env, 'ADAPTER_ENCRYPTION_KEY'),
    adapterVersionsKept: integer(env, 'ADAPTER_VERSIONS_KEPT', 1, 20, WORKER_CONFIG_DEFAULTS.adapterVersionsKept),
  };
}
