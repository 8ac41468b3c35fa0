/**
 * Runs the real edge for cross-component tests: the Worker bundled by
 * `wrangler deploy --dry-run`, executed by workerd through Miniflare's API with KV, both
 * Durable Objects (SQLite) and the wrangler.toml vars, listening on a loopback port so a real
 * worker process can reach its internal route. Also signs test tokens with a local key pair.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { Miniflare } from 'miniflare';

const root = resolve(import.meta.dirname, '../..');
const bundleDir = join(root, 'dist', 'edge-test');

/** Builds the Worker bundle once per test run (reused while newer than every edge source). */
export async function buildEdgeBundle(): Promise<string> {
  const script = join(bundleDir, 'index.js');
  await promisify(execFile)(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', bundleDir], {
    cwd: root, timeout: 120_000, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
  });
  if (!existsSync(script) || statSync(script).size < 1000) throw new Error('wrangler did not produce the edge bundle');
  return script;
}

/** A key pair whose public half the edge trusts, and a token signer. */
export interface TestIssuer {
  jwks: { keys: JWK[] };
  token(o: { user: string; tenant?: string; scope?: string; expiresIn?: string; audience?: string; issuer?: string }): Promise<string>;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  kid: string;
}

export const TEST_ISSUER = 'https://auth.attune.local';
export const TEST_AUDIENCE = 'attune-api';

export async function createTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'e2e-key';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    privateKey,
    kid,
    token: (o) =>
      new SignJWT({ tid: o.tenant ?? 'acme', ...(o.scope ? { scope: o.scope } : {}) })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(o.user)
        .setIssuer(o.issuer ?? TEST_ISSUER)
        .setAudience(o.audience ?? TEST_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(o.expiresIn ?? '10m')
        .sign(privateKey),
  };
}

/** Secrets shared by the test edge and the test worker. */
export const TEST_SECRETS = {
  INTERNAL_API_SECRET: 'e2e-internal-secret-0123456789abcdef0123456789',
  STORAGE_PEPPER: 'e2e-pepper-0123456789abcdef',
  WEBHOOK_MASTER_KEY: 'e2e-webhook-master-key-0123456789',
  ENCRYPTION_KEY: 'e2e1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
};

/** Options of {@link startEdge}. */
export interface EdgeOptions {
  redisUrl: string;
  jwks: { keys: JWK[] };
  vars?: Record<string, string>;
}

/** Starts the edge; returns its base URL and the Miniflare instance (dispose() when done). */
export async function startEdge(script: string, o: EdgeOptions): Promise<{ url: string; mf: Miniflare }> {
  const mf = new Miniflare(edgeOptions(script, o, 0));
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return { url, mf };
}

/**
 * Restarts workerd under `mf` on the same port (a fresh isolate; Durable Object and KV data are
 * kept, since Miniflare keeps "in-memory" storage in a temporary directory across reloads).
 */
export async function restartEdge(mf: Miniflare, script: string, o: EdgeOptions, url: string): Promise<void> {
  await mf.setOptions(edgeOptions(script, o, Number(new URL(url).port)));
  await mf.ready;
}

function edgeOptions(script: string, o: EdgeOptions, port: number): ConstructorParameters<typeof Miniflare>[0] {
  return {
    scriptPath: script,
    modules: true,
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
    kvNamespaces: ['ATTUNE_KV'],
    durableObjects: {
      USER_STATE: { className: 'UserState', useSQLite: true },
      WEBHOOK_DELIVERY: { className: 'WebhookDelivery', useSQLite: true },
      POPULATION_CLUSTERS: { className: 'PopulationClusters', useSQLite: true },
    },
    bindings: {
      JWT_ISSUER: TEST_ISSUER, JWT_AUDIENCE: TEST_AUDIENCE, TENANT_CLAIM: 'tid', JWKS_URL: '', MAX_BODY_BYTES: '1048576',
      ALLOW_HTTP_LOOPBACK_WEBHOOKS: 'true', WEBHOOK_DOH_URL: 'https://cloudflare-dns.com/dns-query', MODEL_NAME: 'attune-test', CHAT_TIMEOUT_MS: '60000',
      REDIS_URL: o.redisUrl, JWKS_INLINE: JSON.stringify(o.jwks), USER_STATE_TEST_HOOKS: 'true', ...TEST_SECRETS, ...o.vars,
    },
    host: '127.0.0.1',
    port,
  };
}
