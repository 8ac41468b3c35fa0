/**
 * @module gpu-worker/training/experts/expert-data
 * The training and validation sequences of expert adapters, built from the PUBLIC synthetic
 * corpus only — never from users' text:
 * - a domain expert learns that domain's examples, all styles, in the default model's prompt formats;
 * - a cluster expert learns examples of every domain whose style is drawn from the cluster's
 *   released `style_prior`, with plain prompts, so the adapter leans to those styles unasked.
 */
import type { Domain as ProfileDomain, Style } from '../../../../shared/api/profile';
import { STYLES } from '../../../../shared/api/profile';
import { TRAIN_ADAPTER_DEFAULTS } from '../../../../shared/jobs/train-adapter-job';
import { TRAIN_BATCH_SIZE } from '../../../../shared/jobs/train-adapter-plan';
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import type { TrainingModel } from '../../worker/training-model';
import { composeResponse } from '../corpus/compose-response';
import { generateCorpus } from '../corpus/generate-corpus';
import { TOPICS_BY_DOMAIN } from '../corpus/topic-bank';
import { DOMAINS as CORPUS_DOMAINS, type CorpusExample, type Domain as CorpusDomain } from '../corpus/types';
import { formatAt, promptMessages, tokenizeForTraining, type PromptFormat } from '../pretrain/pretrain-data';
import { DEFAULT_TRAIN_OPTIONS } from '../pretrain/train-default';
import type { LabelledSequence } from '../training-batch';

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

/** Training and validation sequences of one expert. */
export interface ExpertData {
  train: LabelledSequence[];
  validation: LabelledSequence[];
}

/** How much data to build: `steps` minibatches of training examples, from corpus `seed`. */
export interface ExpertDataOptions {
  steps: number;
  seed: number;
}

/** Corpus examples of `domains`, at most `count`, from `split` (the corpus deals 8 per domain in every 40). */
function corpusOf(seed: number, domains: readonly CorpusDomain[], count: number, split: 'train' | 'validation'): CorpusExample[] {
  const drawn = Math.ceil((count * CORPUS_DOMAINS.length) / domains.length / 40) * 40;
  return generateCorpus({ seed, count: drawn, split }).filter((ex) => domains.includes(ex.domain)).slice(0, count);
}

function sequences(model: TrainingModel, examples: CorpusExample[], format: (i: number) => PromptFormat): LabelledSequence[] {
  return examples.map((ex, i) => tokenizeForTraining(model.tokenizer, promptMessages(ex, format(i)), ex.response, DEFAULT_TRAIN_OPTIONS.maxTokens));
}

const trainCount = (o: ExpertDataOptions) => Math.min(o.steps * TRAIN_BATCH_SIZE, EXPERT_TRAIN_DEFAULTS.maxExamples);

/** A domain expert's data: that domain's examples, every style, the default model's prompt formats. */
export function domainData(model: TrainingModel, domain: ProfileDomain, o: ExpertDataOptions): ExpertData {
  const domains = CORPUS_DOMAINS_OF[domain];
  return {
    train: sequences(model, corpusOf(o.seed, domains, trainCount(o), 'train'), (i) => formatAt(o.seed, i)),
    validation: sequences(model, corpusOf(o.seed, domains, EXPERT_TRAIN_DEFAULTS.evalExamples, 'validation'), (i) => formatAt(o.seed + 1, i)),
  };
}

/** Cluster `n`'s data: examples of every domain, restyled by draws from `prior`, plain prompts. */
export function clusterData(model: TrainingModel, n: number, prior: Record<Style, number>, o: ExpertDataOptions): ExpertData {
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
  return {
    train: sequences(model, restyle(corpusOf(o.seed, CORPUS_DOMAINS, trainCount(o), 'train'), 0), () => 'no-instruction'),
    validation: sequences(model, restyle(corpusOf(o.seed, CORPUS_DOMAINS, EXPERT_TRAIN_DEFAULTS.evalExamples, 'validation'), 1), () => 'no-instruction'),
  };
}
