/**
 * @module shared/privacy/crypto/keyring
 * Key-encryption keys (KEKs) from the `ENCRYPTION_KEY` secret: `kid:base64url(32 bytes)`, several
 * comma-separated for rotation. The first is current (new data keys are wrapped with it); the
 * others still unwrap data keys written before a rotation.
 */
import { fromBase64url } from './base64url';

type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** The KEKs, by key id. */
export interface Keyring {
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, AesKey>;
}

/** Thrown for a malformed ENCRYPTION_KEY; the message names the variable and never the key. */
export class KeyringError extends Error {
  readonly code = 'BAD_ENCRYPTION_KEY';
}

/**
 * Parses and imports the keyring.
 *
 * @example
 * const keyring = await loadKeyring('k2:' + base64url(32 random bytes) + ',k1:…');
 */
export async function loadKeyring(secret: string | undefined): Promise<Keyring> {
  if (!secret || !secret.trim()) throw new KeyringError('ENCRYPTION_KEY is not set');
  const keys = new Map<string, AesKey>();
  let currentId = '';
  for (const part of secret.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+={0,2})$/.exec(part);
    if (!match) throw new KeyringError('ENCRYPTION_KEY entries must look like kid:base64url-key');
    const [, kid, encoded] = match;
    let raw: Uint8Array;
    try {
      raw = fromBase64url(encoded);
    } catch {
      throw new KeyringError(`ENCRYPTION_KEY entry ${kid} is not base64url`);
    }
    if (raw.length !== 32) throw new KeyringError(`ENCRYPTION_KEY entry ${kid} must be 32 bytes (AES-256), got ${raw.length}`);
    if (keys.has(kid)) throw new KeyringError(`ENCRYPTION_KEY lists key id ${kid} twice`);
    keys.set(kid, await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']));
    currentId ||= kid;
  }
  return { currentId, keys };
}
