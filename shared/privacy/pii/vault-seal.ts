/**
 * @module shared/privacy/pii/vault-seal
 * Seals a PII vault for storage with AES-256-GCM (WebCrypto, so the same code runs in workerd
 * and Node): a random 96-bit IV per seal (NIST SP 800-38D §8.2.2), and associated data that
 * binds the ciphertext to one job and one owner, so a vault copied to another job or user does
 * not open. Format: base64url of `0x01 ‖ IV (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`.
 */
import { fromBase64url, toBase64url } from '../crypto/base64url';
import type { PiiVault } from './pseudonymize';

type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** Why a vault could not be sealed or opened; `code` is stable. */
export class VaultSealError extends Error {
  constructor(
    readonly code: 'VAULT_KEY_INVALID' | 'VAULT_MALFORMED' | 'VAULT_OPEN_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'VaultSealError';
  }
}

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function checkKey(key: AesKey): void {
  const algorithm = key.algorithm as { name?: string; length?: number };
  if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256) {
    throw new VaultSealError('VAULT_KEY_INVALID', `vault key must be an AES-GCM 256-bit key, got ${algorithm.name ?? '?'} ${algorithm.length ?? '?'}`);
  }
}

/**
 * Associated data binding a sealed vault to its job and owner: an unambiguous encoding
 * (a JSON array), so `("a:b", "c")` and `("a", "b:c")` differ.
 */
export function vaultAad(jobId: string, ownerKey: string): string {
  return JSON.stringify(['attune/pii-vault/v1', jobId, ownerKey]);
}

/**
 * Encrypts `vault` under `key` (AES-GCM, 256-bit) with `aad` as associated data.
 *
 * @example
 * const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
 * const sealed = await sealVault({ '<PERSON_1>': 'Jane' }, key, vaultAad(jobId, ownerKey));
 */
export async function sealVault(vault: PiiVault, key: AesKey, aad: string): Promise<string> {
  checkKey(key);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plain = encoder.encode(JSON.stringify(vault));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad), tagLength: 128 }, key, plain));
  const out = new Uint8Array(1 + IV_BYTES + ct.length);
  out[0] = FORMAT_VERSION;
  out.set(iv, 1);
  out.set(ct, 1 + IV_BYTES);
  return toBase64url(out);
}

/**
 * Decrypts a vault sealed by {@link sealVault}. A wrong key, a wrong `aad` or any change to the
 * sealed text fails with `VaultSealError` code `VAULT_OPEN_FAILED`.
 */
export async function openVault(sealed: string, key: AesKey, aad: string): Promise<PiiVault> {
  checkKey(key);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(sealed);
  } catch {
    throw new VaultSealError('VAULT_MALFORMED', 'sealed vault is not base64url');
  }
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT_VERSION) {
    throw new VaultSealError('VAULT_MALFORMED', 'sealed vault has an unknown format or is truncated');
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(1, 1 + IV_BYTES), additionalData: encoder.encode(aad), tagLength: 128 },
        key,
        bytes.subarray(1 + IV_BYTES),
      ),
    );
  } catch {
    throw new VaultSealError('VAULT_OPEN_FAILED', 'cannot open the PII vault: wrong key, wrong job/owner binding (AAD), or tampered data');
  }
  const value: unknown = JSON.parse(decoder.decode(plain));
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new VaultSealError('VAULT_MALFORMED', 'sealed vault does not hold a placeholder → value map');
  }
  return value as PiiVault;
}
