/**
 * Envelope encryption: values round-trip under the user's data key, fail under another key, another
 * context or after tampering; rotation keeps old data keys readable; a bad ENCRYPTION_KEY is named.
 */
import { describe, expect, it } from 'vitest';
import { toBase64url } from './base64url';
import { createDataKey, DecryptionError, openJson, sealJson, unwrapDataKey, wrappedKeyId } from './envelope';
import { loadKeyring } from './keyring';

const kek = (seed: number) => toBase64url(Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + seed) & 0xff));

describe('envelope encryption', () => {
  it('seals and opens a value with the unwrapped data key, and the ciphertext hides the plaintext', async () => {
    const keyring = await loadKeyring(`k1:${kek(1)}`);
    const { key, wrapped } = await createDataKey(keyring, 'owner-a');
    const sealed = await sealJson(key, { email: 'jane@example.com' }, 'owner-a:profile');
    expect(sealed).not.toContain('jane');
    expect(sealed.startsWith('v1.')).toBe(true);
    const again = await unwrapDataKey(keyring, 'owner-a', wrapped);
    expect(await openJson(again, sealed, 'owner-a:profile')).toEqual({ email: 'jane@example.com' });
    const other = await sealJson(key, { email: 'jane@example.com' }, 'owner-a:profile');
    expect(other).not.toBe(sealed); // fresh IV every time
  });

  it('refuses another user’s data key, another context, and tampered ciphertext', async () => {
    const keyring = await loadKeyring(`k1:${kek(1)}`);
    const a = await createDataKey(keyring, 'owner-a');
    const b = await createDataKey(keyring, 'owner-b');
    const sealed = await sealJson(a.key, 'secret', 'owner-a:profile');
    await expect(openJson(b.key, sealed, 'owner-a:profile')).rejects.toBeInstanceOf(DecryptionError);
    await expect(openJson(a.key, sealed, 'owner-a:memories')).rejects.toBeInstanceOf(DecryptionError);
    const parts = sealed.split('.');
    const flipped = `${parts[0]}.${parts[1]}.${parts[2].slice(0, -2)}${parts[2].endsWith('A') ? 'B' : 'A'}${parts[2].slice(-1)}`;
    await expect(openJson(a.key, flipped, 'owner-a:profile')).rejects.toBeInstanceOf(DecryptionError);
    await expect(unwrapDataKey(keyring, 'owner-b', a.wrapped)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('keeps data keys wrapped before a rotation readable and wraps new ones with the new key', async () => {
    const old = await loadKeyring(`k1:${kek(1)}`);
    const { wrapped, key } = await createDataKey(old, 'owner-a');
    const sealed = await sealJson(key, [1, 2, 3], 'ctx');
    const rotated = await loadKeyring(`k2:${kek(2)},k1:${kek(1)}`);
    expect(await openJson(await unwrapDataKey(rotated, 'owner-a', wrapped), sealed, 'ctx')).toEqual([1, 2, 3]);
    expect(wrappedKeyId((await createDataKey(rotated, 'owner-c')).wrapped)).toBe('k2');
    const withoutOld = await loadKeyring(`k2:${kek(2)}`);
    await expect(unwrapDataKey(withoutOld, 'owner-a', wrapped)).rejects.toThrow(/unknown key id k1/);
  });

  it('names the problem in a malformed ENCRYPTION_KEY without echoing key material', async () => {
    await expect(loadKeyring(undefined)).rejects.toThrow('ENCRYPTION_KEY is not set');
    await expect(loadKeyring('nokid')).rejects.toThrow(/kid:base64url-key/);
    await expect(loadKeyring(`k1:${toBase64url(new Uint8Array(16))}`)).rejects.toThrow('ENCRYPTION_KEY entry k1 must be 32 bytes (AES-256), got 16');
    await expect(loadKeyring(`k1:${kek(1)},k1:${kek(2)}`)).rejects.toThrow(/twice/);
  });
});
