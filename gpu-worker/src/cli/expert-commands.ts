/**
 * @module gpu-worker/cli/expert-commands
 * `attune experts train-domain | train-clusters | list`: trains the expert adapters the edge's
 * router chooses from, stores them in the encrypted adapter store under `expertOwnerKey(id)` and
 * registers them in the expert registry — the training itself is
 * gpu-worker/src/training/experts/expert-training.ts (also run by the worker's `train-experts`
 * jobs); this module parses options, connects, and prints one JSON line per expert.
 * Exit status: 0 when every expert was saved, 1 when one was not or anything else failed (a
 * malformed release, Redis), 2 for a usage mistake (bad option, no key, nothing released).
 */
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { DOMAINS, type Domain as ProfileDomain } from '../../../shared/api/profile';
import { readRegistry } from '../../../shared/personalization/expert-registry';
import { loadKeyring } from '../../../shared/privacy/crypto/keyring';
import { AdapterStore } from '../adapters/adapter-store';
import {
  clustersToTrain, EXPERT_CLUSTER_SEED, EXPERT_DOMAIN_SEED, EXPERT_TRAIN_DEFAULTS, ExpertTrainingError, readClusterRelease,
  trainClusterExperts, trainDomainExperts, type ExpertReport,
} from '../training/experts/expert-training';
import { DEFAULT_MODEL_DIR } from '../worker/config';
import { loadTrainingModel, type TrainingModel } from '../worker/training-model';
import { CliUsageError, intOption } from './cli-error';

export { EXPERT_CLUSTER_SEED, EXPERT_DOMAIN_SEED, EXPERT_TRAIN_DEFAULTS };

interface TrainOptions {
  steps: number;
  rank: number;
  seed: number;
  redis?: string;
  model?: string;
}

function domainOption(value: string): ProfileDomain | 'all' {
  if (value === 'all' || (DOMAINS as readonly string[]).includes(value)) return value as ProfileDomain | 'all';
  throw new CliUsageError(`--domain must be one of ${DOMAINS.join(', ')} or all, got "${value}"`);
}

function tenantOption(value: string): string {
  if (!/^[0-9a-f]{64}$/.test(value)) throw new CliUsageError(`--tenant must be a 64-character lowercase hex tenant key, got "${value}"`);
  return value;
}

/** Connects to `--redis` or `REDIS_URL`, failing fast (a CLI must not retry forever). */
async function connectRedis(o: { redis?: string }): Promise<Redis> {
  const url = o.redis ?? process.env.REDIS_URL;
  if (!url) throw new CliUsageError('--redis is required (or set REDIS_URL)');
  if (!/^rediss?:\/\//.test(url)) throw new CliUsageError(`--redis must be a redis:// or rediss:// URL, got "${url.replace(/\/\/[^@/]*@/, '//***@')}"`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause ??= error)); // reported by the failing command instead
  await redis.connect().catch((error: Error) => {
    throw new Error(`cannot connect to Redis: ${(cause ?? error).message}`);
  });
  return redis;
}

/** The adapter keyring, from where the worker gets it; checked before any training. */
async function adapterKeyring() {
  const secret = process.env.ADAPTER_ENCRYPTION_KEY;
  if (!secret?.trim()) throw new CliUsageError('ADAPTER_ENCRYPTION_KEY is required: the worker’s adapter key, kid:base64url(32 bytes)');
  return loadKeyring(secret).catch((error: Error) => {
    throw new CliUsageError(error.message.replace(/\bENCRYPTION_KEY\b/g, 'ADAPTER_ENCRYPTION_KEY'));
  });
}

/** Sets up Redis, the store and the model for a training command. */
async function trainingContext(o: TrainOptions): Promise<{ redis: Redis; store: AdapterStore; model: TrainingModel }> {
  const keyring = await adapterKeyring();
  const redis = await connectRedis(o);
  try {
    const model = await loadTrainingModel(o.model ?? process.env.ATTUNE_MODEL_DIR ?? DEFAULT_MODEL_DIR);
    if (o.rank > model.maxRank) throw new CliUsageError(`--rank must be at most the model's maximum rank ${model.maxRank}, got ${o.rank}`);
    const expect = { cfg: model.cfg, baseModelId: model.baseModelId, compiledTargets: model.compiledTargets, maxRank: model.maxRank };
    return { redis, store: new AdapterStore({ redis, keyring, expect }), model };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

const printReport = (report: ExpertReport) => process.stdout.write(`${JSON.stringify(report)}\n`);

/** Nothing released to train on is a usage mistake (exit 2); a malformed release is not. */
function usageErrors<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ExpertTrainingError && (error.code === 'no-release' || error.code === 'no-clusters')) throw new CliUsageError(error.message);
    throw error;
  }
}

function trainingOptions(command: Command, seed: number): Command {
  return command
    .option('--steps <n>', 'SFT steps per expert (8 examples each)', intOption('--steps', 1, 100_000), EXPERT_TRAIN_DEFAULTS.steps)
    .option('--rank <r>', 'LoRA rank (alpha = 2·rank)', intOption('--rank', 1, 1024), EXPERT_TRAIN_DEFAULTS.rank)
    .option('--seed <n>', 'corpus seed', intOption('--seed', 0), seed)
    .option('--redis <url>', 'Redis holding the adapters and the registry; default $REDIS_URL')
    .option('--model <dir>', 'model directory (Hugging Face layout); default $ATTUNE_MODEL_DIR or the default model');
}

/** Adds the `experts` command group. */
export function registerExpertCommands(program: Command): void {
  const experts = program.command('experts').description('train and list the expert adapters the router mixes into users’ adapters');

  trainingOptions(experts.command('train-domain').description('train a LoRA expert per domain on the public corpus and register it'), EXPERT_DOMAIN_SEED)
    .requiredOption('--domain <d>', `${DOMAINS.join('|')}|all`, domainOption)
    .action(async (o: TrainOptions & { domain: ProfileDomain | 'all' }) => {
      const ctx = await trainingContext(o);
      let reports: ExpertReport[];
      try {
        const domains = o.domain === 'all' ? DOMAINS : [o.domain];
        reports = await trainDomainExperts({ ...ctx, domains, steps: o.steps, rank: o.rank, seed: o.seed, onExpert: printReport });
      } finally {
        ctx.redis.disconnect();
      }
      const failed = reports.filter((r) => !r.saved).length;
      if (failed) throw new Error(`${failed} expert(s) not saved (see their lines)`);
    });

  trainingOptions(experts.command('train-clusters').description('train a LoRA expert per released cluster of a tenant (styles drawn from its style prior) and register it'), EXPERT_CLUSTER_SEED)
    .requiredOption('--tenant <key>', 'the tenant’s 64-hex storage key', tenantOption)
    .action(async (o: TrainOptions & { tenant: string }) => {
      await adapterKeyring(); // a missing key is reported before anything is read
      const probe = await connectRedis(o);
      const release = await readClusterRelease(probe, o.tenant).finally(() => probe.disconnect());
      usageErrors(() => clustersToTrain(release, o.tenant)); // before the model loads
      const ctx = await trainingContext(o);
      let failed: number;
      try {
        const result = await trainClusterExperts({ ...ctx, tenant: o.tenant, release, steps: o.steps, rank: o.rank, seed: o.seed, onExpert: printReport });
        if (result.removed.length) process.stdout.write(`${JSON.stringify({ removed: result.removed })}\n`);
        failed = result.experts.filter((r) => !r.saved).length;
      } finally {
        ctx.redis.disconnect();
      }
      if (failed) throw new Error(`${failed} expert(s) not saved (see their lines)`);
    });

  experts
    .command('list')
    .description('print the expert registry, one JSON line per expert')
    .option('--redis <url>', 'Redis holding the registry; default $REDIS_URL')
    .action(async (o: { redis?: string }) => {
      const redis = await connectRedis(o);
      try {
        const { experts: entries, invalid } = await readRegistry(redis);
        for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
        for (const field of invalid) process.stderr.write(`attune: note: registry entry ${field} is malformed; skipped\n`);
      } finally {
        redis.disconnect();
      }
    });
}
