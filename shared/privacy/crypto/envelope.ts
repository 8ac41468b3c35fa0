/**
 * @module shared/privacy/crypto/envelope
 * Envelope encryption of a user's data: a random per-user AES-256-GCM data key (DEK), wrapped
 * by the current key-encryption key with the user's storage key as associated data, and values
 * sealed with the DEK (random 96-bit IV, AAD naming owner and purpose). Destroying the wrapped
 * DEK makes every ciphertext of that user undecryptable (crypto-shredding).
 */
import { fromBase64url, toBase64url } from './base64url';
import type { Keyring } from './keyring';

type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** A wrapped data key as stored: `kid.iv.ciphertext` (base64url parts). */
export type WrappedKey = string;
/** A sealed value as stored: `v1.iv.ciphertext` (base64url parts). */
export type Sealed = string;

/** Raised when a value or key cannot be decrypted (wrong key, wrong AAD, tampered, shredded). */
export class DecryptionError extends Error {
  readonly code = 'DECRYPTION_FAILED';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function gcmEncrypt(key: AesKey, plain: Uint8Array, aad: string): Promise<{ iv: Uint8Array; ct: Uint8Array }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad) }, key, plain));
  return { iv, ct };
}

async function gcmDecrypt(key: AesKey, iv: Uint8Array, ct: Uint8Array, aad: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad) }, key, ct));
  } catch {
    throw new DecryptionError('ciphertext could not be decrypted (wrong key, wrong context, or tampered)');
  }
}

/** Creates a new data key and returns it with its wrapped form (to store). */
export async function createDataKey(keyring: Keyring, ownerKey: string): Promise<{ key: AesKey; wrapped: WrappedKey }> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const kek = keyring.keys.get(keyring.currentId)!;
  const { iv, ct } = await gcmEncrypt(kek, raw, `dek:${ownerKey}`);
  const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  raw.fill(0);
  return { key, wrapped: `${keyring.currentId}.${toBase64url(iv)}.${toBase64url(ct)}` };
}

/** Unwraps a stored data key with whichever KEK wrapped it. */
export async function unwrapDataKey(keyring: Keyring, ownerKey: string, wrapped: WrappedKey): Promise<AesKey> {
  const [kid, iv, ct] = wrapped.split('.');
  const kek = keyring.keys.get(kid ?? '');
  if (!kek || !iv || !ct) throw new DecryptionError(`data key was wrapped with unknown key id ${kid ?? '(none)'}`);
  const raw = await gcmDecrypt(kek, fromBase64url(iv), fromBase64url(ct), `dek:${ownerKey}`);
  const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  raw.fill(0);
  return key;
}

/** The key id a wrapped key was wrapped with (to re-wrap after a rotation). */
export function wrappedKeyId(wrapped: WrappedKey): string {
  return wrapped.split('.')[0];
}

/** Seals a JSON value; `context` (owner and purpose) must be given again to open it. */
export async function sealJson(key: AesKey, value: unknown, context: string): Promise<Sealed> {
  const { iv, ct } = await gcmEncrypt(key, encoder.encode(JSON.stringify(value)), context);
  return `v1.${toBase64url(iv)}.${toBase64url(ct)}`;
}

/** Opens a sealed JSON value. */
export async function openJson<T>(key: AesKey, sealed: Sealed, context: string): Promise<T> {
  const [version, iv, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !ct) throw new DecryptionError('not a sealed value');
  return JSON.parse(decoder.decode(await gcmDecrypt(key, fromBase64url(iv), fromBase64url(ct), context))) as T;
}

/**
 * Seals raw bytes (e.g. an adapter file) as `v1.<iv>.<ct>`, like {@link sealJson}; `context`
 * (owner and purpose) must be given again to open it.
 *
 * @example
 * const sealed = await sealBytes(key, adapterBytes, `${owner}:adapter:v3`);
 */
export async function sealBytes(key: AesKey, bytes: Uint8Array, context: string): Promise<Sealed> {
  const { iv, ct } = await gcmEncrypt(key, bytes, context);
  return `v1.${toBase64url(iv)}.${toBase64url(ct)}`;
}

/** Opens bytes sealed by {@link sealBytes}; throws {@link DecryptionError} for a wrong key or context, or tampering. */
export async function openBytes(key: AesKey, sealed: Sealed, context: string): Promise<Uint8Array> {
  const [version, iv, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !ct) throw new DecryptionError('not a sealed value');
  let ivBytes: Uint8Array;
  let ctBytes: Uint8Array;
  try {
    ivBytes = fromBase64url(iv);
    ctBytes = fromBase64url(ct);
  } catch {
    throw new DecryptionError('not a sealed value');
  }
  return gcmDecrypt(key, ivBytes, ctBytes, context);
}
