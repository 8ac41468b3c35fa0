/**
 * Deployment files stay consistent with the code: wrangler.toml bindings, the edge's secrets, the
 * worker's environment and the queue's Redis keys must match what Terraform and the Kubernetes
 * manifests set (infra/check-deploy-config.mjs; it exits non-zero on any mismatch).
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('deployment configuration', () => {
  it('matches the code in every binding, secret, variable and queue key', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const { stdout } = await promisify(execFile)(process.execPath, [resolve(root, 'infra/check-deploy-config.mjs')], { cwd: root, timeout: 30_000 });
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(stdout.match(/^ok /gm)?.length ?? 0).toBeGreaterThanOrEqual(10);
  });
});
