// Identity in the enclave: exact 1:N decisions, sealed records, the SQLite store,
// restart, and a crash in the middle of enrolments.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { Registry } from "../../enclave-service/enclave/identity/registry";
import { SealError, Sealer } from "../../enclave-service/enclave/identity/sealing";
import { openSqliteStore } from "../../enclave-service/parent/store/template-store";

const THRESHOLD = 0.42;
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const randomUnit = () => unit(Float32Array.from({ length: 512 }, () => Math.random() - 0.5));
/** A noisy copy with cosine about `similarity` to `v`. */
const near = (v: Float32Array, similarity: number) => {
  const noise = randomUnit();
  const k = Math.sqrt(1 - similarity * similarity);
  return unit(v.map((x, i) => similarity * x + k * noise[i]!));
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const tmp = () => mkdtempSync(join(tmpdir(), "facesign-identity-"));

describe("identity", () => {
  it("decides exactly as brute-force f32 search, including right at the threshold", () => {
    const registry = new Registry();
    const enrolled = Array.from({ length: 300 }, () => registry.identify(randomUnit(), THRESHOLD, 0).record);
    for (let i = 0; i < 200; i++) {
      const base = enrolled[i % enrolled.length]!.vector;
      const probe = i % 3 === 0 ? randomUnit() : near(base, THRESHOLD + (i % 2 ? 0.005 : -0.005));
      const best = enrolled.reduce((b, r) => (dot(r.vector, probe) > dot(b.vector, probe) ? r : b));
      const expected = dot(best.vector, probe) >= THRESHOLD ? hex(best.userId) : "new";
      const before = registry.size;
      const got = registry.identify(probe, THRESHOLD, 0);
      assert.equal(got.status === "known" ? hex(got.record.userId) : "new", expected);
      if (got.status === "new") {
        assert.equal(registry.size, before + 1);
        enrolled.push(got.record);
      }
    }
  });

  it("50 interleaved scans of 10 people make exactly 10 ids, with fresh 128-bit ids and 32-byte entropy", () => {
    const registry = new Registry();
    const people = Array.from({ length: 10 }, randomUnit);
    const scans = Array.from({ length: 50 }, (_, i) => ({ person: i % 10, vector: near(people[i % 10]!, 0.75) })).sort(() => Math.random() - 0.5);
    const idOf = new Map<number, string>();
    for (const s of scans) {
      const r = registry.identify(s.vector, THRESHOLD, 0);
      assert.equal(r.record.userId.length, 16);
      assert.equal(r.record.entropy.length, 32);
      const id = hex(r.record.userId);
      if (idOf.has(s.person)) assert.equal(id, idOf.get(s.person));
      else idOf.set(s.person, id);
    }
    assert.equal(new Set(idOf.values()).size, 10);
    assert.equal(registry.size, 10);
  });

  it("seals and unseals; refuses a tampered record, a swapped one and a foreign key", () => {
    const sealer = new Sealer(nacl.randomBytes(32));
    const record = { userId: nacl.randomBytes(16), entropy: nacl.randomBytes(32), vector: randomUnit(), created: 1_800_000_000_000 };
    const sealed = sealer.seal(record);
    assert.match(sealed.keyHash, /^[0-9a-f]{64}$/);
    assert.ok(!Buffer.from(sealed.sealed).includes(Buffer.from(record.userId)), "the user id is not in clear");
    const back = sealer.unseal(sealed);
    assert.deepEqual([back.userId, back.entropy, back.vector, back.created], [record.userId, record.entropy, record.vector, record.created]);
    const tampered = { ...sealed, sealed: sealed.sealed.slice() };
    tampered.sealed[60]! ^= 1;
    assert.throws(() => sealer.unseal(tampered), SealError);
    const other = sealer.seal({ ...record, userId: nacl.randomBytes(16) });
    assert.throws(() => sealer.unseal({ keyHash: other.keyHash, sealed: sealed.sealed }), /another user's hash/);
    assert.throws(() => new Sealer(nacl.randomBytes(32)).unseal(sealed), SealError);
  });

  it("a restart rebuilds the same index from the SQLite store", () => {
    const dir = tmp();
    try {
      const sealer = new Sealer(nacl.randomBytes(32));
      const store = openSqliteStore(join(dir, "t.sqlite"));
      const registry = new Registry();
      const people = Array.from({ length: 20 }, randomUnit);
      for (const p of people) store.put(sealer.seal(registry.identify(p, THRESHOLD, 0).record));
      store.close();
      const reopened = openSqliteStore(join(dir, "t.sqlite"));
      const rebuilt = new Registry();
      for (const r of reopened.all()) rebuilt.add(sealer.unseal(r));
      reopened.close();
      for (const p of people) {
        const probe = near(p, 0.8);
        const [before, after] = [registry.identify(probe, THRESHOLD, 0), rebuilt.identify(probe, THRESHOLD, 0)];
        assert.deepEqual([after.status, hex(after.record.userId), hex(after.record.entropy)], ["known", hex(before.record.userId), hex(before.record.entropy)]);
      }
      assert.equal(rebuilt.size, 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("kill -9 in the middle of enrolments loses nothing committed and leaves nothing half-written", async () => {
    const dir = tmp();
    try {
      const key = nacl.randomBytes(32);
      const path = join(dir, "t.sqlite");
      const child = spawn(process.execPath, ["--import", "tsx", "test/support/enrol-forever.ts", path, Buffer.from(key).toString("hex")]);
      let committed = 0;
      await new Promise<void>((resolve) =>
        child.stdout.on("data", (d: Buffer) => {
          committed = Number(d.toString().trim().split("\n").pop());
          if (committed >= 200) resolve();
        }),
      );
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
      const store = openSqliteStore(path);
      const records = store.all();
      store.close();
      assert.ok(records.length >= committed, `${records.length} stored, ${committed} reported committed`);
      const sealer = new Sealer(key);
      for (const r of records) sealer.unseal(r); // throws on any torn record
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
