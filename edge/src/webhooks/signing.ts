/**
 * @module edge/webhooks/signing
 * Webhook signatures per the Standard Webhooks specification (HMAC-SHA256 over
 * `msgId.timestamp.payload`, headers `webhook-id` / `webhook-timestamp` / `webhook-signature`),
 * made with the reference `standardwebhooks` package so receivers can verify with any conforming
 * library; and per-tenant signing secrets derived from one master key, so none has to be stored.
 */
import { Webhook } from 'standardwebhooks';

/** Headers of one signed delivery attempt. */
export interface SignedWebhookHeaders extends Record<string, string> {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': string;
}

/**
 * Signs `payload` (the exact body bytes to be sent) for delivery at `timestamp`.
 * @param secret - the tenant's `whsec_…` secret (base64 key after the prefix).
 * @param msgId - stable across retries of one message, so receivers can deduplicate.
 * @example
 * const headers = signWebhook(secret, 'msg_job_123', new Date(), JSON.stringify(body));
 * await fetch(url, { method: 'POST', body: JSON.stringify(body), headers });
 */
export function signWebhook(secret: string, msgId: string, timestamp: Date, payload: string): SignedWebhookHeaders {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, timestamp, payload),
    'content-type': 'application/json',
  };
}

function toBase64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The tenant's webhook signing secret: `whsec_` + base64(HMAC-SHA256(masterKey,
 * `webhook-secret:<tenantKey>`)), a 32-byte key. Stable per tenant; rotating `masterKey` rotates all.
 * @param masterKey - the edge's secret, used as UTF-8 bytes.
 * @param tenantKey - the tenant's (storage) key.
 * @example
 * const secret = await deriveTenantWebhookSecret(env.WEBHOOK_MASTER_KEY, tenantKey); // 'whsec_…'
 */
export async function deriveTenantWebhookSecret(masterKey: string, tenantKey: string): Promise<string> {
  if (!masterKey) throw new Error('masterKey must not be empty');
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(masterKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`webhook-secret:${tenantKey}`));
  return `whsec_${toBase64(mac)}`;
}
