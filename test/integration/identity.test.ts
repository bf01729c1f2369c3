// Identity in the enclave: exact 1:N decisions, sealed records, the SQLite store,
// restart, and a crash in the middle of enrolments.
import { after, before, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { Registry, type TemplateSource } from "../../enclave-service/enclave/identity/registry";
import { Sealer, unwrapKey, wrapKey } from "../../enclave-service/enclave/identity/sealing";
import type { SealedRecord } from "../../contracts/parent-enclave";
import { exactBest, VectorIndex } from "../../enclave-service/enclave/identity/vector-index";
import { EnclaveTemplates } from "../../enclave-service/parent/store/enclave-templates";
import { CANDIDATE_CAPACITY } from "../../enclave-service/enclave/identity/scan-kernel";
import pg from "pg";
import { openPostgresStore, openSqliteStore, type TemplateStore } from "../../enclave-service/parent/store/template-store";
import { startPostgres, type LocalPostgres } from "../../scripts/postgres";
import { seededRandom } from "../support/seeded-random";
import { freshAccount, identifyOrEnrol, thresholdPolicy } from "../support/registry-drivers";
import { CALIBRATION, calibratedPolicy, type DecisionPolicy } from "../../enclave-service/enclave/identity/decision-policy";

const THRESHOLD = 0.42;
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const unitFrom = (rand: () => number) => unit(Float32Array.from({ length: 512 }, () => rand() - 0.5));
const random = seededRandom(14);
const randomUnit = () => unitFrom(random);
/** A noisy copy with cosine about `similarity` to `v` (the noise from the shared stream unless given). */
const near = (v: Float32Array, similarity: number, noise = randomUnit()) => {
  const k = Math.sqrt(1 - similarity * similarity);
  return unit(v.map((x, i) => similarity * x + k * noise[i]!));
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const tmp = () => mkdtempSync(join(tmpdir(), "facesign-identity-"));

/**
 * A registry as the enclave runs it: its candidates' records read from a real SQLite
 * store (in memory unless one is given), new users' records kept there the way the
 * parent keeps them. `source` can stand between the registry and the store.
 */
async function enclaveRegistry(
  t: TestContext,
  { store, fetch, policy = thresholdPolicy(THRESHOLD) }: { store?: TemplateStore; fetch?: (keyHashes: string[], templates: EnclaveTemplates) => Promise<SealedRecord[]>; policy?: DecisionPolicy } = {},
) {
  if (!store) {
    const own = openSqliteStore(":memory:");
    t.after(() => own.close());
    store = own;
  }
  const sealer = new Sealer(nacl.randomBytes(32));
  const templates = new EnclaveTemplates(store);
  const source: TemplateSource = {
    fetch: (keyHashes) => (fetch ? fetch(keyHashes, templates) : templates.fetch(keyHashes)),
    next: () => templates.next(),
    lock: () => templates.lock(),
    commit: (record) => templates.commit(record),
    release: () => templates.release(),
    remove: (keyHash) => templates.remove(keyHash),
  };
  const registry = await Registry.create({ sealer, source, policy });
  t.after(() => registry.close());
  const identify = async (vector: Float32Array) => {
    const id = await identifyOrEnrol(registry, vector);
    return { status: id.status, userId: hex(id.record.userId), entropy: hex(id.record.entropy), bytes: id.record };
  };
  return { registry, identify, sealer, store };
}

/** The exact f32 best of `rows` for the probe, through the index's candidates. */
const indexBest = async (index: VectorIndex, rows: Float32Array[], probe: Float32Array, threshold: number) => exactBest(await index.candidates(probe, threshold), (row) => rows[row], probe, threshold);

describe("identity", () => {
  it("decides exactly as brute-force f32 search, including right at the threshold", async (t) => {
    const { registry, identify } = await enclaveRegistry(t);
    const enrolled: { userId: string; vector: Float32Array }[] = [];
    for (let i = 0; i < 300; i++) {
      const vector = randomUnit();
      enrolled.push({ userId: (await identify(vector)).userId, vector });
    }
    for (let i = 0; i < 200; i++) {
      const base = enrolled[i % enrolled.length]!.vector;
      const probe = i % 3 === 0 ? randomUnit() : near(base, THRESHOLD + (i % 2 ? 0.005 : -0.005));
      const best = enrolled.reduce((b, r) => (dot(r.vector, probe) > dot(b.vector, probe) ? r : b));
      const expected = dot(best.vector, probe) >= THRESHOLD ? best.userId : "new";
      const before = registry.size;
      const got = await identify(probe);
      assert.equal(got.status === "known" ? got.userId : "new", expected);
      if (got.status === "enrolled") {
        assert.equal(registry.size, before + 1);
        enrolled.push({ userId: got.userId, vector: probe });
      }
    }
  });

  it("the sharded int8 index returns the exact f32 best on crowded near-threshold rows, with any number of shards", async (t) => {
    // 2,000 rows packed around one centre, all within a few hundredths of the threshold:
    // the int8 bound has to let through every row that could win.
    const centre = randomUnit();
    const rows = Array.from({ length: 2000 }, (_, i) => near(centre, 0.7 + (i % 40) * 0.002));
    const indexes = await Promise.all([1, 2, 3].map((shards) => VectorIndex.create(shards)));
    t.after(() => Promise.all(indexes.map((x) => x.close())));
    for (const index of indexes) for (const r of rows) index.add(r);
    for (let i = 0; i < 60; i++) {
      const probe = near(centre, 0.6 + (i % 20) * 0.01);
      const scores = rows.map((r) => dot(r, probe));
      const threshold = 0.45 + (i % 10) * 0.01;
      const top = Math.max(...scores);
      const expected = top >= threshold ? { row: scores.indexOf(top), score: top } : undefined;
      for (const index of indexes) {
        const got = await indexBest(index, rows, probe, threshold);
        assert.equal(got?.row, expected?.row);
      }
    }
  });

  it("a cleared row (a deleted user) is never a candidate again, on any shard, even cleared before it was sent to its shard", async (t) => {
    const index = await VectorIndex.create(3);
    t.after(() => index.close());
    // Its own random stream: the other tests' vectors stay the ones they were written for.
    const own = seededRandom(41);
    const rows = Array.from({ length: 10 }, () => unitFrom(own));
    for (const r of rows) index.add(r);
    index.clear(4);
    index.clear(9);
    for (const [i, r] of rows.entries()) assert.equal((await index.candidates(r, 0.5)).includes(i), i !== 4 && i !== 9, `row ${i}`);
    assert.throws(() => index.clear(10), RangeError);
  });

  it("falls back to an exact scan when more rows than the kernel's candidate list can hold pass the bound", async (t) => {
    const rows = Array.from({ length: CANDIDATE_CAPACITY + 100 }, randomUnit);
    const index = await VectorIndex.create(1);
    t.after(() => index.close());
    for (const r of rows) index.add(r);
    const probe = randomUnit();
    const scores = rows.map((r) => dot(r, probe));
    const top = Math.max(...scores);
    assert.equal((await index.candidates(probe, -1)).length, rows.length);
    assert.deepEqual((await indexBest(index, rows, probe, -1))?.row, scores.indexOf(top));
  });

  it("50 concurrent scans of 10 people make exactly 10 ids, with fresh 128-bit ids and 32-byte entropy", async (t) => {
    const { registry, identify } = await enclaveRegistry(t);
    const people = Array.from({ length: 10 }, randomUnit);
    const scans = Array.from({ length: 50 }, (_, i) => ({ person: i % 10, vector: near(people[i % 10]!, 0.75) })).sort(() => random() - 0.5);
    const results = await Promise.all(scans.map((s) => identify(s.vector)));
    const idOf = new Map<number, string>();
    results.forEach((r, i) => {
      assert.equal(r.bytes.userId.length, 16);
      assert.equal(r.bytes.entropy.length, 32);
      const person = scans[i]!.person;
      if (idOf.has(person)) assert.equal(r.userId, idOf.get(person));
      else idOf.set(person, r.userId);
    });
    assert.equal(new Set(idOf.values()).size, 10);
    assert.equal(registry.size, 10);
  });

  it("keeps no vector in memory: the candidates' sealed records come from the store, and a tampered, swapped or missing one is never trusted", async (t) => {
    let asked: string[] = [];
    let tamper: ((records: SealedRecord[]) => SealedRecord[]) | undefined;
    const { identify, store } = await enclaveRegistry(t, {
      fetch: async (keyHashes, templates) => {
        asked.push(...keyHashes);
        const records = await templates.fetch(keyHashes);
        return tamper ? tamper(records) : records;
      },
    });
    const people = Array.from({ length: 300 }, randomUnit);
    const ids = [];
    for (const p of people) ids.push(await identify(p));
    const stored = await store.all();
    assert.equal(stored.length, 300);

    asked = [];
    const again = await identify(near(people[7]!, 0.8));
    assert.deepEqual([again.status, again.userId, again.entropy], ["known", ids[7]!.userId, ids[7]!.entropy]);
    assert.ok(asked.length >= 1 && asked.length <= 5, `${asked.length} records read for one scan`);

    // The store flips a bit in the record, or hands another user's record under this user's hash.
    tamper = (records) => records.map((r) => ({ ...r, sealed: r.sealed.map((b, i) => (i === 40 ? b ^ 1 : b)) }));
    await assert.rejects(identify(near(people[7]!, 0.8)), { name: "SealError", code: "record_invalid" });
    tamper = (records) => records.map((r) => ({ keyHash: r.keyHash, sealed: stored.find((s) => s.keyHash !== r.keyHash)!.sealed }));
    await assert.rejects(identify(near(people[7]!, 0.8)), { name: "SealError", code: "record_moved" });
    // A record the store lost is no match: the scan enrols a new user rather than trust anything else.
    tamper = () => [];
    assert.equal((await identify(near(people[7]!, 0.8))).status, "enrolled");
  });

  it("the calibrated policy: nothing enrolled without `enrol`; lookalikes and in-between faces are ambiguous; past maxGallery a face alone gets account_needed", async (t) => {
    const { registry, identify } = await enclaveRegistry(t, { policy: calibratedPolicy });
    const a = randomUnit();
    // two lookalikes, each enrolled (cosine 0.45 to each other: below the de-duplication threshold)
    const twin = near(a, 0.45);
    assert.equal((await registry.identify(a)).status, "new");
    assert.equal(registry.size, 0);
    await identify(a);
    assert.equal((await identify(twin)).status, "enrolled");
    // a probe close to both (about 0.85 to each): not a silent pick
    assert.equal((await registry.identify(unit(a.map((x, i) => x + twin[i]!)))).status, "ambiguous");
    assert.equal((await registry.identify(near(a, 0.95))).status, "known");
    const b = randomUnit();
    await identify(b);
    assert.equal((await registry.identify(near(b, 0.9))).status, "known");
    // between the de-duplication and the release thresholds
    assert.equal((await registry.identify(near(b, 0.5))).status, "ambiguous");
    while (registry.size <= CALIBRATION.oneToMany.maxGallery) await identify(randomUnit());
    assert.equal((await registry.identify(near(b, 0.9))).status, "account_needed");
    assert.equal((await registry.identify(randomUnit())).status, "new");
  });

  it("seals and unseals; refuses a tampered record, a swapped one and a foreign key", () => {
    const sealer = new Sealer(nacl.randomBytes(32));
    const record = { userId: nacl.randomBytes(16), entropy: nacl.randomBytes(32), vector: randomUnit(), created: 1_800_000_000_000, ...freshAccount() };
    const sealed = sealer.seal(record);
    assert.match(sealed.keyHash, /^[0-9a-f]{64}$/);
    assert.ok(!Buffer.from(sealed.sealed).includes(Buffer.from(record.userId)), "the user id is not in clear");
    const back = sealer.unseal(sealed);
    assert.deepEqual([back.userId, back.entropy, back.vector, back.created], [record.userId, record.entropy, record.vector, record.created]);
    const tampered = { ...sealed, sealed: sealed.sealed.slice() };
    tampered.sealed[60]! ^= 1;
    assert.throws(() => sealer.unseal(tampered), { name: "SealError", code: "record_invalid" });
    const other = sealer.seal({ ...record, userId: nacl.randomBytes(16) });
    assert.throws(() => sealer.unseal({ keyHash: other.keyHash, sealed: sealed.sealed }), { name: "SealError", code: "record_moved" });
    assert.throws(() => new Sealer(nacl.randomBytes(32)).unseal(sealed), { name: "SealError", code: "record_invalid" });
    assert.throws(() => unwrapKey(wrapKey(nacl.randomBytes(32), nacl.randomBytes(32)), nacl.randomBytes(32)), { name: "SealError", code: "key_unwrap_failed" });
  });
});

/** The same store behaviour on both backends. */
for (const backend of ["sqlite", "postgres"] as const) {
  describe(`template store (${backend})`, () => {
    let dir: string;
    let pgServer: LocalPostgres | undefined;
    let fresh = 0;
    before(async () => {
      dir = tmp();
      if (backend === "postgres") {
        pgServer = await startPostgres();
      }
    });
    after(() => {
      pgServer?.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    /** A fresh database for each test: a new SQLite file, or a new PostgreSQL schema. */
    async function open(name = `db${fresh++}`): Promise<{ store: () => Promise<TemplateStore>; url?: string }> {
      if (backend === "sqlite") return { store: async () => openSqliteStore(join(dir, `${name}.sqlite`)) };
      const admin = new pg.Client({ connectionString: pgServer!.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = pgServer!.url.replace(/\/postgres$/, `/${name}`);
      return { store: () => openPostgresStore(url), url };
    }

    it("50 concurrent enrolments of 10 people store exactly 10 records, and a restart rebuilds the same index", async (t) => {
      const db = await open();
      const store = await db.store();
      const { identify, sealer } = await enclaveRegistry(t, { store });
      const people = Array.from({ length: 10 }, randomUnit);
      // Scans arrive together; each new identity's record is stored as soon as it is made.
      const first = await Promise.all(Array.from({ length: 50 }, (_, i) => identify(near(people[i % 10]!, 0.75))));
      assert.equal(new Set(first.map((r) => r.userId)).size, 10);
      await store.setMeta("wrapped_sealing_key", new Uint8Array([1, 2, 3]));
      await store.close();
      const reopened = await db.store();
      t.after(() => reopened.close());
      assert.deepEqual(await reopened.getMeta("wrapped_sealing_key"), new Uint8Array([1, 2, 3]));
      assert.equal(await reopened.getMeta("nothing"), undefined);
      // The store pages by sequence number; a restarted enclave reads it all, as at boot.
      const pages = [];
      for (let page = await reopened.since(0, 3); page.records.length; page = await reopened.since(page.last, 3)) pages.push(page.records.length);
      assert.deepEqual(pages, [3, 3, 3, 1]);
      const rebuilt = await Registry.create({ sealer, source: new EnclaveTemplates(reopened) });
      t.after(() => rebuilt.close());
      assert.equal(await rebuilt.catchUp(), 10);
      for (const p of people) {
        const probe = near(p, 0.8);
        const before = first[people.indexOf(p)]!;
        const after = await rebuilt.identify(probe);
        assert.ok(after.status === "known");
        assert.deepEqual([hex(after.record.userId), hex(after.record.entropy)], [before.userId, before.entropy]);
      }
    });

    it("a deleted user's record leaves the store and their row the index, also after a restart; their face is new again", async (t) => {
      const db = await open();
      const store = await db.store();
      const { registry, identify, sealer } = await enclaveRegistry(t, { store });
      // Its own random stream, as above.
      const own = seededRandom(43);
      const probe = (v: Float32Array) => near(v, 0.8, unitFrom(own));
      const [alice, bob] = [unitFrom(own), unitFrom(own)];
      const a = await identify(probe(alice));
      const b = await identify(probe(bob));
      assert.deepEqual([a.status, b.status], ["enrolled", "enrolled"]);
      const known = await registry.identify(probe(alice));
      assert.ok(known.status === "known");
      assert.equal(await registry.forget(known.record), true);
      assert.equal(await registry.forget(known.record), false, "a second deletion finds nobody");
      assert.equal((await store.all()).length, 1);
      assert.equal((await registry.identify(probe(alice))).status, "new");
      assert.equal((await registry.identify(probe(bob))).status, "known");
      // A restarted enclave reads the store: Alice is not in it, Bob is.
      const rebuilt = await Registry.create({ sealer, source: new EnclaveTemplates(store), policy: thresholdPolicy(THRESHOLD) });
      t.after(() => rebuilt.close());
      assert.equal(await rebuilt.catchUp(), 1);
      assert.equal((await rebuilt.identify(probe(alice))).status, "new");
      const bobAgain = await rebuilt.identify(probe(bob));
      assert.ok(bobAgain.status === "known");
      assert.equal(hex(bobAgain.record.userId), b.userId);
    });

    it("kill -9 in the middle of enrolments loses nothing committed and leaves nothing half-written", async () => {
      const db = await open();
      const key = nacl.randomBytes(32);
      const path = join(dir, `crash-${fresh++}.sqlite`);
      const child = spawn(process.execPath, ["--import", "tsx", "test/support/enrol-forever.ts", db.url ?? path, Buffer.from(key).toString("hex")]);
      let committed = 0;
      await new Promise<void>((resolve, reject) => {
        child.on("exit", (code) => reject(new Error(`the enrolling process exited (${code})`)));
        child.stdout.on("data", (d: Buffer) => {
          committed = Number(d.toString().trim().split("\n").pop());
          if (committed >= 200) resolve();
        });
      });
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
      const store = db.url ? await openPostgresStore(db.url) : openSqliteStore(path);
      const records = await store.all();
      await store.close();
      assert.ok(records.length >= committed, `${records.length} stored, ${committed} reported committed`);
      const sealer = new Sealer(key);
      for (const r of records) sealer.unseal(r); // throws on any torn record
    });
  });
}
