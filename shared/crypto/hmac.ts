/**
 * @module shared/crypto/hmac
 * HMAC-SHA256 over WebCrypto (present in workerd and Node ≥ 20): storage keys that hide user
 * ids, and signatures on internal worker → edge requests with a constant-time check.
 */

const encoder = new TextEncoder();

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

async function hmacKey(secret: string | Uint8Array): Promise<HmacKey> {
  const raw = typeof secret === 'string' ? encoder.encode(secret) : secret;
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** HMAC-SHA256 of `message`, hex. */
export async function hmacHex(secret: string | Uint8Array, message: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)));
}

/** Checks a hex HMAC in constant time (WebCrypto's verify). */
export async function verifyHmacHex(secret: string | Uint8Array, message: string, signatureHex: string): Promise<boolean> {
  const signature = fromHex(signatureHex);
  if (!signature) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret), signature, encoder.encode(message));
}

/** Storage key of a user: HMAC-SHA256(pepper, `tenant:user`), so no raw id is written anywhere. */
export function userStorageKey(pepper: string, tenant: string, user: string): Promise<string> {
  // Length-prefixed, so no (tenant, user) pair can collide with another or with a tenant key.
  return hmacHex(pepper, `user:${tenant.length}:${tenant}:${user}`);
}

/** Storage key of a tenant. */
export function tenantStorageKey(pepper: string, tenant: string): Promise<string> {
  return hmacHex(pepper, `tenant:${tenant.length}:${tenant}`);
}

/** Header value signing an internal request: `t=<unix s>,v1=<hmac(t.body)>`. */
export async function signInternalRequest(secret: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return `t=${nowSeconds},v1=${await hmacHex(secret, `${nowSeconds}.${body}`)}`;
}

/** Verifies {@link signInternalRequest}'s header within `toleranceSeconds` of now. */
export async function verifyInternalRequest(secret: string, body: string, header: string | null | undefined, toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000)): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  return verifyHmacHex(secret, `${t}.${body}`, match[2]);
}
