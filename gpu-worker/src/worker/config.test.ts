/**
 * @module gpu-worker/worker/config tests: defaults, and errors that name the variable at fault.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, parseWorkerConfig, WorkerConfigError } from './config';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379/9',
  ATTUNE_MODEL_DIR: '/models/tiny',
  INTERNAL_API_SECRET: 's'.repeat(32),
  ADAPTER_ENCRYPTION_KEY: `a1:${Buffer.alloc(32, 1).toString('base64url')}`,
};

function errorOf(env: Record<string, string | undefined>): WorkerConfigError {
  try {
    parseWorkerConfig(env);
  } catch (error) {
    if (error instanceof WorkerConfigError) return error;
    throw error;
  }
  throw new Error('expected a WorkerConfigError');
}

describe('parseWorkerConfig', () => {
  it('fills in the documented defaults when only the required variables are set', () => {
    const config = parseWorkerConfig(base);
    expect(config).toMatchObject({
      redisUrl: base.REDIS_URL,
      modelDir: '/models/tiny',
      edgeUrl: 'http://127.0.0.1:8787',
      concurrency: 16,
      executionProviders: ['cuda', 'cpu'],
      heartbeatIntervalMs: 5000,
      drainTimeoutMs: 30000,
      jobTimeoutMs: 300000,
      adapterEncryptionKey: base.ADAPTER_ENCRYPTION_KEY,
      adapterVersionsKept: 3,
    });
    expect(config.workerId).toMatch(new RegExp(`-${process.pid}$`));
  });

  it('reads every optional variable and drops a trailing slash from EDGE_URL', () => {
    const config = parseWorkerConfig({
      ...base, EDGE_URL: 'https://edge.example/', WORKER_CONCURRENCY: '64', ATTUNE_EXECUTION_PROVIDERS: 'cpu',
      WORKER_ID: 'gpu-7', HEARTBEAT_INTERVAL_MS: '1000', DRAIN_TIMEOUT_MS: '0', JOB_TIMEOUT_MS: '5000',
    });
    expect(config).toMatchObject({
      edgeUrl: 'https://edge.example', concurrency: 64, executionProviders: ['cpu'], workerId: 'gpu-7',
      heartbeatIntervalMs: 1000, drainTimeoutMs: 0, jobTimeoutMs: 5000,
    });
  });

  it('names each missing required variable', () => {
    expect(errorOf({ ...base, REDIS_URL: undefined }).message).toBe('REDIS_URL is required');
    // Unset or blank: the committed default model.
    expect(parseWorkerConfig({ ...base, ATTUNE_MODEL_DIR: ' ' }).modelDir).toBe(DEFAULT_MODEL_DIR);
    expect(DEFAULT_MODEL_DIR).toMatch(/gpu-worker[\\/]models[\\/]default$/);
    expect(errorOf({ ...base, INTERNAL_API_SECRET: undefined }).variable).toBe('INTERNAL_API_SECRET');
  });

  it('rejects a short secret without echoing it', () => {
    const error = errorOf({ ...base, INTERNAL_API_SECRET: 'short-secret' });
    expect(error.message).toBe('INTERNAL_API_SECRET must be at least 32 characters, got 12');
    expect(error.message).not.toContain('short-secret');
  });

  it('rejects URLs of the wrong kind', () => {
    expect(errorOf({ ...base, REDIS_URL: 'http://127.0.0.1:6379' }).message).toBe('REDIS_URL must use redis or rediss, got "http:"');
    expect(errorOf({ ...base, EDGE_URL: 'not a url' }).variable).toBe('EDGE_URL');
  });

  it('rejects concurrency outside 1..256 and non-integers', () => {
    expect(errorOf({ ...base, WORKER_CONCURRENCY: '0' }).message).toBe('WORKER_CONCURRENCY must be an integer in 1..256, got "0"');
    expect(errorOf({ ...base, WORKER_CONCURRENCY: '257' }).variable).toBe('WORKER_CONCURRENCY');
    expect(errorOf({ ...base, JOB_TIMEOUT_MS: '1.5' }).variable).toBe('JOB_TIMEOUT_MS');
    expect(errorOf({ ...base, DRAIN_TIMEOUT_MS: '-1' }).variable).toBe('DRAIN_TIMEOUT_MS');
    expect(errorOf({ ...base, HEARTBEAT_INTERVAL_MS: '600001' }).variable).toBe('HEARTBEAT_INTERVAL_MS');
  });

  it('requires ADAPTER_ENCRYPTION_KEY as a keyring of 32-byte keys and names it without echoing key material', () => {
    expect(errorOf({ ...base, ADAPTER_ENCRYPTION_KEY: undefined }).message).toBe('ADAPTER_ENCRYPTION_KEY is required');
    const short = `a1:${Buffer.alloc(16, 1).toString('base64url')}`;
    const error = errorOf({ ...base, ADAPTER_ENCRYPTION_KEY: short });
    expect(error.message).toBe('ADAPTER_ENCRYPTION_KEY entry a1 must be 32 bytes (AES-256), got 16');
    expect(error.message).not.toContain(short.slice(3));
    expect(errorOf({ ...base, ADAPTER_ENCRYPTION_KEY: 'no-kid' }).variable).toBe('ADAPTER_ENCRYPTION_KEY');
    const rotated = `a2:${Buffer.alloc(32, 2).toString('base64url')},${base.ADAPTER_ENCRYPTION_KEY}`;
    expect(parseWorkerConfig({ ...base, ADAPTER_ENCRYPTION_KEY: rotated }).adapterEncryptionKey).toBe(rotated);
    expect(errorOf({ ...base, ADAPTER_ENCRYPTION_KEY: `${base.ADAPTER_ENCRYPTION_KEY},${base.ADAPTER_ENCRYPTION_KEY}` }).message).toBe('ADAPTER_ENCRYPTION_KEY lists key id a1 twice');
  });

  it('reads ADAPTER_VERSIONS_KEPT in 1..20', () => {
    expect(parseWorkerConfig({ ...base, ADAPTER_VERSIONS_KEPT: '5' }).adapterVersionsKept).toBe(5);
    expect(errorOf({ ...base, ADAPTER_VERSIONS_KEPT: '0' }).message).toBe('ADAPTER_VERSIONS_KEPT must be an integer in 1..20, got "0"');
    expect(errorOf({ ...base, ADAPTER_VERSIONS_KEPT: '21' }).variable).toBe('ADAPTER_VERSIONS_KEPT');
  });

  it('names ATTUNE_EXECUTION_PROVIDERS when a provider is unknown', () => {
    expect(errorOf({ ...base, ATTUNE_EXECUTION_PROVIDERS: 'cuda,tpu' }).message).toMatch(/^ATTUNE_EXECUTION_PROVIDERS is invalid: unknown execution provider "tpu"/);
  });
});
