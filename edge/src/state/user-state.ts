/**
 * @module edge/state/user-state
 * `UserState`: one Durable Object per user (named by the user's storage key), SQLite-backed,
 * the authoritative store of the user's profile, feedback, PII vaults of live jobs, job index,
 * privacy ledger, and the personalization engine's state and memories (personalization-store.ts).
 * Personal data is sealed with the user's own data key (envelope encryption); `erase` destroys
 * that key first (crypto-shredding), then the data.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Profile, StoredProfile } from '../../../shared/api/profile';
import { createDataKey, openJson, sealJson, unwrapDataKey } from '../../../shared/privacy/crypto/envelope';
import { loadKeyring, type Keyring } from '../../../shared/privacy/crypto/keyring';
import type { BudgetPolicy, LedgerCharge } from '../../../shared/privacy/ledger/budget-ledger';
import type { DriftDirection } from '../../../shared/personalization/page-hinkley';
import type { PersonalizationState } from '../../../shared/personalization/personalization-state';
import type { EdgeEnv } from '../env';
import { runMemoryOperation, type MemoryOperation, type MemoryOperationResult } from './memory-records';
import { insertFeedback, keepTrainingExample, readFeedback, type FeedbackRecord, type TrainingExample } from './feedback-records';
import {
  beginInteraction, clearRefreshRequest, createSerializer, takeClusterContribution, exportPersonalization, learnFromJobFeedback, loadMemories, loadPersonalization, storedStateBytes,
  type FeedbackSignal, type InteractionInput, type InteractionOutcome, type KeySource,
} from './personalization-store';
import { applyCharge, budgetStatus, refundCharge, resetPeriod, type ChargeOutcome } from './privacy-ledger-store';
import { dropLegacyTables, ERASED_TABLES, RETAINED_TABLES, USER_STATE_DDL } from './user-schema';

type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** Ledger rows younger than this survive erasure (covers any current budget period). */
const LEDGER_KEEP_AFTER_ERASURE_MS = 62 * 86_400_000;

export type { FeedbackRecord, TrainingExample } from './feedback-records';

/** What `erase` removed; the edge then clears Redis and KV for the listed jobs. */
export interface ErasureResult {
  erased_at: string;
  job_ids: string[];
  counts: Record<string, number>;
}

export class UserState extends DurableObject<EdgeEnv> {
  private keyring: Keyring | null = null;
  private dataKey: AesKey | null = null;
  /** Personalization and memory updates, one at a time. */
  private readonly serialized = createSerializer();

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      dropLegacyTables(this.ctx.storage.sql);
      for (const ddl of USER_STATE_DDL) this.ctx.storage.sql.exec(ddl);
    });
  }

  protected sql() {
    return this.ctx.storage.sql;
  }

  /** Binds the object to its owner on first use and refuses calls for anyone else. */
  protected bind(owner: string): boolean {
    const row = this.sql().exec<{ v: string }>(`SELECT v FROM meta WHERE k = 'owner'`).toArray()[0];
    if (!row) {
      this.sql().exec(`INSERT INTO meta (k, v) VALUES ('owner', ?)`, owner);
      return true;
    }
    if (row.v !== owner) throw new Error('user state called for another owner');
    return false;
  }

  /** True after `erase` until the user writes again. */
  isErased(): boolean {
    return this.sql().exec(`SELECT 1 FROM meta WHERE k = 'erased_at'`).toArray().length > 0;
  }

  /** The user's data key, created (and wrapped with the current KEK) on first use. */
  protected async key(owner: string): Promise<AesKey> {
    if (this.dataKey) return this.dataKey;
    this.keyring ??= await loadKeyring(this.env.ENCRYPTION_KEY);
    const row = this.sql().exec<{ wrapped: string }>('SELECT wrapped FROM data_key WHERE id = 1').toArray()[0];
    if (row) {
      this.dataKey = await unwrapDataKey(this.keyring, owner, row.wrapped);
    } else {
      const created = await createDataKey(this.keyring, owner);
      this.sql().exec('INSERT INTO data_key (id, wrapped, created_at) VALUES (1, ?, ?)', created.wrapped, new Date().toISOString());
      this.dataKey = created.key;
    }
    return this.dataKey;
  }

  protected keySource = (owner: string): KeySource => () => this.key(owner);

  /** A write re-activates an erased user with a fresh data key. */
  protected reactivate(): void {
    this.sql().exec(`DELETE FROM meta WHERE k = 'erased_at'`);
  }

  /** The stored profile (empty for a new user), or null after erasure. */
  async getProfile(owner: string): Promise<StoredProfile | null> {
    this.bind(owner);
    if (this.isErased()) return null;
    const row = this.sql().exec<{ sealed: string; updated_at: string }>('SELECT sealed, updated_at FROM profile WHERE id = 1').toArray()[0];
    if (!row) return { updated_at: null };
    return { ...(await openJson<Profile>(await this.key(owner), row.sealed, `${owner}:profile`)), updated_at: row.updated_at };
  }

  /** Replaces the profile. */
  async putProfile(owner: string, profile: Profile): Promise<StoredProfile> {
    this.bind(owner);
    this.reactivate();
    const sealed = await sealJson(await this.key(owner), profile, `${owner}:profile`);
    const updatedAt = new Date().toISOString();
    this.sql().exec('INSERT OR REPLACE INTO profile (id, sealed, updated_at) VALUES (1, ?, ?)', sealed, updatedAt);
    return { ...profile, updated_at: updatedAt };
  }

  /** Records a job of this user, with its sealed PII vault (placeholder → value) when it has one. */
  async recordJob(owner: string, jobId: string, vault: Record<string, string> | null): Promise<{ registered: boolean }> {
    const firstUse = this.bind(owner);
    const registered = firstUse || this.sql().exec(`SELECT 1 FROM meta WHERE k = 'registered'`).toArray().length === 0;
    if (registered) this.sql().exec(`INSERT OR REPLACE INTO meta (k, v) VALUES ('registered', '1')`);
    this.reactivate();
    const now = new Date().toISOString();
    this.sql().exec('INSERT OR IGNORE INTO jobs (job_id, created_at) VALUES (?, ?)', jobId, now);
    if (vault && Object.keys(vault).length) {
      const sealed = await sealJson(await this.key(owner), vault, `${owner}:vault:${jobId}`);
      this.sql().exec('INSERT OR REPLACE INTO vaults (job_id, sealed, created_at) VALUES (?, ?, ?)', jobId, sealed, now);
    }
    return { registered };
  }

  /** Whether the job is this user's (and not erased). */
  ownsJob(owner: string, jobId: string): boolean {
    this.bind(owner);
    return !this.isErased() && this.sql().exec('SELECT 1 FROM jobs WHERE job_id = ?', jobId).toArray().length > 0;
  }

  /** The job's vault, or an empty one. */
  async openVault(owner: string, jobId: string): Promise<Record<string, string>> {
    this.bind(owner);
    if (this.isErased()) return {};
    const row = this.sql().exec<{ sealed: string }>('SELECT sealed FROM vaults WHERE job_id = ?', jobId).toArray()[0];
    return row ? openJson<Record<string, string>>(await this.key(owner), row.sealed, `${owner}:vault:${jobId}`) : {};
  }

  /**
   * Records feedback on one of the user's jobs and learns from it at once (`signal`), so the next
   * request reflects it. Refuses (`missing`) a job the user does not own — the feedback's job or
   * the other job of a choice. Returns the count, any drift, whether an adapter refresh is waiting,
   * and whether the user may contribute to population clustering.
   */
  async addFeedback(owner: string, entry: Omit<FeedbackRecord, 'created_at'>, signal: FeedbackSignal) {
    if (!this.ownsJob(owner, entry.job_id)) return { missing: 'job_id' as const };
    if (entry.chosen_over && !this.ownsJob(owner, entry.chosen_over)) return { missing: 'chosen_over' as const };
    const count = await insertFeedback(this.sql(), await this.key(owner), owner, entry);
    const profile = await this.getProfile(owner);
    const learned = await this.serialized(() => learnFromJobFeedback(this.sql(), this.keySource(owner), owner, profile, signal, Date.now()));
    return { missing: null, count, ...learned };
  }

  /**
   * Keeps training examples derived from feedback (texts pseudonymized, sealed here) and hands over
   * a batch once `normal` are waiting — `refresh` while a drift alarm's adapter refresh is
   * requested, which also flushes a batch without a new example.
   */
  async addTrainingExamples(owner: string, examples: TrainingExample[], thresholds: { normal: number; refresh: number }): Promise<{ taken: TrainingExample[]; refresh: boolean }> {
    this.bind(owner);
    const key = await this.key(owner);
    const refresh = (await loadPersonalization(this.sql(), this.keySource(owner), owner)).adapterRefreshRequested;
    let taken: TrainingExample[] = [];
    for (const example of examples.length ? examples : refresh ? [null] : []) {
      const kept = await keepTrainingExample(this.sql(), key, owner, example, refresh ? thresholds.refresh : thresholds.normal);
      if (kept.taken.length) taken = kept.taken;
    }
    return { taken, refresh };
  }

  /** Charges and returns the user's contribution to a population-clustering round (see `takeClusterContribution`). */
  async clusterContribution(owner: string, round: string, charge: LedgerCharge, policy: BudgetPolicy) {
    this.bind(owner);
    return this.serialized(() => takeClusterContribution(this.sql(), this.keySource(owner), owner, round, charge, policy, Date.now()));
  }

  /** The adapter refresh a drift alarm asked for has been queued. */
  async clearAdapterRefresh(owner: string): Promise<void> {
    this.bind(owner);
    await this.serialized(() => clearRefreshRequest(this.sql(), this.keySource(owner), owner, Date.now()));
  }

  /** The submit path's one call: records job and vault, then personalization-store's `beginInteraction`. */
  async beginInteraction(owner: string, input: InteractionInput & { vault: Record<string, string> | null }): Promise<InteractionOutcome & { registered: boolean }> {
    const { registered } = await this.recordJob(owner, input.jobId, input.vault);
    const profile = await this.getProfile(owner);
    const outcome = await this.serialized(() => beginInteraction(this.sql(), this.keySource(owner), owner, profile, input, Date.now()));
    return { ...outcome, registered };
  }

  /** Lists, adds (text already sanitized), removes or clears the user's memories. */
  async memories(owner: string, operation: MemoryOperation): Promise<MemoryOperationResult> {
    this.bind(owner);
    if (operation.op === 'add') this.reactivate();
    return this.serialized(() => runMemoryOperation(this.sql(), this.keySource(owner), owner, operation, Date.now()));
  }

  /** The engine's state, the number of memories and the period's budget, for `GET /v1/me/insights`. */
  async insights(owner: string, policy: BudgetPolicy): Promise<{ state: PersonalizationState; memories: number; budget: ChargeOutcome }> {
    this.bind(owner);
    const key = this.keySource(owner);
    return { state: await loadPersonalization(this.sql(), key, owner), memories: (await loadMemories(this.sql(), key, owner)).items.length, budget: budgetStatus(this.sql(), policy) };
  }

  /** Feedback entries, newest first. */
  async listFeedback(owner: string, limit = 1000): Promise<FeedbackRecord[]> {
    this.bind(owner);
    return readFeedback(this.sql(), await this.key(owner), owner, limit);
  }

  /** Charges the privacy budget atomically; refused when the period's ε would exceed the cap. */
  chargeBudget(owner: string, charge: LedgerCharge, policy: BudgetPolicy): ChargeOutcome {
    this.bind(owner);
    return applyCharge(this.sql(), charge, policy);
  }

  /** Takes back a charge whose work never happened (the job could not be queued). */
  refundCharge(owner: string, seq: number, reason: string): { refunded: boolean } {
    this.bind(owner);
    return { refunded: refundCharge(this.sql(), seq, reason) };
  }

  /** The current period's spend. */
  budget(owner: string, policy: BudgetPolicy): ChargeOutcome {
    this.bind(owner);
    return budgetStatus(this.sql(), policy);
  }

  /** Operator reset of the current period (kept in the audit log). */
  resetBudget(owner: string, policy: BudgetPolicy, reason: string): { removed: number } {
    this.bind(owner);
    return { removed: resetPeriod(this.sql(), policy, reason) };
  }

  /** Everything stored about the user, decrypted, for `GET /v1/me/export`. */
  async exportAll(owner: string): Promise<Record<string, unknown> | null> {
    this.bind(owner);
    if (this.isErased()) return null;
    return {
      profile: await this.getProfile(owner),
      feedback: await this.listFeedback(owner),
      jobs: this.sql().exec('SELECT job_id, created_at FROM jobs ORDER BY created_at').toArray(),
      privacy_ledger: this.sql().exec('SELECT period, kind, mechanism, params, pure_epsilon, epsilon_after, created_at FROM ledger ORDER BY seq').toArray()
        .map((r) => ({ ...r, params: JSON.parse(String(r.params)) })),
      audit: this.sql().exec('SELECT event, detail, created_at FROM audit ORDER BY seq').toArray().map((r) => ({ ...r, detail: JSON.parse(String(r.detail)) })),
      ...(await exportPersonalization(this.sql(), this.keySource(owner), owner)),
    };
  }

  /** The user's job ids (for clearing Redis before the state itself is erased). */
  listJobIds(owner: string): string[] {
    this.bind(owner);
    return this.sql().exec<{ job_id: string }>('SELECT job_id FROM jobs').toArray().map((r) => r.job_id);
  }

  /**
   * Crypto-shredding: destroys the wrapped data key first (so any copy of a ciphertext is
   * useless), then every row, and leaves a tombstone so reads answer 404.
   */
  async erase(owner: string): Promise<ErasureResult> {
    this.bind(owner);
    const jobIds = this.sql().exec<{ job_id: string }>('SELECT job_id FROM jobs').toArray().map((r) => r.job_id);
    const counts: Record<string, number> = {};
    this.sql().exec('DELETE FROM data_key');
    this.sql().exec(`DELETE FROM meta WHERE k = 'registered'`);
    this.dataKey = null;
    for (const table of ERASED_TABLES) counts[table] = this.sql().exec(`DELETE FROM ${table}`).rowsWritten;
    // Privacy-ledger rows hold numbers only (mechanism, ε); recent ones stay, or erasing would reset the budget.
    counts.ledger = this.sql().exec('DELETE FROM ledger WHERE created_at < ?', new Date(Date.now() - LEDGER_KEEP_AFTER_ERASURE_MS).toISOString()).rowsWritten;
    const erasedAt = new Date().toISOString();
    this.sql().exec(`INSERT OR REPLACE INTO meta (k, v) VALUES ('erased_at', ?)`, erasedAt);
    return { erased_at: erasedAt, job_ids: jobIds, counts };
  }

  /** Raw stored state for tests (only when USER_STATE_TEST_HOOKS is "true"): proves data is sealed and keys are gone. */
  inspectForTest(owner: string): { sealedProfile: string | null; dataKeys: number; storedBytes: Record<string, number> } {
    if ((this.env as unknown as Record<string, string>).USER_STATE_TEST_HOOKS !== 'true') throw new Error('test hooks are disabled');
    this.bind(owner);
    const profile = this.sql().exec<{ sealed: string }>('SELECT sealed FROM profile').toArray()[0];
    return { sealedProfile: profile?.sealed ?? null, dataKeys: this.sql().exec<{ n: number }>('SELECT COUNT(*) AS n FROM data_key').one().n, storedBytes: storedStateBytes(this.sql()) };
  }

  /** Removes rows older than `retentionDays`; returns how many per table. */
  sweep(owner: string, retentionDays: number): Record<string, number> {
    this.bind(owner);
    const cutoff = new Date(Date.now() - retentionDays * 86_400_000).toISOString();
    const removed: Record<string, number> = {};
    for (const { table, column } of RETAINED_TABLES) {
      removed[table] = this.sql().exec(`DELETE FROM ${table} WHERE ${column} < ?`, cutoff).rowsWritten;
    }
    return removed;
  }
}

/** The stub of a user's Durable Object. */
export function userStateStub(env: EdgeEnv, ownerKey: string): DurableObjectStub<UserState> {
  return env.USER_STATE.get(env.USER_STATE.idFromName(ownerKey)) as DurableObjectStub<UserState>;
}
