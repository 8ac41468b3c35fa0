/**
 * @module edge/webhooks/webhook-config
 * Webhook settings from the environment, shared by the generate route and the delivery object.
 */
import { dohResolver } from './dns';
import type { checkWebhookUrl } from './url-policy';

/** URL-policy options: loopback http only when ALLOW_HTTP_LOOPBACK_WEBHOOKS is "true" (local use, tests). */
export function webhookPolicyOptions(env: { ALLOW_HTTP_LOOPBACK_WEBHOOKS?: string; WEBHOOK_DOH_URL?: string }): Parameters<typeof checkWebhookUrl>[1] {
  return {
    allowHttpLoopback: env.ALLOW_HTTP_LOOPBACK_WEBHOOKS === 'true',
    resolve: dohResolver(env.WEBHOOK_DOH_URL || undefined),
  };
}
