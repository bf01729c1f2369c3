// Where the parent keeps sealed templates: opaque blobs under a keyed hash, plus the
// wrapped sealing key. Embedded SQLite by default (WAL, synchronous=FULL: a record is
// on disk, whole, before the user hears of it, or it is not there at all);
// DATABASE_URL=postgres://… switches to PostgreSQL with the same schema and behaviour.
import Database from "better-sqlite3";
import pg from "pg";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SealedRecord } from "../../../contracts/parent-enclave";

/** The enrolment lock, held: a new user's record is stored under it, or nothing is. */
export interface EnrolmentLock {
  /** Stores a new user's record and releases the lock; resolves once the record is durable and every instance can read it. */
  commit(record: SealedRecord): Promise<void>;
  /** Releases the lock, storing nothing. */
  release(): Promise<void>;
}

export interface TemplateStore {
  /** Every record, in the order stored. */
  all(): Promise<SealedRecord[]>;
  /**
   * Up to `limit` records stored after sequence number `after` (0: from the start), in
   * order, and the sequence number of the last one (`after` when there are none).
   */
  since(after: number, limit: number): Promise<{ records: SealedRecord[]; last: number }>;
  /** The records under these keyed hashes (the enclave's re-rank); absent ones are left out. */
  get(keyHashes: string[]): Promise<SealedRecord[]>;
  /** Replaces an enrolled user's record (the enclave re-seals an account when its attempt count changes); never adds one. */
  update(record: SealedRecord): Promise<void>;
  /** Deletes a user's record (the user deleted their face data); resolves once the deletion is durable. */
  remove(keyHash: string): Promise<void>;
  /**
   * Takes the lock under which new users are decided and stored: with several instances
   * on one PostgreSQL, one enrolment at a time across all of them, so the same face
   * enrolling through two instances at once becomes one user.
   */
  lockEnrolment(): Promise<EnrolmentLock>;
  /** Calls `wake` when a new user may have been stored by another instance (PostgreSQL NOTIFY); resolves with what stops it. */
  onEnrolment(wake: () => void): Promise<() => Promise<void>>;
  /** Runs `task` while no other instance runs one (boot, while the keys are made once). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  getMeta(name: string): Promise<Uint8Array | undefined>;
  setMeta(name: string, value: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  key_hash: string;
  sealed: Buffer;
}
const sealedRecord = (r: Row): SealedRecord => ({ keyHash: r.key_hash, sealed: new Uint8Array(r.sealed) });
const page = (rows: (Row & { id: number | string })[], after: number) => ({ records: rows.map(sealedRecord), last: rows.length ? Number(rows[rows.length - 1]!.id) : after });

/**
 * One process owns a SQLite file, and its enclave runs one enrolment at a time: the lock
 * is that process's own, and nobody else enrols to wake it for.
 */
export function openSqliteStore(path: string): TemplateStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE IF NOT EXISTS templates (key_hash TEXT PRIMARY KEY, sealed BLOB NOT NULL, stored_at INTEGER NOT NULL);
           CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);`);
  const insert = db.prepare("INSERT INTO templates (key_hash, sealed, stored_at) VALUES (?, ?, ?)");
  const update = db.prepare("UPDATE templates SET sealed = ?, stored_at = ? WHERE key_hash = ?");
  const remove = db.prepare("DELETE FROM templates WHERE key_hash = ?");
  const selectAll = db.prepare("SELECT key_hash, sealed FROM templates ORDER BY rowid");
  const selectAfter = db.prepare("SELECT rowid AS id, key_hash, sealed FROM templates WHERE rowid > ? ORDER BY rowid LIMIT ?");
  // One statement per batch size, through a JSON array: no placeholder per hash.
  const selectHashes = db.prepare("SELECT key_hash, sealed FROM templates WHERE key_hash IN (SELECT value FROM json_each(?))");
  const getMeta = db.prepare("SELECT value FROM meta WHERE name = ?");
  const setMeta = db.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  let lock = Promise.resolve();
  return {
    all: async () => (selectAll.all() as Row[]).map(sealedRecord),
    since: async (after, limit) => page(selectAfter.all(after, limit) as (Row & { id: number })[], after),
    get: async (keyHashes) => (selectHashes.all(JSON.stringify(keyHashes)) as Row[]).map(sealedRecord),
    update: async (r) => void update.run(Buffer.from(r.sealed), Date.now(), r.keyHash),
    remove: async (keyHash) => void remove.run(keyHash),
    lockEnrolment: async () => {
      let unlock!: () => void;
      const held = lock;
      lock = new Promise((resolve) => (unlock = resolve));
      await held;
      return {
        commit: async (r) => {
          try {
            insert.run(r.keyHash, Buffer.from(r.sealed), Date.now());
          } finally {
            unlock();
          }
        },
        release: async () => unlock(),
      };
    },
    onEnrolment: async () => async () => undefined,
    exclusive: (task) => task(),
    getMeta: async (name) => {
      const row = getMeta.get(name) as { value: Buffer } | undefined;
      return row ? new Uint8Array(row.value) : undefined;
    },
    setMeta: async (name, value) => void setMeta.run(name, Buffer.from(value)),
    close: async () => void db.close(),
  };
}

/** PostgreSQL advisory lock keys ("FS" then 1 and 2), and the channel new users are announced on. */
const ENROLMENT_LOCK = 0x46530001;
const BOOT_LOCK = 0x46530002;
const CHANNEL = "facesign_templates";
/** A parent that stops answering its enclave cannot hold the enrolment lock longer than this. */
const HOLD_LIMIT = "30s";
/** How long an enrolment waits for the lock before it fails (and the user tries again). */
const WAIT_LIMIT = "20s";

export async function openPostgresStore(url: string, { name = "facesign" }: { name?: string } = {}): Promise<TemplateStore> {
  // Keep-alives: a machine that vanishes (not just its process) frees its lock within minutes.
  const settings = { connectionString: url, application_name: name, keepAlive: true };
  const pool = new pg.Pool({ ...settings, max: 6 });
  // A server that drops connections costs the queries on them, never the process.
  const ignore = () => undefined;
  pool.on("error", ignore);
  await pool.query(`CREATE TABLE IF NOT EXISTS templates (id BIGSERIAL UNIQUE, key_hash TEXT PRIMARY KEY, sealed BYTEA NOT NULL, stored_at BIGINT NOT NULL);
                    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL);`);
  const listeners = new Set<pg.Client>();
  return {
    all: async () => (await pool.query<Row>("SELECT key_hash, sealed FROM templates ORDER BY id")).rows.map(sealedRecord),
    since: async (after, limit) => page((await pool.query<Row & { id: string }>("SELECT id, key_hash, sealed FROM templates WHERE id > $1 ORDER BY id LIMIT $2", [after, limit])).rows, after),
    get: async (keyHashes) => (await pool.query<Row>("SELECT key_hash, sealed FROM templates WHERE key_hash = ANY($1)", [keyHashes])).rows.map(sealedRecord),
    update: async (r) => void (await pool.query("UPDATE templates SET sealed = $1, stored_at = $2 WHERE key_hash = $3", [Buffer.from(r.sealed), Date.now(), r.keyHash])),
    remove: async (keyHash) => void (await pool.query("DELETE FROM templates WHERE key_hash = $1", [keyHash])),
    // A transaction-level advisory lock, taken in the transaction that inserts: COMMIT,
    // ROLLBACK, or the connection's end (kill -9) releases it, and the record is in that
    // same transaction, so a crash leaves the whole record or none of it. Rows inserted
    // only under this lock commit in id order: an instance that has read up to id n has
    // missed nothing below it.
    lockEnrolment: async () => {
      const client = await pool.connect();
      client.on("error", ignore);
      const end = (error?: Error) => {
        client.off("error", ignore);
        client.release(error);
      };
      try {
        await client.query(`BEGIN; SET LOCAL lock_timeout = '${WAIT_LIMIT}'; SET LOCAL idle_in_transaction_session_timeout = '${HOLD_LIMIT}'`);
        await client.query("SELECT pg_advisory_xact_lock($1)", [ENROLMENT_LOCK]);
      } catch (error) {
        end(error as Error);
        throw error;
      }
      return {
        commit: async (r) => {
          try {
            await client.query("INSERT INTO templates (key_hash, sealed, stored_at) VALUES ($1, $2, $3)", [r.keyHash, Buffer.from(r.sealed), Date.now()]);
            await client.query(`NOTIFY ${CHANNEL}`);
            await client.query("COMMIT");
            end();
          } catch (error) {
            end(error as Error);
            throw error;
          }
        },
        release: async () => {
          await client.query("ROLLBACK").then(
            () => end(),
            (error: Error) => end(error),
          );
        },
      };
    },
    onEnrolment: async (wake) => {
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      // A dedicated connection; after a reconnect, a wake covers what was announced while it was down.
      const listen = async (): Promise<void> => {
        const client = new pg.Client(settings);
        const again = () => {
          listeners.delete(client);
          client.end().catch(() => undefined);
          if (!stopped) retry = setTimeout(() => void listen(), 1000);
        };
        client.on("error", again);
        client.on("notification", () => wake());
        try {
          await client.connect();
          await client.query(`LISTEN ${CHANNEL}`);
          listeners.add(client);
          wake();
        } catch {
          again();
        }
      };
      await listen();
      return async () => {
        stopped = true;
        clearTimeout(retry);
        await Promise.all([...listeners].map((c) => c.end().catch(() => undefined)));
        listeners.clear();
      };
    },
    exclusive: async (task) => {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [BOOT_LOCK]);
        return await task();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [BOOT_LOCK]).catch(() => undefined);
        client.release();
      }
    },
    getMeta: async (name) => {
      const { rows } = await pool.query<{ value: Buffer }>("SELECT value FROM meta WHERE name = $1", [name]);
      return rows[0] ? new Uint8Array(rows[0].value) : undefined;
    },
    setMeta: async (name, value) => void (await pool.query("INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, Buffer.from(value)])),
    close: () => pool.end(),
  };
}

/** The store the configuration names: PostgreSQL when DATABASE_URL is set, else SQLite in the data directory. */
export function openTemplateStore({ databaseUrl, dataDir, instance }: { databaseUrl?: string; dataDir: string; instance: number }): Promise<TemplateStore> {
  return databaseUrl ? openPostgresStore(databaseUrl, { name: `facesign-${instance}` }) : Promise.resolve(openSqliteStore(join(dataDir, "templates.sqlite")));
}
