/**
 * @module edge/state/user-state
 * `UserState`: one Durable Object per user (named by the user's storage key), SQLite-backed,
 * the authoritative store of the user's profile and feedback. Strongly consistent: every
 * read after a write sees it. Later stages add the privacy ledger, memories and vaults here.
 */
import { DurableObject } from 'cloudflare:workers';
import type { StoredProfile, Profile } from '../../../shared/api/profile';
import type { EdgeEnv } from '../env';

/** One feedback entry as stored. */
export interface FeedbackRecord {
  job_id: string;
  rating: number;
  preferred_response: string | null;
  comment: string | null;
  created_at: string;
}

export class UserState extends DurableObject<EdgeEnv> {
  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS profile (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, updated_at TEXT NOT NULL)`);
      this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS feedback (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, rating INTEGER NOT NULL,
        preferred_response TEXT, comment TEXT, created_at TEXT NOT NULL)`);
    });
  }

  /** The stored profile, or an empty one. */
  getProfile(): StoredProfile {
    const row = this.ctx.storage.sql.exec<{ json: string; updated_at: string }>('SELECT json, updated_at FROM profile WHERE id = 1').toArray()[0];
    return row ? { ...(JSON.parse(row.json) as Profile), updated_at: row.updated_at } : { updated_at: null };
  }

  /** Replaces the profile. */
  putProfile(profile: Profile): StoredProfile {
    const updatedAt = new Date().toISOString();
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO profile (id, json, updated_at) VALUES (1, ?, ?)', JSON.stringify(profile), updatedAt);
    return { ...profile, updated_at: updatedAt };
  }

  /** Records feedback on one of the user's jobs; returns how many the user has given. */
  addFeedback(entry: Omit<FeedbackRecord, 'created_at'>): { count: number } {
    this.ctx.storage.sql.exec(
      'INSERT INTO feedback (job_id, rating, preferred_response, comment, created_at) VALUES (?, ?, ?, ?, ?)',
      entry.job_id, entry.rating, entry.preferred_response, entry.comment, new Date().toISOString(),
    );
    const count = this.ctx.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM feedback').one().n;
    return { count };
  }

  /** Feedback entries, newest first. */
  listFeedback(limit = 100): FeedbackRecord[] {
    return this.ctx.storage.sql
      .exec<{ job_id: string; rating: number; preferred_response: string | null; comment: string | null; created_at: string }>(
        'SELECT job_id, rating, preferred_response, comment, created_at FROM feedback ORDER BY seq DESC LIMIT ?', limit,
      )
      .toArray();
  }
}

/** The stub of a user's Durable Object. */
export function userStateStub(env: EdgeEnv, ownerKey: string): DurableObjectStub<UserState> {
  return env.USER_STATE.get(env.USER_STATE.idFromName(ownerKey)) as DurableObjectStub<UserState>;
}
