/**
 * @module gpu-worker/cli/token-command
 * `attune token --user ID [--tenant T] [--scope S]`: prints a development JWT for the local stack.
 */
import type { Command } from 'commander';
import { intOption } from './cli-error';
import { loadDevCredentials, signDevToken } from './dev-credentials';

export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('print a development JWT that the local edge (npm start) accepts')
    .requiredOption('--user <id>', 'subject (user id)')
    .option('--tenant <id>', 'tenant id (tid claim)', 'default')
    .option('--scope <scopes>', 'space-separated scopes, e.g. admin')
    .option('--ttl <seconds>', 'lifetime', intOption('--ttl', 60, 30 * 24 * 3600), 3600)
    .action(async (o) => {
      const token = await signDevToken(await loadDevCredentials(), { user: o.user, tenant: o.tenant, scope: o.scope, ttlSeconds: o.ttl });
      process.stdout.write(`${token}\n`);
    });
}
