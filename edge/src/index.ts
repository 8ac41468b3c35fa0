/**
 * @module edge/index
 * The Worker's entry: the Hono app's fetch handler and the Durable Object classes it binds.
 */
import { createApp } from './app';
import type { EdgeEnv } from './env';
import { sweepRetention } from './privacy/retention-sweep';

export { PopulationClusters } from './state/population-clusters-object';
export { UserState } from './state/user-state';
export { WebhookDelivery } from './webhooks/webhook-delivery';

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron (wrangler.toml [triggers]): the data-retention sweep. */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(sweepRetention(env as EdgeEnv).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;
