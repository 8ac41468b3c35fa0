/**
 * @module edge/state/feedback-records
 * The feedback a user gave and the training examples derived from it, inside their UserState
 * object: each row sealed with the user's data key. Feedback is kept as given (a rating, thumbs,
 * a choice between two of the user's responses, an edit, a preferred response, a comment) for
 * `GET /v1/me/export`; training examples (texts already pseudonymized) wait until enough have
 * gathered for a `train-adapter` job.
 */
import { openJson, sealJson } from '../../../shared/privacy/crypto/envelope';

type Sql = DurableObjectStorage['sql'];
type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** One feedback entry as stored and exported. Exactly one of rating, thumbs, chosen_over, edited_response is set. */
export interface FeedbackRecord {
  job_id: string;
  rating: number | null;
  thumbs: 'up' | 'down' | null;
  /** Another of the user's jobs whose response they liked less. */
  chosen_over: string | null;
  /** The user's own edit of the response (pseudonymized). */
  edited_response: string | null;
  preferred_response: string | null;
  comment: string | null;
  created_at: string;
}

/** A training example for the user's adapter, from feedback; texts hold placeholders, not PII. */
export type TrainingExample =
  | { kind: 'sft'; messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>; response: string }
  | { kind: 'preference'; messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>; chosen: string; rejected: string };

const EMPTY: Omit<FeedbackRecord, 'job_id' | 'created_at'> = { rating: null, thumbs: null, chosen_over: null, edited_response: null, preferred_response: null, comment: null };

/** Stores one entry; returns how many the user has given. */
export async function insertFeedback(sql: Sql, key: AesKey, owner: string, entry: Omit<FeedbackRecord, 'created_at'>): Promise<number> {
  const sealed = await sealJson(key, entry, `${owner}:feedback`);
  sql.exec('INSERT INTO feedback (job_id, sealed, created_at) VALUES (?, ?, ?)', entry.job_id, sealed, new Date().toISOString());
  return sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM feedback').one().n;
}

/** Entries, newest first (entries stored before thumbs, choices and edits existed read with those fields null). */
export async function readFeedback(sql: Sql, key: AesKey, owner: string, limit: number): Promise<FeedbackRecord[]> {
  const rows = sql.exec<{ sealed: string; created_at: string }>('SELECT sealed, created_at FROM feedback ORDER BY seq DESC LIMIT ?', limit).toArray();
  return Promise.all(rows.map(async (r) => ({ ...EMPTY, ...(await openJson<Omit<FeedbackRecord, 'created_at'>>(key, r.sealed, `${owner}:feedback`)), created_at: r.created_at })));
}

/**
 * Keeps a training example and returns how many are waiting; with `take` > 0 and at least that
 * many waiting, also removes and returns up to `take`, oldest first.
 */
export async function keepTrainingExample(sql: Sql, key: AesKey, owner: string, example: TrainingExample | null, take: number): Promise<{ pending: number; taken: TrainingExample[] }> {
  const context = `${owner}:training`;
  if (example) sql.exec('INSERT INTO training_examples (sealed, created_at) VALUES (?, ?)', await sealJson(key, example, context), new Date().toISOString());
  const pending = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM training_examples').one().n;
  if (take <= 0 || pending < take || pending === 0) return { pending, taken: [] };
  const rows = sql.exec<{ seq: number; sealed: string }>('SELECT seq, sealed FROM training_examples ORDER BY seq LIMIT ?', take).toArray();
  sql.exec('DELETE FROM training_examples WHERE seq <= ?', rows[rows.length - 1].seq);
  return { pending: pending - rows.length, taken: await Promise.all(rows.map((r) => openJson<TrainingExample>(key, r.sealed, context))) };
}
