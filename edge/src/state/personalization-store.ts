/**
 * @module edge/state/personalization-store
 * The personalization engine's storage inside a UserState object: the engine's state
 * (`shared/personalization/personalization-state.ts`) and the user's memories, each one JSON value
 * sealed with the user's data key in `personal_state`, and the template attributes each job was
 * generated with in `job_choices` (sealed too), so that feedback can credit them. UserState runs
 * these read-modify-write steps through one `createSerializer()`, so a request and a rating that
 * arrive together cannot lose each other's update.
 */
import type { Domain, Profile, ResponseLength, Style } from '../../../shared/api/profile';
import { applyColdStart, contributionFor, CONTRIBUTE_AFTER_FEEDBACK, userClusterPoint } from '../../../shared/personalization/cold-start';
import type { BudgetPolicy, LedgerCharge } from '../../../shared/privacy/ledger/budget-ledger';
import { applyCharge, periodChargeCount } from './privacy-ledger-store';
import type { ContentPreferences } from '../../../shared/personalization/content-filter';
import type { ReleasedClusters } from '../../../shared/personalization/population-clusters';
import { posteriorMean } from '../../../shared/personalization/preference-model';
import type { DomainClassification } from '../../../shared/personalization/domain-classifier';
import { contextualQuery, type MemoryState } from '../../../shared/personalization/memory-store';
import { dequantize, fromStoredEmbedding } from '../../../shared/personalization/user-embedding';
import type { DriftDirection } from '../../../shared/personalization/page-hinkley';
import {
  clearAdapterRefresh, learnFromFeedback, noteInteraction, restorePersonalizationState, takeAdaptationTimes, type PersonalizationState,
} from '../../../shared/personalization/personalization-state';
import { ratingReward, type PreferenceFeedback } from '../../../shared/personalization/preference-feedback';
import type { PreferenceAttributes } from '../../../shared/personalization/preference-model';
import { planPersonalization, resolveDomain, type PersonalizationPlan } from '../../../shared/personalization/personalize-request';
import { choiceAttributes, type ChosenAttribute } from '../../../shared/personalization/template-library';
import { secureRandom } from '../../../shared/privacy/dp/secure-random';
import { openJson, sealJson } from '../../../shared/privacy/crypto/envelope';

type Sql = DurableObjectStorage['sql'];
type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
/** The user's data key, fetched (or created) only when something is sealed or opened. */
export type KeySource = () => Promise<AesKey>;

/**
 * Runs async steps one at a time, in call order. The read-modify-write steps below await
 * WebCrypto between reading and writing a sealed value, so two calls could otherwise interleave
 * and lose an update; unlike `blockConcurrencyWhile`, a failing step does not reset the object.
 */
export function createSerializer(): <T>(step: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>) => {
    const run = tail.then(step, step);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Names of the sealed values in `personal_state`. */
export type StateName = 'personalization' | 'memories';

/** Job choices serve feedback only, which needs the job in Redis (kept 1 day, failed jobs 7): older rows go. */
const JOB_CHOICE_KEEP_MS = 8 * 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Opens a sealed value, or null when there is none (the key is not touched then). */
export async function readSealed<T>(sql: Sql, key: KeySource, owner: string, name: StateName): Promise<T | null> {
  const row = sql.exec<{ sealed: string }>('SELECT sealed FROM personal_state WHERE name = ?', name).toArray()[0];
  return row ? openJson<T>(await key(), row.sealed, `${owner}:${name}`) : null;
}

/** Seals and stores a value. */
export async function writeSealed(sql: Sql, key: KeySource, owner: string, name: StateName, value: unknown, now: number): Promise<void> {
  const sealed = await sealJson(await key(), value, `${owner}:${name}`);
  sql.exec('INSERT OR REPLACE INTO personal_state (name, sealed, updated_at) VALUES (?, ?, ?)', name, sealed, iso(now));
}

export async function loadPersonalization(sql: Sql, key: KeySource, owner: string): Promise<PersonalizationState> {
  return restorePersonalizationState(await readSealed<unknown>(sql, key, owner, 'personalization'));
}

export async function loadMemories(sql: Sql, key: KeySource, owner: string): Promise<MemoryState> {
  return (await readSealed<MemoryState>(sql, key, owner, 'memories')) ?? { items: [] };
}

/** What the submit path sends for one request. */
export interface InteractionInput {
  jobId: string;
  /** False when the privacy budget refused personalization: the request is only counted. */
  personalize: boolean;
  /** The request's own `domain`, which wins over the classifier. */
  requestDomain?: Domain;
  classification: DomainClassification;
  /** `embedText` of the sanitized prompt. */
  embedding: Float32Array;
  /** Hour of the day to count: local when the request named a valid time zone, else UTC. */
  hour: number;
  /** Two-letter country code from `cf.country`, or null. */
  country: string | null;
  /** `use_memories` of the request. */
  useMemories: boolean;
  /** Attributes the template states from what was learned (`LEARNED_TEMPLATE_ATTRIBUTES`). */
  learnedAttributes?: ChosenAttribute[];
  /** The tenant's latest released population clusters, for cold start (null when none yet). */
  released?: ReleasedClusters | null;
}

/** What the submit path gets back. */
export interface InteractionOutcome {
  personalized: boolean;
  domain: Domain;
  /** The rendered system template, or null when not personalized. */
  system: string | null;
  /** Retrieved memory texts (placeholders, no values), best first. */
  memoryTexts: string[];
  /** Adaptation time (ms) of each feedback this request was the first to use. */
  adaptationMs: number[];
  /** What best-of selection scores candidates by: the explicit style, else the style posterior mean; null when not personalized. */
  styleWeights: Partial<Record<Style, number>> | null;
  /** The profile's content preferences and best-of setting. */
  content: ContentPreferences | null;
  bestOf: number | null;
  /** The user's embedding in cluster space (for routing cluster experts), or null. */
  clusterPoint: number[] | null;
}

/**
 * One request: chooses the template and retrieves memories (when `personalize`), records the
 * job's chosen attributes, counts the interaction and folds its embedding into the user's.
 */
export async function beginInteraction(sql: Sql, key: KeySource, owner: string, profile: Profile | null, input: InteractionInput, now: number): Promise<InteractionOutcome> {
  let state = applyColdStart(await loadPersonalization(sql, key, owner), input.released ?? null);
  const domain = resolveDomain(input.requestDomain, input.classification, profile);
  let plan: PersonalizationPlan | null = null;
  let adaptationMs: number[] = [];
  if (input.personalize) {
    const memories = input.useMemories ? await loadMemories(sql, key, owner) : null;
    plan = planPersonalization({
      preferences: state.preferences, profile, domain, memories, queryEmbedding: contextualQuery(input.embedding, interactionMeanOf(state)), now,
      rng: () => secureRandom.uniformOpen(), learnedAttributes: input.learnedAttributes,
    });
    await recordJobChoice(sql, key, owner, input.jobId, choiceAttributes(plan.choice), now);
    if (plan.usedPosterior) ({ state, adaptationMs } = takeAdaptationTimes(state, now));
  }
  state = noteInteraction(state, { now, hour: input.hour, domain, country: input.country, embedding: input.embedding, profile });
  await writeSealed(sql, key, owner, 'personalization', state, now);
  const styleWeights = !plan ? null : profile?.style ? { [profile.style]: 1 } : posteriorMean(state.preferences, 'style');
  const point = userClusterPoint(state);
  return {
    personalized: plan !== null, domain, system: plan?.system ?? null, memoryTexts: plan?.memoryTexts ?? [], adaptationMs,
    styleWeights, content: profile?.content ?? null, bestOf: profile?.best_of ?? null, clusterPoint: point ? Array.from(point) : null,
  };
}

/** The user's running mean of prompt embeddings, or null before their first prompt with words. */
function interactionMeanOf(state: PersonalizationState): Float32Array | null {
  return state.interactionMean ? dequantize(fromStoredEmbedding(state.interactionMean)) : null;
}

async function recordJobChoice(sql: Sql, key: KeySource, owner: string, jobId: string, attributes: PreferenceAttributes, now: number): Promise<void> {
  sql.exec('DELETE FROM job_choices WHERE created_at < ?', iso(now - JOB_CHOICE_KEEP_MS));
  const sealed = await sealJson(await key(), attributes, `${owner}:choice:${jobId}`);
  sql.exec('INSERT OR REPLACE INTO job_choices (job_id, sealed, created_at) VALUES (?, ?, ?)', jobId, sealed, iso(now));
}

/** One piece of feedback on a job, as the engine learns from it. */
export type FeedbackSignal =
  | { kind: 'rating'; jobId: string; rating: number }
  | { kind: 'thumbs'; jobId: string; up: boolean }
  /** The user preferred `jobId`'s response over `rejectedJobId`'s. */
  | { kind: 'choice'; jobId: string; rejectedJobId: string }
  /** The user edited `jobId`'s response: the length of each text, when the edit clearly changed it (else null). */
  | { kind: 'edit'; jobId: string; lengths: { original: ResponseLength; edited: ResponseLength } | null };

/** The preference evidence of a signal, given the attributes recorded for the jobs it names. */
function preferenceFeedback(signal: FeedbackSignal, own: PreferenceAttributes | null, other: PreferenceAttributes | null): PreferenceFeedback | null {
  switch (signal.kind) {
    case 'rating':
      return own ? { kind: 'rating', attributes: own, rating: signal.rating } : null;
    case 'thumbs':
      return own ? { kind: 'thumbs', attributes: own, up: signal.up } : null;
    case 'choice':
      return own && other ? { kind: 'choice', chosen: own, rejected: other } : null;
    case 'edit':
      // Only the length of an edit is read here: the style of the user's own text is not judged at the edge.
      return signal.lengths ? { kind: 'edit', original: { length: signal.lengths.original }, edited: { length: signal.lengths.edited } } : null;
  }
}

/** Satisfaction value for Page-Hinkley: ratings and thumbs say how satisfied the user was; a choice or an edit does not. */
function satisfactionOf(signal: FeedbackSignal): number | null {
  if (signal.kind === 'rating') return ratingReward(signal.rating);
  if (signal.kind === 'thumbs') return signal.up ? 1 : -1;
  return null;
}

async function jobAttributes(sql: Sql, key: KeySource, owner: string, jobId: string): Promise<PreferenceAttributes | null> {
  const row = sql.exec<{ sealed: string }>('SELECT sealed FROM job_choices WHERE job_id = ?', jobId).toArray()[0];
  return row ? openJson<PreferenceAttributes>(await key(), row.sealed, `${owner}:choice:${jobId}`) : null;
}

/**
 * Feedback on one of the user's jobs: credits the attributes the job (and, for a choice, the other
 * job) was generated with — none when it was not personalized — and feeds ratings and thumbs to
 * the satisfaction stream's drift detector. On a drift the training examples still waiting are
 * dropped (they teach the old preference). Returns the drift found and whether an adapter refresh
 * is waiting (set by this or an earlier drift alarm).
 */
export async function learnFromJobFeedback(
  sql: Sql, key: KeySource, owner: string, profile: Profile | null, signal: FeedbackSignal, now: number,
): Promise<{ drift: DriftDirection | null; refreshRequested: boolean; mayContribute: boolean; contributedRound: string | null }> {
  const own = await jobAttributes(sql, key, owner, signal.jobId);
  const other = signal.kind === 'choice' ? await jobAttributes(sql, key, owner, signal.rejectedJobId) : null;
  const outcome = learnFromFeedback(await loadPersonalization(sql, key, owner), {
    feedback: preferenceFeedback(signal, own, other), satisfaction: satisfactionOf(signal), now, profile,
  });
  await writeSealed(sql, key, owner, 'personalization', outcome.state, now);
  // Examples waiting from before a drift teach the preference the user just left: the refresh trains on newer ones.
  if (outcome.drift) sql.exec('DELETE FROM training_examples');
  return {
    drift: outcome.drift, refreshRequested: outcome.state.adapterRefreshRequested,
    mayContribute: outcome.state.analytics.feedback >= CONTRIBUTE_AFTER_FEEDBACK, contributedRound: outcome.state.contributedRound,
  };
}

/** Population-clustering rounds a user contributes to per budget period. */
export const CLUSTER_ROUNDS_PER_PERIOD = 1;

/**
 * The user's contribution to population-clustering round `round`, with its charge already on
 * their ledger (`seq`), or null when they may not contribute (too little feedback, already in this
 * round or in {@link CLUSTER_ROUNDS_PER_PERIOD} rounds this period, no embedding) or the charge
 * was refused (budget spent).
 */
export async function takeClusterContribution(
  sql: Sql, key: KeySource, owner: string, round: string, charge: LedgerCharge, policy: BudgetPolicy, now: number,
): Promise<{ contribution: { point: number[]; style: Partial<Record<Style, number>> }; seq: number } | null> {
  const state = await loadPersonalization(sql, key, owner);
  const contribution = contributionFor(state, round);
  // Clustering may take one round's ε per budget period, so the rest stays for personalization.
  if (!contribution || periodChargeCount(sql, policy, charge.kind) >= CLUSTER_ROUNDS_PER_PERIOD) return null;
  const outcome = applyCharge(sql, charge, policy);
  if (!outcome.ok || outcome.seq === null) return null;
  await writeSealed(sql, key, owner, 'personalization', { ...state, contributedRound: round }, now);
  return { contribution: { point: Array.from(contribution.point), style: contribution.style }, seq: outcome.seq };
}

/** Clears the adapter refresh a drift alarm requested, once the refresh is queued. */
export async function clearRefreshRequest(sql: Sql, key: KeySource, owner: string, now: number): Promise<void> {
  const state = await loadPersonalization(sql, key, owner);
  if (state.adapterRefreshRequested) await writeSealed(sql, key, owner, 'personalization', clearAdapterRefresh(state), now);
}

/** Everything the engine keeps about the user, decrypted, for `GET /v1/me/export`. */
export async function exportPersonalization(sql: Sql, key: KeySource, owner: string): Promise<Record<string, unknown>> {
  const state = await loadPersonalization(sql, key, owner);
  const memories = await loadMemories(sql, key, owner);
  const rows = sql.exec<{ job_id: string; sealed: string; created_at: string }>('SELECT job_id, sealed, created_at FROM job_choices ORDER BY created_at').toArray();
  const jobChoices = [];
  for (const r of rows) jobChoices.push({ job_id: r.job_id, attributes: await openJson<PreferenceAttributes>(await key(), r.sealed, `${owner}:choice:${r.job_id}`), created_at: r.created_at });
  return {
    preference_posteriors: state.preferences,
    satisfaction_detector: state.satisfaction,
    analytics: state.analytics,
    drift_events: state.driftEvents.map((e) => ({ at: iso(e.at), direction: e.direction })),
    adapter_refresh_requested: state.adapterRefreshRequested,
    cluster_prior: state.clusterPrior,
    contributed_round: state.contributedRound,
    interaction_mean: state.interactionMean,
    user_embedding: state.userEmbedding,
    memories: memories.items.map((m) => ({ id: m.id, kind: m.kind, text: m.text, created_at: iso(m.createdAt) })),
    job_choices: jobChoices,
  };
}

/** Stored bytes of the sealed per-user state (sealed text is ASCII, so characters are bytes). */
export function storedStateBytes(sql: Sql): Record<string, number> {
  const one = (q: string) => sql.exec<{ n: number | null }>(q).toArray()[0]?.n ?? 0;
  const bytes: Record<string, number> = {
    profile: one('SELECT length(sealed) AS n FROM profile'),
    personalization: one(`SELECT length(sealed) AS n FROM personal_state WHERE name = 'personalization'`),
    memories: one(`SELECT length(sealed) AS n FROM personal_state WHERE name = 'memories'`),
  };
  bytes.state_total = bytes.profile + bytes.personalization + bytes.memories;
  bytes.job_choices = one('SELECT SUM(length(sealed)) AS n FROM job_choices');
  bytes.job_choice_rows = one('SELECT COUNT(*) AS n FROM job_choices');
  return bytes;
}
