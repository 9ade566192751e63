import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The one thing the demo needs from a SQL connection; PGlite and `pg` both fit it. */
export interface Sql {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** A local user, mapped from an issuer's `(iss, sub)` pair. */
export interface User {
  id: number;
  issuer: string;
  subject: string;
  createdAt: string;
}

/** The demo database: PGlite in-process, or a real PostgreSQL server. */
export interface Database {
  readonly sql: Sql;
  /** `'pglite'` (in-process, in memory) or `'postgres'` (`DATABASE_URL`). */
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

// The same statements run on PGlite and on PostgreSQL. `(issuer, subject)` is unique: a `sub`
// is only unique within its issuer (OIDC Core §2), so the pair is the identity.
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS users (
     id         SERIAL PRIMARY KEY,
     issuer     TEXT NOT NULL,
     subject    TEXT NOT NULL,
     created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
     UNIQUE (issuer, subject)
   )`,
  `CREATE TABLE IF NOT EXISTS accounts (
     id            SERIAL PRIMARY KEY,
     user_id       INTEGER NOT NULL REFERENCES users (id),
     name          TEXT NOT NULL,
     balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
     UNIQUE (user_id, name)
   )`,
  `CREATE TABLE IF NOT EXISTS transfers (
     id              SERIAL PRIMARY KEY,
     user_id         INTEGER NOT NULL REFERENCES users (id),
     from_account_id INTEGER NOT NULL REFERENCES accounts (id),
     to_account_id   INTEGER NOT NULL REFERENCES accounts (id),
     amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
     memo            TEXT,
     created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
   )`,
];

/** Every new user starts with these accounts, so the demo has something to show. */
const STARTER_ACCOUNTS = [
  { name: 'checking', balance_cents: 125_000 },
  { name: 'savings', balance_cents: 1_000_000 },
];

/**
 * Opens the demo database and creates its tables. With `databaseUrl` it connects to that
 * PostgreSQL server through `pg`; without, it starts PGlite (PostgreSQL compiled to WASM) in
 * memory, so nothing is left behind.
 */
export async function openDatabase(databaseUrl?: string): Promise<Database> {
  let database: Database;
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
    database = {
      kind: 'postgres',
      sql: {
        async query<Row>(text: string, params?: unknown[]) {
          const result = await pool.query(text, params);
          return { rows: result.rows as Row[] };
        },
      },
      close: () => pool.end(),
    };
  } else {
    const lite = await PGlite.create();
    database = {
      kind: 'pglite',
      sql: { query: (text, params) => lite.query(text, params) },
      close: () => lite.close(),
    };
  }
  for (const statement of SCHEMA) await database.sql.query(statement);
  return database;
}

interface UserRow {
  id: number;
  issuer: string;
  subject: string;
  created_at: Date | string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  issuer: row.issuer,
  subject: row.subject,
  createdAt: new Date(row.created_at).toISOString(),
});

/**
 * Just-in-time provisioning: the first request carrying a given `(iss, sub)` creates its user
 * row (with starter accounts); later ones find it. Safe under concurrent first requests:
 * `ON CONFLICT DO NOTHING` lets exactly one insert win and everyone then reads the same row.
 */
export async function findOrCreateUserBySubject(
  sql: Sql,
  issuer: string,
  subject: string,
): Promise<User> {
  // One statement, so a user never exists without its starter accounts.
  await sql.query(
    `WITH created AS (
       INSERT INTO users (issuer, subject) VALUES ($1, $2)
       ON CONFLICT (issuer, subject) DO NOTHING
       RETURNING id
     )
     INSERT INTO accounts (user_id, name, balance_cents)
     SELECT created.id, starter.name, starter.balance_cents
     FROM created, jsonb_to_recordset($3::jsonb) AS starter (name TEXT, balance_cents INTEGER)`,
    [issuer, subject, JSON.stringify(STARTER_ACCOUNTS)],
  );
  const found = await sql.query<UserRow>(
    'SELECT id, issuer, subject, created_at FROM users WHERE issuer = $1 AND subject = $2',
    [issuer, subject],
  );
  const row = found.rows[0];
  if (!row) throw new Error('user row missing right after provisioning');
  return toUser(row);
}
