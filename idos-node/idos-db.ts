// The idOS node's storage: the same embedded SQLite / PostgreSQL choice as the template
// store, behind one small interface so the node's logic is written once. SQL uses `?`
// placeholders; PostgreSQL gets them numbered.
import Database from "better-sqlite3";
import pg from "pg";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

export interface IdosDb {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction: all of its writes, or none. */
  transaction<T>(work: (db: IdosDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS idos_users (id TEXT PRIMARY KEY, recipient_encryption_public_key TEXT NOT NULL, inserter TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS idos_wallets (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, address TEXT NOT NULL UNIQUE, public_key TEXT NOT NULL UNIQUE, wallet_type TEXT NOT NULL, message TEXT NOT NULL, signature TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS idos_credentials (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, public_notes TEXT NOT NULL, content TEXT NOT NULL, encryptor_public_key TEXT NOT NULL, issuer_auth_public_key TEXT NOT NULL, public_notes_signature TEXT NOT NULL, broader_signature TEXT NOT NULL, original_id TEXT)",
  "CREATE TABLE IF NOT EXISTS idos_access_grants (id TEXT PRIMARY KEY, ag_owner_user_id TEXT NOT NULL, ag_grantee_wallet_identifier TEXT NOT NULL, data_id TEXT NOT NULL UNIQUE, locked_until BIGINT NOT NULL, content_hash TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)",
  // Kwil accounts: each signed transaction takes its account's next nonce, once.
  "CREATE TABLE IF NOT EXISTS idos_accounts (identifier TEXT PRIMARY KEY, nonce BIGINT NOT NULL)",
];

export function openSqliteIdosDb(path: string): IdosDb {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  for (const s of SCHEMA) db.exec(s);
  // One connection: a transaction holds it until done, so no other request's statements land inside it.
  let lock: Promise<unknown> = Promise.resolve();
  const run = <T>(sql: string, params: unknown[] = []): T[] => {
    const stmt = db.prepare(sql);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  };
  const direct: IdosDb = { query: async (sql, params) => run(sql, params), transaction: (work) => work(direct), close: async () => undefined };
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = lock.then(work);
    lock = next.catch(() => undefined);
    return next;
  };
  return {
    query: (sql, params) => serial(async () => run(sql, params)),
    transaction: (work) =>
      serial(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(direct);
          db.exec("COMMIT");
          return result;
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
      }),
    close: async () => void db.close(),
  };
}

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function openPostgresIdosDb(url: string): Promise<IdosDb> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  for (const s of SCHEMA) await pool.query(s);
  const on =
    (client: pg.Pool | pg.PoolClient): IdosDb["query"] =>
    async <T>(sql: string, params: unknown[] = []) =>
      (await client.query(numbered(sql), params)).rows as T[];
  return {
    query: on(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const inside: IdosDb = { query: on(client), transaction: (w) => w(inside), close: async () => undefined };
        const result = await work(inside);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export function openIdosDb({ databaseUrl, dataDir }: { databaseUrl?: string; dataDir: string }): Promise<IdosDb> {
  return databaseUrl ? openPostgresIdosDb(databaseUrl) : Promise.resolve(openSqliteIdosDb(join(dataDir, "idos-kwil.sqlite")));
}
