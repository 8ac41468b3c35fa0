/**
 * @module edge/index
 * The Worker's entry: the Hono app's fetch handler and the Durable Object classes it binds.
 */
import { createApp } from './app';

export { UserState } from './state/user-state';
export { WebhookDelivery } from './webhooks/webhook-delivery';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
