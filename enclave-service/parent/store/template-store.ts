// Where the parent keeps sealed templates: opaque blobs under a keyed hash, plus the
// wrapped sealing key. Embedded SQLite by default (WAL, synchronous=FULL: a record
// is on disk, whole, before the user hears about it, or it is not there at all).
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { SealedRecord } from "../../enclave/identity/sealing";

export interface TemplateStore {
  all(): SealedRecord[];
  put(record: SealedRecord): void;
  getMeta(name: string): Uint8Array | undefined;
  setMeta(name: string, value: Uint8Array): void;
  close(): void;
}

export function openSqliteStore(path: string): TemplateStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE IF NOT EXISTS templates (key_hash TEXT PRIMARY KEY, sealed BLOB NOT NULL, stored_at INTEGER NOT NULL);
           CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);`);
  const insert = db.prepare("INSERT INTO templates (key_hash, sealed, stored_at) VALUES (?, ?, ?)");
  const selectAll = db.prepare("SELECT key_hash, sealed FROM templates ORDER BY rowid");
  const getMeta = db.prepare("SELECT value FROM meta WHERE name = ?");
  const setMeta = db.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  return {
    all: () => (selectAll.all() as { key_hash: string; sealed: Buffer }[]).map((r) => ({ keyHash: r.key_hash, sealed: new Uint8Array(r.sealed) })),
    put: (r) => void insert.run(r.keyHash, Buffer.from(r.sealed), Date.now()),
    getMeta: (name) => {
      const row = getMeta.get(name) as { value: Buffer } | undefined;
      return row ? new Uint8Array(row.value) : undefined;
    },
    setMeta: (name, value) => void setMeta.run(name, Buffer.from(value)),
    close: () => db.close(),
  };
}
