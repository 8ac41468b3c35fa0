/**
 * @module gpu-worker/cli/expert-commands
 * `attune experts train-domain | train-clusters | list`: trains the expert adapters the edge's
 * router chooses from (shared/personalization/expert-router.ts), stores them in the encrypted
 * adapter store under `expertOwnerKey(id)` and registers them in the expert registry.
 *
 * Every expert is a fresh LoRA trained by SFT (the `train-adapter` machinery,
 * `runAdapterTraining`) on the PUBLIC synthetic corpus only — never on users' text:
 * - a domain expert on that domain's examples, all styles, in the default model's prompt formats;
 * - a cluster expert on examples of every domain whose style is drawn from the cluster's
 *   released `style_prior`, with plain prompts, so the adapter leans to those styles unasked.
 *   The clusters are the edge's differentially private release; training on them is
 *   post-processing of a private output (Dwork & Roth 2014, Prop. 2.1): no further privacy cost.
 * An expert is kept only if its validation loss fell; the job-level divergence rule (last five
 * minibatch losses vs the first) is not used, as the corpus's mixed prompt formats make single
 * minibatch losses range from about 0.2 to 1.4.
 */
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { DOMAINS, STYLES, type Domain as ProfileDomain, type Style } from '../../../shared/api/profile';
import { TRAIN_ADAPTER_DEFAULTS } from '../../../shared/jobs/train-adapter-job';
import { TRAIN_BATCH_SIZE } from '../../../shared/jobs/train-adapter-plan';
import {
  clusterReleaseSchema, EXPERT_REGISTRY_KEY, expertClustersKey, expertOwnerKey, readRegistry, registerExpert, type RegisteredExpert,
} from '../../../shared/personalization/expert-registry';
import { loadKeyring } from '../../../shared/privacy/crypto/keyring';
import { createSeededRng } from '../../../shared/random/seeded-rng';
import { AdapterStore } from '../adapters/adapter-store';
import { freshAdapter } from '../adapters/fresh-adapter';
import { composeResponse } from '../training/corpus/compose-response';
import { generateCorpus } from '../training/corpus/generate-corpus';
import { TOPICS_BY_DOMAIN } from '../training/corpus/topic-bank';
import { DOMAINS as CORPUS_DOMAINS, type CorpusExample, type Domain as CorpusDomain } from '../training/corpus/types';
import { LoraTrainer } from '../training/lora-trainer';
import { formatAt, promptMessages, tokenizeForTraining, type PromptFormat } from '../training/pretrain/pretrain-data';
import { DEFAULT_TRAIN_OPTIONS } from '../training/pretrain/train-default';
import type { LabelledSequence } from '../training/training-batch';
import { runAdapterTraining } from '../worker/adapter-training-run';
import { DEFAULT_MODEL_DIR } from '../worker/config';
import { loadTrainingModel, type TrainingModel } from '../worker/training-model';
import { CliUsageError, intOption } from './cli-error';

/** Corpus seed of domain experts; used by nothing else in the repo. */
export const EXPERT_DOMAIN_SEED = 20261210;
/** Corpus seed of cluster experts (each cluster forks its own stream); used by nothing else. */
export const EXPERT_CLUSTER_SEED = 20261211;
/** Defaults: 15–20 s per expert (training and validation) on 2 CPU cores with the default model. */
export const EXPERT_TRAIN_DEFAULTS = { steps: 60, rank: 8, lr: TRAIN_ADAPTER_DEFAULTS.lr, evalExamples: 64, maxExamples: 4096 } as const;

/** The corpus domains a profile domain's expert learns from (`general`: all of them). */
const CORPUS_DOMAINS_OF: Record<ProfileDomain, readonly CorpusDomain[]> = {
  writing: ['writing'], code: ['code'], tutoring: ['tutor'], shopping: ['shopping'], health: ['health'], general: CORPUS_DOMAINS,
};

interface TrainOptions {
  steps: number;
  rank: number;
  seed: number;
  redis?: string;
  model?: string;
}

/** Training and validation sequences of one expert. */
interface ExpertData {
  train: LabelledSequence[];
  validation: LabelledSequence[];
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

/** Corpus examples of `domains`, at most `count`, from `split` (the corpus deals 8 per domain in every 40). */
function corpusOf(seed: number, domains: readonly CorpusDomain[], count: number, split: 'train' | 'validation'): CorpusExample[] {
  const drawn = Math.ceil((count * CORPUS_DOMAINS.length) / domains.length / 40) * 40;
  return generateCorpus({ seed, count: drawn, split }).filter((ex) => domains.includes(ex.domain)).slice(0, count);
}

function sequences(model: TrainingModel, examples: CorpusExample[], format: (i: number) => PromptFormat): LabelledSequence[] {
  return examples.map((ex, i) => tokenizeForTraining(model.tokenizer, promptMessages(ex, format(i)), ex.response, DEFAULT_TRAIN_OPTIONS.maxTokens));
}

/** A domain expert's data: that domain's examples, every style, the default model's prompt formats. */
function domainData(model: TrainingModel, domain: ProfileDomain, o: TrainOptions): ExpertData {
  const domains = CORPUS_DOMAINS_OF[domain];
  const count = Math.min(o.steps * TRAIN_BATCH_SIZE, EXPERT_TRAIN_DEFAULTS.maxExamples);
  return {
    train: sequences(model, corpusOf(o.seed, domains, count, 'train'), (i) => formatAt(o.seed, i)),
    validation: sequences(model, corpusOf(o.seed, domains, EXPERT_TRAIN_DEFAULTS.evalExamples, 'validation'), (i) => formatAt(o.seed + 1, i)),
  };
}

/** A cluster expert's data: examples of every domain, restyled by draws from `prior`, plain prompts. */
function clusterData(model: TrainingModel, n: number, prior: Record<Style, number>, o: TrainOptions): ExpertData {
  const total = STYLES.reduce((s, k) => s + prior[k], 0);
  const restyle = (examples: CorpusExample[], stream: number) => {
    const rng = createSeededRng(o.seed).fork(n).fork(stream);
    return examples.map((ex, i) => {
      const draw = rng.fork(i);
      let u = draw.next() * total;
      const style = total > 0 ? (STYLES.find((s) => (u -= prior[s]) < 0) ?? STYLES[STYLES.length - 1]) : STYLES[i % STYLES.length];
      const topic = TOPICS_BY_DOMAIN[ex.domain].find((t) => t.id === ex.topic)!;
      return { ...ex, style, response: composeResponse(draw.fork(1), ex.domain, topic, style, ex.length) };
    });
  };
  const count = Math.min(o.steps * TRAIN_BATCH_SIZE, EXPERT_TRAIN_DEFAULTS.maxExamples);
  return {
    train: sequences(model, restyle(corpusOf(o.seed, CORPUS_DOMAINS, count, 'train'), 0), () => 'no-instruction'),
    validation: sequences(model, restyle(corpusOf(o.seed, CORPUS_DOMAINS, EXPERT_TRAIN_DEFAULTS.evalExamples, 'validation'), 1), () => 'no-instruction'),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Trains, validates, stores and registers one expert; prints its JSON line. Returns false when
 * the expert was not kept (non-finite step, or validation loss not lower).
 */
async function trainExpert(
  ctx: { redis: Redis; store: AdapterStore; model: TrainingModel }, o: TrainOptions, adapterSeed: number, data: ExpertData,
  entry: Omit<RegisteredExpert, 'rank' | 'version' | 'trained_at' | 'training'>, training: Record<string, unknown> = {},
): Promise<boolean> {
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(1));
  const { model, store } = ctx;
  const adapter = freshAdapter(model.cfg, { baseModelId: model.baseModelId, targets: model.compiledTargets, rank: o.rank, alpha: 2 * o.rank, seed: adapterSeed });
  // Its parameters are the adapter's own arrays, so it measures the adapter before and after training.
  const validator = await LoraTrainer.create(model.cfg, model.weights, adapter, { objective: 'sft' });
  let before: number, after: number, run;
  try {
    before = mean((await validator.sftPerExampleGradients(data.validation)).losses);
    run = await runAdapterTraining(model.cfg, model.weights, adapter, { sft: data.train, preferences: [] }, { steps: o.steps, lr: EXPERT_TRAIN_DEFAULTS.lr });
    after = run.steps < o.steps ? Number.NaN : mean((await validator.sftPerExampleGradients(data.validation)).losses);
  } finally {
    await validator.close();
  }
  const finalLoss = run.losses.length ? mean(run.losses.slice(-5).map((l) => l.loss)) : null;
  const round = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(4)));
  const line = { id: entry.id, steps: run.steps, examples: data.train.length, loss_before: round(before), loss_after: round(after), final_loss: round(finalLoss) };
  const kept = Number.isFinite(after) && after < before;
  if (!kept) {
    const reason = run.steps < o.steps ? run.discard : `validation loss did not fall (${before.toFixed(4)} → ${after.toFixed(4)})`;
    process.stdout.write(`${JSON.stringify({ ...line, saved: false, reason, seconds: seconds() })}\n`);
    return false;
  }
  const version = await store.save(await expertOwnerKey(entry.id), adapter);
  await registerExpert(ctx.redis, {
    ...entry, rank: o.rank, version, trained_at: new Date().toISOString(),
    training: { ...training, steps: run.steps, examples: data.train.length, seed: o.seed, lr: EXPERT_TRAIN_DEFAULTS.lr, final_loss: round(finalLoss), validation_loss_before: round(before), validation_loss_after: round(after) },
  });
  process.stdout.write(`${JSON.stringify({ ...line, saved: true, version, seconds: seconds() })}\n`);
  return true;
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
      let failed = 0;
      try {
        for (const domain of o.domain === 'all' ? DOMAINS : [o.domain]) {
          const kept = await trainExpert(ctx, o, o.seed + DOMAINS.indexOf(domain), domainData(ctx.model, domain, o), { id: `domain-${domain}`, kind: 'domain', domain });
          if (!kept) failed++;
        }
      } finally {
        ctx.redis.disconnect();
      }
      if (failed) throw new Error(`${failed} expert(s) not saved (see their lines)`);
    });

  trainingOptions(experts.command('train-clusters').description('train a LoRA expert per released cluster of a tenant (styles drawn from its style prior) and register it'), EXPERT_CLUSTER_SEED)
    .requiredOption('--tenant <key>', 'the tenant’s 64-hex storage key', tenantOption)
    .action(async (o: TrainOptions & { tenant: string }) => {
      await adapterKeyring(); // a missing key is reported before anything is read
      const probe = await connectRedis(o);
      const raw = await probe.get(expertClustersKey(o.tenant)).finally(() => probe.disconnect());
      if (raw === null) throw new CliUsageError(`no clusters released for tenant ${o.tenant} (${expertClustersKey(o.tenant)} is empty)`);
      let release;
      try {
        release = clusterReleaseSchema.parse(JSON.parse(raw));
      } catch (error) {
        throw new Error(`the released clusters of tenant ${o.tenant} are malformed: ${(error as Error).message.split('\n')[0]}`);
      }
      // Fallback clusters had too few members to release a prior: nothing to train on.
      const released = release.clusters.filter((c) => !c.fallback);
      if (released.length === 0) throw new CliUsageError(`no clusters released for tenant ${o.tenant} (round ${release.round} holds none with enough members)`);
      const clusters = released.map((c) => {
        // Users are matched to a cluster by the public prototype its members were assigned by, when the release names it.
        const centroid = c.region_centroid ?? c.centroid;
        const norm = Math.hypot(...centroid);
        if (!(norm > 0)) throw new Error(`released cluster ${c.id} of tenant ${o.tenant} has a zero centroid`);
        return { ...c, n: Number(c.id.slice('cluster-'.length)), centroid: centroid.map((x) => x / norm) };
      });
      const ctx = await trainingContext(o);
      const ids = clusters.map((c) => `cluster-${o.tenant.slice(0, 8)}-${c.n}`);
      let failed = 0;
      try {
        for (const [i, c] of clusters.entries()) {
          const entry = { id: ids[i], kind: 'cluster' as const, centroid: c.centroid, tenant: o.tenant };
          const kept = await trainExpert(ctx, o, o.seed + c.n, clusterData(ctx.model, c.n, c.style_prior, o), entry, { round: release.round, style_prior: c.style_prior, cluster_size: c.size });
          if (!kept) failed++;
        }
        // Clusters of an earlier round that this one no longer has would route users to stale centroids.
        const stale = (await readRegistry(ctx.redis)).experts.filter((e) => e.kind === 'cluster' && e.tenant === o.tenant && !ids.includes(e.id)).map((e) => e.id);
        if (stale.length) {
          await ctx.redis.hdel(EXPERT_REGISTRY_KEY, ...stale);
          process.stdout.write(`${JSON.stringify({ removed: stale })}\n`);
        }
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
