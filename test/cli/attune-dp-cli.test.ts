/**
 * `attune dp`: the accountant's figures through the real CLI (TF Privacy's
 * compute_dp_sgd_privacy_test Test0: q = 0.0025, σ = 1.3, 6000 steps, δ = 1e-5 → ε 0.7242234026 at
 * order 19), the noise search, and option errors naming the option with exit code 2.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [resolve(root, 'gpu-worker/bin/attune.mjs'), ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('attune dp', () => {
  it('prints epsilon and the best order as JSON, matching TF Privacy’s published figure', async () => {
    const r = await run('dp', 'epsilon', '--noise-multiplier', '1.3', '--sample-rate', '0.0025', '--steps', '6000', '--delta', '1e-5', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { epsilon: number; order: number };
    expect(out.order).toBe(19);
    expect(Math.abs(out.epsilon - 0.7242234026109595) / 0.7242234026109595).toBeLessThan(1e-6);
  });

  it('finds a noise multiplier whose epsilon is at or under the target', async () => {
    const r = await run('dp', 'noise', '--target-epsilon', '1', '--sample-rate', '0.01', '--steps', '1000', '--delta', '1e-6', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { noise_multiplier: number; epsilon: number };
    expect(out.epsilon).toBeLessThanOrEqual(1);
    expect(out.epsilon).toBeGreaterThan(0.95);
    const check = JSON.parse((await run('dp', 'epsilon', '--noise-multiplier', String(out.noise_multiplier), '--sample-rate', '0.01', '--steps', '1000', '--delta', '1e-6', '--json')).stdout);
    expect(check.epsilon).toBeCloseTo(out.epsilon, 9);
  });

  it('names the option at fault and exits 2', async () => {
    const bad = await run('dp', 'epsilon', '--noise-multiplier', '1', '--sample-rate', '0', '--steps', '10', '--delta', '1e-5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sample-rate');
    const unreachable = await run('dp', 'noise', '--target-epsilon', '0.05', '--sample-rate', '0.01', '--steps', '10', '--delta', '1e-6');
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/unreachable/);
  });
});
