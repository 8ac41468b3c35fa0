/**
 * @module edge/state/user-schema
 * SQLite tables of a UserState object. Everything personal is stored sealed with the user's
 * data key; only timestamps, ids and privacy-ledger numbers are in clear.
 */

export const USER_STATE_DDL = [
  `CREATE TABLE IF NOT EXISTS data_key (id INTEGER PRIMARY KEY CHECK (id = 1), wrapped TEXT NOT NULL, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS profile (id INTEGER PRIMARY KEY CHECK (id = 1), sealed TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS feedback (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, sealed TEXT NOT NULL, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS vaults (job_id TEXT PRIMARY KEY, sealed TEXT NOT NULL, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS jobs (job_id TEXT PRIMARY KEY, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY AUTOINCREMENT, period TEXT NOT NULL, kind TEXT NOT NULL,
     mechanism TEXT NOT NULL, params TEXT NOT NULL, pure_epsilon REAL, rdp TEXT NOT NULL, epsilon_after REAL NOT NULL, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, detail TEXT NOT NULL, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS training_examples (seq INTEGER PRIMARY KEY AUTOINCREMENT, sealed TEXT NOT NULL, created_at TEXT NOT NULL)`,
  // Personalization engine: one sealed JSON value per name ('personalization', 'memories'), and the
  // template attributes each job was generated with (so feedback can credit them).
  `CREATE TABLE IF NOT EXISTS personal_state (name TEXT PRIMARY KEY, sealed TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS job_choices (job_id TEXT PRIMARY KEY, sealed TEXT NOT NULL, created_at TEXT NOT NULL)`,
];

/** Tables emptied by erasure (the ledger is handled on its own: recent rows stay). */
export const ERASED_TABLES = ['profile', 'feedback', 'vaults', 'jobs', 'audit', 'training_examples', 'personal_state', 'job_choices'] as const;

/**
 * Objects written by the first development version kept profile and feedback in clear (columns
 * `json`, `rating`). That data is dropped rather than carried over: it was never deployed, and
 * keeping it would keep personal data outside the encryption.
 */
export function dropLegacyTables(sql: DurableObjectStorage['sql']): void {
  const columns = (table: string) => sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray().map((c) => c.name);
  if (columns('profile').includes('json')) sql.exec('DROP TABLE profile');
  if (columns('feedback').includes('rating')) sql.exec('DROP TABLE feedback');
}

/** Tables emptied by retention sweeps, with their time column. */
export const RETAINED_TABLES = [
  { table: 'feedback', column: 'created_at' },
  { table: 'vaults', column: 'created_at' },
  { table: 'jobs', column: 'created_at' },
  { table: 'training_examples', column: 'created_at' },
  { table: 'job_choices', column: 'created_at' },
] as const;
