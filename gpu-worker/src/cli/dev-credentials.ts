/**
 * @module gpu-worker/cli/dev-credentials
 * Credentials for running the stack locally: an ES256 signing key whose public JWKS the local
 * edge trusts (inline), and random secrets shared by the local edge and worker. Created on first
 * use under `.attune-dev/` (git-ignored, mode 0600) and reused. Never used in production, where
 * tokens come from the tenant's identity provider and secrets from `wrangler secret put`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/** Issuer and audience the local edge expects (wrangler.toml [vars]). */
export const DEV_ISSUER = 'https://auth.attune.local';
export const DEV_AUDIENCE = 'attune-api';

export interface DevCredentials {
  privateJwk: JWK;
  jwks: { keys: JWK[] };
  secrets: { INTERNAL_API_SECRET: string; STORAGE_PEPPER: string; WEBHOOK_MASTER_KEY: string; ENCRYPTION_KEY: string };
}

/** The folder holding local credentials (ATTUNE_DEV_DIR, else `.attune-dev` in the working directory). */
export function devDir(): string {
  return process.env.ATTUNE_DEV_DIR ?? join(process.cwd(), '.attune-dev');
}

/** Loads the local credentials, creating them on first use. */
export async function loadDevCredentials(dir = devDir()): Promise<DevCredentials> {
  const path = join(dir, 'credentials.json');
  try {
    const stored = JSON.parse(await readFile(path, 'utf8')) as DevCredentials;
    if (stored.secrets.ENCRYPTION_KEY) return stored;
    // Written by an older version: add the secrets it lacks.
    stored.secrets.ENCRYPTION_KEY = `dev1:${randomBytes(32).toString('base64url')}`;
    await writeFile(path, JSON.stringify(stored, null, 2), { mode: 0o600 });
    return stored;
  } catch {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${randomBytes(6).toString('hex')}`;
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const secret = () => randomBytes(32).toString('base64url');
    const creds: DevCredentials = {
      privateJwk,
      jwks: { keys: [publicJwk] },
      secrets: { INTERNAL_API_SECRET: secret(), STORAGE_PEPPER: secret(), WEBHOOK_MASTER_KEY: secret(), ENCRYPTION_KEY: `dev1:${secret()}` },
    };
    await mkdir(dir, { recursive: true });
    await writeFile(path, JSON.stringify(creds, null, 2), { mode: 0o600 });
    await chmod(path, 0o600);
    return creds;
  }
}

/** Options of a development token. */
export interface DevTokenOptions {
  user: string;
  tenant?: string;
  scope?: string;
  /** Lifetime in seconds. @default 3600 */
  ttlSeconds?: number;
}

/** Signs a JWT the local edge accepts. */
export async function signDevToken(creds: DevCredentials, o: DevTokenOptions): Promise<string> {
  if (!o.user.trim()) throw new Error('--user must not be empty');
  const key = await importJWK(creds.privateJwk, 'ES256');
  return new SignJWT({ tid: o.tenant ?? 'default', ...(o.scope ? { scope: o.scope } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: creds.privateJwk.kid, typ: 'JWT' })
    .setSubject(o.user)
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${o.ttlSeconds ?? 3600}s`)
    .sign(key);
}
