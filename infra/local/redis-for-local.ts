/**
 * @module infra/local/redis-for-local
 * Finds a Redis for the local stack: REDIS_URL if set, else one answering on 127.0.0.1:6379,
 * else a `redis-server` started on a free port with its data in a temporary folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Resolves true when something answers PING with PONG at host:port within 1 s. */
export function redisAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The Redis URL to use, and the process we started for it (if any). */
export async function findOrStartRedis(log: (line: string) => void): Promise<{ url: string; child: ChildProcess | null }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, child: null };
  if (await redisAnswers('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', child: null };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error('no Redis found: set REDIS_URL, start one on 127.0.0.1:6379, or install redis-server (apt-get install redis-server)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'attune-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await redisAnswers('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await redisAnswers('127.0.0.1', port))) throw new Error(`redis-server did not start on port ${port}`);
  log(`started redis-server on 127.0.0.1:${port} (data in ${dir})`);
  return { url: `redis://127.0.0.1:${port}`, child };
}
