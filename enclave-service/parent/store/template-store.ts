// Where the parent keeps sealed templates: opaque blobs under a keyed hash, plus the
// wrapped sealing key. Embedded SQLite by default (WAL, synchronous=FULL: a record is
// on disk, whole, before the user hears of it, or it is not there at all);
// DATABASE_URL=postgres://… switches to PostgreSQL with the same schema and behaviour.
import Database from "better-sqlite3";
import pg from "pg";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SealedRecord } from "../../../contracts/parent-enclave";

export interface TemplateStore {
  /** Every record, in the order stored. */
  all(): Promise<SealedRecord[]>;
  /** The records in the order stored, `size` at a time (the enclave's boot). */
  batches(size: number): AsyncGenerator<SealedRecord[]>;
  /** The records under these keyed hashes (the enclave's re-rank); absent ones are left out. */
  get(keyHashes: string[]): Promise<SealedRecord[]>;
  /** Stores one record in its own transaction, replacing the one under its hash (the enclave re-seals an account when its attempt count changes). */
  put(record: SealedRecord): Promise<void>;
  getMeta(name: string): Promise<Uint8Array | undefined>;
  setMeta(name: string, value: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  key_hash: string;
  sealed: Buffer;
}
const sealedRecord = (r: Row): SealedRecord => ({ keyHash: r.key_hash, sealed: new Uint8Array(r.sealed) });

/** Pages through rows by ascending id until a page comes back empty. */
async function* pages(page: (afterId: number) => (Row & { id: number })[] | Promise<(Row & { id: number })[]>): AsyncGenerator<SealedRecord[]> {
  for (let after = 0; ;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    yield rows.map(sealedRecord);
  }
}

export function openSqliteStore(path: string): TemplateStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE IF NOT EXISTS templates (key_hash TEXT PRIMARY KEY, sealed BLOB NOT NULL, stored_at INTEGER NOT NULL);
           CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);`);
  const insert = db.prepare("INSERT INTO templates (key_hash, sealed, stored_at) VALUES (?, ?, ?) ON CONFLICT(key_hash) DO UPDATE SET sealed = excluded.sealed, stored_at = excluded.stored_at");
  const selectAll = db.prepare("SELECT key_hash, sealed FROM templates ORDER BY rowid");
  const selectAfter = db.prepare("SELECT rowid AS id, key_hash, sealed FROM templates WHERE rowid > ? ORDER BY rowid LIMIT ?");
  // One statement per batch size, through a JSON array: no placeholder per hash.
  const selectHashes = db.prepare("SELECT key_hash, sealed FROM templates WHERE key_hash IN (SELECT value FROM json_each(?))");
  const getMeta = db.prepare("SELECT value FROM meta WHERE name = ?");
  const setMeta = db.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  return {
    all: async () => (selectAll.all() as Row[]).map(sealedRecord),
    batches: (size) => pages((after) => selectAfter.all(after, size) as (Row & { id: number })[]),
    get: async (keyHashes) => (selectHashes.all(JSON.stringify(keyHashes)) as Row[]).map(sealedRecord),
    put: async (r) => void insert.run(r.keyHash, Buffer.from(r.sealed), Date.now()),
    getMeta: async (name) => {
      const row = getMeta.get(name) as { value: Buffer } | undefined;
      return row ? new Uint8Array(row.value) : undefined;
    },
    setMeta: async (name, value) => void setMeta.run(name, Buffer.from(value)),
    close: async () => void db.close(),
  };
}

export async function openPostgresStore(url: string): Promise<TemplateStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(`CREATE TABLE IF NOT EXISTS templates (id BIGSERIAL UNIQUE, key_hash TEXT PRIMARY KEY, sealed BYTEA NOT NULL, stored_at BIGINT NOT NULL);
                    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL);`);
  return {
    all: async () => (await pool.query<Row>("SELECT key_hash, sealed FROM templates ORDER BY id")).rows.map(sealedRecord),
    batches: (size) =>
      pages(async (after) =>
        (await pool.query<Row & { id: string }>("SELECT id, key_hash, sealed FROM templates WHERE id > $1 ORDER BY id LIMIT $2", [after, size])).rows.map((r) => ({ ...r, id: Number(r.id) })),
      ),
    get: async (keyHashes) => (await pool.query<Row>("SELECT key_hash, sealed FROM templates WHERE key_hash = ANY($1)", [keyHashes])).rows.map(sealedRecord),
    put: async (r) =>
      void (await pool.query("INSERT INTO templates (key_hash, sealed, stored_at) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO UPDATE SET sealed = excluded.sealed, stored_at = excluded.stored_at", [
        r.keyHash,
        Buffer.from(r.sealed),
        Date.now(),
      ])),
    getMeta: async (name) => {
      const { rows } = await pool.query<{ value: Buffer }>("SELECT value FROM meta WHERE name = $1", [name]);
      return rows[0] ? new Uint8Array(rows[0].value) : undefined;
    },
    setMeta: async (name, value) => void (await pool.query("INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, Buffer.from(value)])),
    close: () => pool.end(),
  };
}

/** The store the configuration names: PostgreSQL when DATABASE_URL is set, else SQLite in the data directory. */
export function openTemplateStore({ databaseUrl, dataDir }: { databaseUrl?: string; dataDir: string }): Promise<TemplateStore> {
  return databaseUrl ? openPostgresStore(databaseUrl) : Promise.resolve(openSqliteStore(join(dataDir, "templates.sqlite")));
}
