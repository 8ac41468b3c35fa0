/**
 * @module infra/local/start
 * `npm start`: the whole stack on this machine — Redis (found or started), the edge under
 * `wrangler dev` (workerd) on 127.0.0.1:8787 (or $PORT), and one worker with the default model.
 * Prints the URL and how to get a token. Ctrl-C stops everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { devDir, loadDevCredentials } from '../../gpu-worker/src/cli/dev-credentials';
import { initRandomModel } from '../../gpu-worker/src/model/init-random';
import { findOrStartRedis } from './redis-for-local';

const root = resolve(import.meta.dirname, '../..');
const log = (line: string) => process.stdout.write(`[attune] ${line}\n`);
const children: ChildProcess[] = [];

/** The model the local worker serves: $ATTUNE_MODEL_DIR, the committed default model, or a random test model. */
async function localModelDir(dir: string): Promise<string> {
  if (process.env.ATTUNE_MODEL_DIR) return process.env.ATTUNE_MODEL_DIR;
  const committed = join(root, 'gpu-worker', 'models', 'default');
  if (existsSync(join(committed, 'config.json'))) return committed;
  const random = join(dir, 'models', 'random-seed-0');
  if (!existsSync(join(random, 'config.json'))) {
    log('no trained default model yet: writing the random test model (attune model init-random --seed 0)');
    await initRandomModel(random, { seed: 0 });
  }
  return random;
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (data: Buffer) => data.toString().split('\n').filter(Boolean).forEach((l) => process.stdout.write(`[${name}] ${l}\n`));
  child.stdout?.on('data', prefix);
  child.stderr?.on('data', prefix);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the stack`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  process.exit(code);
}

async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const dir = devDir();
  await mkdir(dir, { recursive: true });
  const port = Number(process.env.PORT ?? 8787);
  const edgeUrl = `http://127.0.0.1:${port}`;
  const redis = await findOrStartRedis(log);
  if (redis.child) children.push(redis.child);
  const creds = await loadDevCredentials(dir);
  const modelDir = await localModelDir(dir);
  const edgeEnv = {
    REDIS_URL: redis.url, ...creds.secrets, JWKS_INLINE: JSON.stringify(creds.jwks), ALLOW_HTTP_LOOPBACK_WEBHOOKS: 'true',
  };
  const envFile = join(dir, 'edge.env');
  // Single quotes: dotenv takes the value literally (JSON keeps its double quotes).
  await writeFile(envFile, Object.entries(edgeEnv).map(([k, v]) => `${k}='${v}'`).join('\n') + '\n', { mode: 0o600 });

  log(`redis ${redis.url} · model ${modelDir}`);
  run('edge', process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--env-file', envFile, '--persist-to', join(dir, 'wrangler-state'), '--show-interactive-dev-session=false'], {});
  run('worker', process.execPath, ['--import', 'tsx', join(root, 'gpu-worker/src/worker/main.ts')], {
    REDIS_URL: redis.url, ATTUNE_MODEL_DIR: modelDir, EDGE_URL: edgeUrl, INTERNAL_API_SECRET: creds.secrets.INTERNAL_API_SECRET,
    // Locally the adapter key reuses the dev keyring (distinct AAD); production sets a key of its own.
    ADAPTER_ENCRYPTION_KEY: creds.secrets.ENCRYPTION_KEY,
  });
  if (!(await waitForHealth(edgeUrl, 90_000))) {
    log('the edge did not answer /health within 90 s');
    return stop(1);
  }
  log(`edge listening on ${edgeUrl}`);
  log(`get a token:   TOKEN=$(npx attune token --user alice)`);
  log(`then:          curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"prompt":"Hello"}' ${edgeUrl}/v1/generate`);
  log('Ctrl-C stops the stack');
}

main().catch((error) => {
  log(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
