// Several instances of the service on one PostgreSQL, behind HAProxy (npm run cluster):
// sessions route to the instance that opened them, every instance sees every enrolment,
// and enrolment is one at a time across all of them, so the same face never becomes
// two users, even when an instance is killed (-9) while it holds the enrolment lock.
// Real processes, real faces (LFW photos), the real PostgreSQL from Debian's package.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startCluster, type Instance } from "../../scripts/cluster";
import { apiScan, type ApiScanAnswer } from "../support/enclave-box";
import { lfwFrames } from "../support/lfw-frames";
import { freeNeighbourPorts, UNLIMITED } from "../support/stack";

const PEOPLE = 10;

/** A user's scan, tried again from the start when an instance dies under it (as the frame's "try again" does). */
async function scanAsAUser(origin: string, images: Uint8Array[]): Promise<ApiScanAnswer & { sessionId: string; tries: number }> {
  for (let tries = 1; ; tries++) {
    try {
      const answer = await apiScan(origin, images);
      return { ...answer, sessionId: answer.session.sessionId, tries };
    } catch (error) {
      if (tries === 5) throw error;
    }
  }
}

describe("a cluster of 3 instances on one PostgreSQL", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let db: pg.Client;
  let dataDir: string;
  const faces: Uint8Array[][] = [];
  before(async () => {
    for (let i = 0; i < PEOPLE; i++) faces.push(await lfwFrames(i));
    dataDir = mkdtempSync(join(tmpdir(), "facesign-cluster-"));
    cluster = await startCluster({ instances: 3, dataDir, env: { ...UNLIMITED, ...(await freeNeighbourPorts()), FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none", FACESIGN_LOG: "silent" } });
    db = new pg.Client({ connectionString: cluster.postgresUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const users = new Map<number, string>();
  let victim: Instance | undefined;

  it("50 concurrent enrolment scans of 10 people make exactly 10 users, though an instance is killed while it holds the enrolment lock", async () => {
    const holders = () =>
      db
        .query<{ name: string }>("SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted")
        .then((r) => r.rows.map((row) => row.name));
    // Inserts wait on a table lock while reads go on: the first instance to take the
    // enrolment lock stops at its INSERT, holding it, and is killed right there.
    const blocker = new pg.Client({ connectionString: cluster.postgresUrl });
    await blocker.connect();
    await blocker.query("BEGIN; LOCK TABLE templates IN EXCLUSIVE MODE");
    const scans = Promise.all(Array.from({ length: 50 }, (_, i) => scanAsAUser(cluster.config.widgetOrigin, faces[i % PEOPLE]!).then((answer) => ({ person: i % PEOPLE, ...answer }))));
    // The holder, once it waits inside its INSERT.
    const inserting = () =>
      db
        .query<{ name: string }>(
          "SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.wait_event_type = 'Lock' AND a.query LIKE 'INSERT INTO templates%'",
        )
        .then((r) => r.rows[0]?.name);
    let holder: string | undefined;
    while (!holder) holder = await inserting();
    victim = cluster.instances.find((i) => `facesign-${i.number}` === holder)!;
    const exited = new Promise((r) => victim!.process.once("exit", r));
    victim.process.kill("SIGKILL");
    await exited;
    await blocker.query("COMMIT");
    await blocker.end();
    const answers = await scans;

    // The front spread the sessions; those cut short on the victim finished elsewhere.
    const servedBy = new Set(answers.map((s) => s.sessionId[0]));
    assert.ok([...servedBy].every((p) => "ABC".includes(p!)) && servedBy.size >= 2, [...servedBy].join());
    assert.ok(
      answers.some((s) => s.tries > 1),
      "no scan was cut short by the kill",
    );
    for (const s of answers) {
      assert.ok(s.status === "new" || s.status === "known", `person ${s.person}: ${s.status}`);
      const seen = users.get(s.person);
      if (seen) assert.equal(s.userId, seen, `person ${s.person} got two user ids`);
      else users.set(s.person, s.userId!);
    }
    assert.equal(new Set(users.values()).size, PEOPLE);
    assert.equal(answers.filter((s) => s.status === "new").length, PEOPLE);
    // Nothing half-written, and nobody holds the lock: the store has exactly 10 records.
    assert.equal((await db.query("SELECT count(*)::int AS n FROM templates")).rows[0].n, PEOPLE);
    assert.deepEqual(await holders(), []);
  });

  it("an instance that joins late reads every user at boot; the survivors know everyone, whoever enrolled them", async () => {
    const late = await cluster.join();
    const survivors = cluster.instances.filter((i) => i !== victim);
    assert.deepEqual(survivors.length, 3);
    assert.ok(survivors.includes(late));
    for (const instance of survivors)
      for (const [person, userId] of users) {
        const again = await apiScan(instance.url, faces[person]!);
        assert.deepEqual([again.status, again.userId], ["known", userId], `instance ${instance.number}, person ${person}`);
      }
    // Through the front too: the new instance takes its share of the sessions.
    const routed = await Promise.all(Array.from({ length: 6 }, (_, i) => apiScan(cluster.config.widgetOrigin, faces[i]!)));
    assert.ok(routed.some((r) => r.session.sessionId.startsWith("D")));
    assert.deepEqual(
      routed.map((r) => r.userId),
      routed.map((_, i) => users.get(i)),
    );
  });
});
