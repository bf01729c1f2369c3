// `npm run bench:cluster`: the service as 1, 2 and 3 instances on one PostgreSQL behind
// HAProxy (scripts/cluster.ts), on this machine. Scans per second through the front (10
// enrolled LFW people scanned again and again, by twice as many clients as instances),
// each instance's memory, then the concurrent run: 50 enrolment scans of 10 new people at
// once over 3 instances (how many users they make), and how long after one instance
// stores a new user the others have read it (their NOTIFY-driven catch-up, from the
// instances' own logs); and how fast an instance reads a large store at boot (in process:
// the store's paged reads, the unseal and the index append of each record). The last line
// is one JSON object.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type LogEvent } from "./cluster";
import { apiScan } from "../test/support/enclave-box";
import { lfwFrames } from "../test/support/lfw-frames";
import { UNLIMITED } from "../test/support/stack";
import { median } from "./stats";
import Database from "better-sqlite3";
import nacl from "tweetnacl";
import { Registry } from "../enclave-service/enclave/identity/registry";
import { Sealer } from "../enclave-service/enclave/identity/sealing";
import { EnclaveTemplates } from "../enclave-service/parent/store/enclave-templates";
import { openSqliteStore } from "../enclave-service/parent/store/template-store";
import { freshAccount } from "../test/support/registry-drivers";
import { seededRandom } from "../test/support/seeded-random";

const PEOPLE = 10;
const SCANS = 60;
const VISIBILITY_SAMPLES = 20;
const CATCH_UP_USERS = 100_000;
const env = { ...UNLIMITED, FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" };

async function withCluster<T>(instances: number, run: (cluster: Awaited<ReturnType<typeof startCluster>>, logs: { instance: number; event: LogEvent }[]) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), "facesign-bench-cluster-"));
  const logs: { instance: number; event: LogEvent }[] = [];
  const cluster = await startCluster({ instances, dataDir, env, onLog: (instance, event) => void (event.event !== "http" && logs.push({ instance, event })) });
  try {
    return await run(cluster, logs);
  } finally {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

const scansPerSecond: Record<string, number> = {};
for (const n of [1, 2, 3]) {
  await withCluster(n, async (cluster) => {
    for (let p = 0; p < PEOPLE; p++) await apiScan(cluster.config.widgetOrigin, await lfwFrames(p));
    let next = 0;
    const client = async () => {
      while (next < SCANS) {
        const p = next++ % PEOPLE;
        const answer = await apiScan(cluster.config.widgetOrigin, await lfwFrames(p));
        if (answer.status !== "known") throw new Error(`person ${p}: ${answer.status}`);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: 2 * n }, client));
    scansPerSecond[n] = Math.round((SCANS / ((performance.now() - started) / 1000)) * 100) / 100;
    const memory = cluster.instances.map((i) => Math.round(rssMiB(i.process.pid!)));
    console.log(`${n} instance(s): ${scansPerSecond[n]} scans/s (${SCANS} known-user scans, ${2 * n} clients); memory per instance ${memory.join(", ")} MiB`);
  });
}

// The concurrent run uses the people the throughput runs enrolled (fresh clusters each time): their photos are known to scan.
const { identities, visibility } = await withCluster(3, async (cluster, logs) => {
  const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) => apiScan(cluster.config.widgetOrigin, await lfwFrames(i % PEOPLE))));
  const identities = new Set(answers.map((a) => a.userId)).size;
  console.log(`concurrent run: 50 enrolment scans of ${PEOPLE} people over 3 instances → ${identities} users`);
  // One new user at a time through instance 0; the others log each catch-up with the count they hold.
  const visibility: number[] = [];
  const [first, ...others] = cluster.instances;
  for (let person = PEOPLE, enrolled = identities; visibility.length < VISIBILITY_SAMPLES * others.length; person++) {
    // Some LFW photos are refused (no usable face): the next person, then.
    if ((await apiScan(first!.url, await lfwFrames(person))).status !== "new") continue;
    enrolled++;
    const committed = logs.filter((l) => l.instance === first!.number && l.event.event === "user_enrolled").at(-1)!;
    for (const other of others) {
      for (const waitUntil = Date.now() + 10_000; ;) {
        if (Date.now() > waitUntil) throw new Error(`instance ${other.number} never read user ${enrolled}`);
        const seen = logs.find((l) => l.instance === other.number && l.event.event === "templates_caught_up" && Number(l.event.enrolled) >= enrolled);
        if (seen) {
          visibility.push(Date.parse(seen.event.t) - Date.parse(committed.event.t));
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }
  return { identities, visibility };
});
// A joining instance's boot: CATCH_UP_USERS sealed records (written in one transaction), read the way the enclave reads them.
{
  const dir = mkdtempSync(join(tmpdir(), "facesign-bench-catch-up-"));
  const store = openSqliteStore(join(dir, "templates.sqlite"));
  const sealer = new Sealer(nacl.randomBytes(32));
  const db = new Database(join(dir, "templates.sqlite"));
  const insert = db.prepare("INSERT INTO templates (key_hash, sealed, stored_at) VALUES (?, ?, 0)");
  const random = seededRandom(19);
  db.transaction(() => {
    for (let i = 0; i < CATCH_UP_USERS; i++) {
      const vector = Float32Array.from({ length: 512 }, () => random() - 0.5);
      const sealed = sealer.seal({ userId: nacl.randomBytes(16), entropy: nacl.randomBytes(32), vector, created: 0, ...freshAccount() });
      insert.run(sealed.keyHash, Buffer.from(sealed.sealed));
    }
  })();
  db.close();
  const registry = await Registry.create({ sealer, source: new EnclaveTemplates(store) });
  const started = performance.now();
  const loaded = await registry.catchUp();
  const perSecond = Math.round(loaded / ((performance.now() - started) / 1000));
  console.log(
    `an instance joining reads ${loaded.toLocaleString("en")} users at ${perSecond.toLocaleString("en")} a second: 10M users would take about ${Math.round(10_000_000 / perSecond / 60)} min`,
  );
  await registry.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`a new user is read by the other instances ${median(visibility)} ms after it is stored (median of ${visibility.length}; max ${Math.max(...visibility)} ms)`);
console.log(JSON.stringify({ scansPerSecond, visibilityMsP50: median(visibility), identities, people: PEOPLE }));
