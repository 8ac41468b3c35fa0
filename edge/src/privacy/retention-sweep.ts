/**
 * @module edge/privacy/retention-sweep
 * The Workers cron handler: walks the user registry in KV (`users:<ownerKey>` → tenantKey) and asks
 * each user's UserState object to delete rows older than the tenant's retention (default 365
 * days). Redis data needs no sweep of its own today: finished jobs expire after 1 day (failed
 * after 7), token streams after 10 minutes.
 */
import type { EdgeEnv } from '../env';
import { userStateStub } from '../state/user-state';
import { tenantPrivacy } from './tenant-config';

/** Sweeps every registered user; returns how many were visited and rows removed. */
export async function sweepRetention(env: EdgeEnv): Promise<{ users: number; rows: number }> {
  let cursor: string | undefined;
  let users = 0;
  let rows = 0;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.ATTUNE_KV.list({ prefix: 'users:', cursor });
    for (const key of page.keys) {
      const owner = key.name.slice('users:'.length);
      const tenantKey = (await env.ATTUNE_KV.get(key.name)) ?? '';
      const { retentionDays } = await tenantPrivacy(env, tenantKey);
      const removed = await userStateStub(env, owner).sweep(owner, retentionDays);
      rows += Object.values(removed).reduce((a, b) => a + b, 0);
      users++;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  console.log(JSON.stringify({ level: 'info', msg: 'retention sweep done', users, rows }));
  return { users, rows };
}
