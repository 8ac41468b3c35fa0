/**
 * @module gpu-worker/cli/expert-commands tests: the real `attune experts` command in a child
 * process against Redis DB 13 and the committed default model — a domain expert is trained,
 * stored encrypted, registered and served by the worker's resolver; cluster experts are trained
 * from a tenant's released clusters and replace the previous round's; `list` prints the registry;
 * and every bad input exits 2 with one stderr line naming the problem.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterRedisKeys } from '../../../shared/jobs/train-adapter-job';
import { EXPERT_REGISTRY_KEY, expertClustersKey, expertOwnerKey, readRegistry, registerExpert, type ClusterRelease } from '../../../shared/personalization/expert-registry';
import { loadKeyring } from '../../../shared/privacy/crypto/keyring';
import { AdapterStore } from '../adapters/adapter-store';
import { createServingAdapterResolver } from '../adapters/serving-adapter';
import { ensureCompiled } from '../compiler/compile';
import { DEFAULT_MODEL_DIR } from '../worker/config';

const REPO = resolve(import.meta.dirname, '../../..');
const CLI = join(REPO, 'gpu-worker/bin/attune.mjs');
const REDIS_URL = 'redis://127.0.0.1:6379/13';
const ADAPTER_KEY = `e1:${Buffer.alloc(32, 7).toString('base64url')}`;
const TENANT = randomBytes(32).toString('hex');
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !['ATTUNE_MODEL_DIR', 'ATTUNE_DEBUG', 'REDIS_URL', 'ADAPTER_ENCRYPTION_KEY'].includes(k))),
  REDIS_URL, ADAPTER_ENCRYPTION_KEY: ADAPTER_KEY,
};

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `attune …args` with `extraEnv` (a value of undefined removes the variable). */
function attune(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<CliResult> {
  const merged = Object.fromEntries(Object.entries({ ...env, ...extraEnv }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO, env: merged, timeout: 120_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

let redis: Redis;
let store: AdapterStore;
let maxRank: number;
const ownersUsed: string[] = [];

async function forgetExpert(id: string): Promise<void> {
  const owner = await expertOwnerKey(id);
  ownersUsed.push(owner);
  await redis.hdel(EXPERT_REGISTRY_KEY, id);
  const keys = await redis.keys(`attune:{user:${owner}}:*`);
  if (keys.length) await redis.del(...keys);
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  const { manifest, config } = await ensureCompiled(DEFAULT_MODEL_DIR);
  maxRank = manifest.maxRank;
  store = new AdapterStore({
    redis, keyring: await loadKeyring(ADAPTER_KEY),
    expect: { cfg: config, baseModelId: manifest.baseModelId, compiledTargets: manifest.loraTargets, maxRank },
  });
  await forgetExpert('domain-code');
});

afterAll(async () => {
  for (const id of ['domain-code', ...[0, 1, 7].map((n) => `cluster-${TENANT.slice(0, 8)}-${n}`)]) await forgetExpert(id);
  await redis.del(expertClustersKey(TENANT));
  await redis.quit();
});

describe('attune experts', () => {
  it('train-domain --domain code --steps 5 stores an encrypted adapter, registers it, and the worker serves it', async () => {
    const result = await attune(['experts', 'train-domain', '--domain', 'code', '--steps', '5']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [line, ...rest] = jsonLines(result.stdout);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ id: 'domain-code', steps: 5, examples: 40, saved: true });
    expect(line.loss_after as number).toBeLessThan(line.loss_before as number);
    expect(line.seconds as number).toBeGreaterThan(0);

    const { experts } = await readRegistry(redis);
    const entry = experts.find((e) => e.id === 'domain-code')!;
    expect(entry).toMatchObject({ kind: 'domain', domain: 'code', rank: 8, version: line.version });
    expect(entry.training).toMatchObject({ steps: 5, examples: 40, seed: 20261210, validation_loss_after: line.loss_after });
    expect(Date.now() - Date.parse(entry.trained_at)).toBeLessThan(120_000);

    const owner = await expertOwnerKey('domain-code');
    expect((await redis.get(adapterRedisKeys.version(owner, entry.version)))!.startsWith('e1.v1.')).toBe(true); // sealed at rest
    const adapter = (await store.current(owner))!;
    expect(adapter).toMatchObject({ rank: 8, alpha: 16, version: entry.version, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] });
    expect(adapter.weights.get('0.q_proj')!.b.some((x) => x !== 0)).toBe(true); // trained: B moved off zero

    const served = await createServingAdapterResolver({ store, maxRank })({ job_id: 'j1', owner: 'f'.repeat(64), experts: [{ id: 'domain-code', weight: 1 }] });
    expect(served.experts).toEqual(['domain-code']);
    expect(served.adapter!.rank).toBe(8);

    const list = await attune(['experts', 'list']);
    expect(list.code).toBe(0);
    expect(jsonLines(list.stdout).find((e) => e.id === 'domain-code')).toEqual(JSON.parse(JSON.stringify(entry)));
  });

  it('train-clusters trains one expert per released cluster, with its unit centroid and tenant, and retires the previous round’s', async () => {
    const stale = `cluster-${TENANT.slice(0, 8)}-7`;
    await registerExpert(redis, { id: stale, kind: 'cluster', centroid: [1, 0], tenant: TENANT, rank: 8, version: 1, trained_at: '2026-12-01T00:00:00Z' });
    const release: ClusterRelease = {
      round: '4', released_at: '2026-12-04T00:00:00Z', epsilon: 1, sigma: 3,
      clusters: [
        { id: 'cluster-0', centroid: [3, 4], style_prior: { casual: 0.85, formal: 0.05, technical: 0.05, creative: 0.05 }, size: 41.2, fallback: false },
        { id: 'cluster-1', centroid: [0, -2], style_prior: { casual: 0, formal: 0.1, technical: 0.9, creative: 0 }, size: 12.7, fallback: false },
        // Too thin to release a prior: no expert is trained for it.
        { id: 'cluster-2', centroid: [1, 1], style_prior: { casual: 0.25, formal: 0.25, technical: 0.25, creative: 0.25 }, size: 3, fallback: true },
      ],
    };
    await redis.set(expertClustersKey(TENANT), JSON.stringify(release));
    const result = await attune(['experts', 'train-clusters', '--tenant', TENANT, '--steps', '3']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const ids = [0, 1].map((n) => `cluster-${TENANT.slice(0, 8)}-${n}`);
    const lines = jsonLines(result.stdout);
    expect(lines.map((l) => l.id ?? l.removed)).toEqual([...ids, [stale]]);
    expect(lines.slice(0, 2).every((l) => l.saved === true && l.steps === 3)).toBe(true);

    const mine = (await readRegistry(redis)).experts.filter((e) => e.tenant === TENANT);
    expect(mine.map((e) => e.id)).toEqual(ids);
    expect(mine[0]).toMatchObject({ kind: 'cluster', centroid: [0.6, 0.8], rank: 8, training: { round: '4', style_prior: release.clusters[0].style_prior } });
    expect(mine[1].centroid).toEqual([0, -1]);
    for (const id of ids) expect((await store.current(await expertOwnerKey(id)))!.version).toBe(1);
  });

  describe.concurrent('rejects bad input with exit status 2 and one stderr line naming it', () => {
    const cases: [string, string[], Record<string, string | undefined>, string][] = [
      ['an unknown domain', ['train-domain', '--domain', 'cooking'], {}, 'attune: --domain must be one of writing, code, tutoring, shopping, health, general or all, got "cooking"\n'],
      ['a missing --domain', ['train-domain'], {}, "attune: required option '--domain <d>' not specified\n"],
      ['a missing --tenant', ['train-clusters'], {}, "attune: required option '--tenant <key>' not specified\n"],
      ['a tenant that is not a 64-hex key', ['train-clusters', '--tenant', 'acme'], {}, 'attune: --tenant must be a 64-character lowercase hex tenant key, got "acme"\n'],
      ['a tenant with no released clusters', ['train-clusters', '--tenant', '0'.repeat(64)], {}, `attune: no clusters released for tenant ${'0'.repeat(64)} (attune:{experts}:clusters:${'0'.repeat(64)} is empty)\n`],
      ['no ADAPTER_ENCRYPTION_KEY', ['train-domain', '--domain', 'code'], { ADAPTER_ENCRYPTION_KEY: undefined }, 'attune: ADAPTER_ENCRYPTION_KEY is required: the worker’s adapter key, kid:base64url(32 bytes)\n'],
      ['no Redis URL', ['list'], { REDIS_URL: undefined }, 'attune: --redis is required (or set REDIS_URL)\n'],
      ['--steps 0', ['train-domain', '--domain', 'code', '--steps', '0'], {}, 'attune: --steps must be an integer in 1..100000, got "0"\n'],
      ['a rank above the model’s maximum', ['train-domain', '--domain', 'code', '--rank', '65'], {}, 'attune: --rank must be at most the model\'s maximum rank 64, got 65\n'],
    ];
    for (const [what, args, extraEnv, stderr] of cases) {
      it(what, async () => {
        const result = await attune(['experts', ...args], extraEnv);
        expect(result.stderr).toBe(stderr);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
      });
    }
  });
});
