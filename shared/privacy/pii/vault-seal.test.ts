/** @module shared/privacy/pii/vault-seal.test AES-256-GCM sealing of PII vaults, bound to job and owner. */
import { describe, expect, it } from 'vitest';
import { openVault, sealVault, vaultAad, VaultSealError } from './vault-seal';

/** A fresh AES key of `bits` (importKey rather than generateKey: one return type in Node and workerd). */
const newKey = (bits = 256) => crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(bits / 8)), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
const vault = { '<PERSON_1>': 'Jane Doe', '<EMAIL_ADDRESS_1>': 'jane@example.com' };

describe('sealVault and openVault', () => {
  it('round-trip a vault as base64url text', async () => {
    const key = await newKey();
    const aad = vaultAad('job-1', 'owner-key');
    const sealed = await sealVault(vault, key, aad);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('Jane');
    expect(await openVault(sealed, key, aad)).toEqual(vault);
  });

  it('uses a fresh IV each time, so sealing twice gives different text', async () => {
    const key = await newKey();
    const aad = vaultAad('job-1', 'owner-key');
    expect(await sealVault(vault, key, aad)).not.toBe(await sealVault(vault, key, aad));
  });

  it('fails with a clear error under the wrong key', async () => {
    const sealed = await sealVault(vault, await newKey(), vaultAad('job-1', 'owner'));
    const error = await openVault(sealed, await newKey(), vaultAad('job-1', 'owner')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultSealError);
    expect((error as VaultSealError).code).toBe('VAULT_OPEN_FAILED');
    expect((error as Error).message).toMatch(/wrong key, wrong job\/owner binding \(AAD\), or tampered data/);
  });

  it('fails for another job or another owner (wrong AAD)', async () => {
    const key = await newKey();
    const sealed = await sealVault(vault, key, vaultAad('job-1', 'owner'));
    await expect(openVault(sealed, key, vaultAad('job-2', 'owner'))).rejects.toMatchObject({ code: 'VAULT_OPEN_FAILED' });
    await expect(openVault(sealed, key, vaultAad('job-1', 'other'))).rejects.toMatchObject({ code: 'VAULT_OPEN_FAILED' });
  });

  it('encodes the AAD unambiguously', () => {
    expect(vaultAad('a:b', 'c')).not.toBe(vaultAad('a', 'b:c'));
  });

  it('fails on tampered or malformed input', async () => {
    const key = await newKey();
    const aad = vaultAad('job-1', 'owner');
    const sealed = await sealVault(vault, key, aad);
    const flipped = sealed.slice(0, 30) + (sealed[30] === 'A' ? 'B' : 'A') + sealed.slice(31);
    await expect(openVault(flipped, key, aad)).rejects.toMatchObject({ code: 'VAULT_OPEN_FAILED' });
    await expect(openVault('not base64url!', key, aad)).rejects.toMatchObject({ code: 'VAULT_MALFORMED' });
    await expect(openVault('AQID', key, aad)).rejects.toMatchObject({ code: 'VAULT_MALFORMED' });
  });

  it('refuses a key that is not AES-GCM 256', async () => {
    const short = await newKey(128);
    await expect(sealVault(vault, short, 'x')).rejects.toMatchObject({ code: 'VAULT_KEY_INVALID' });
  });
});
