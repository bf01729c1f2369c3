// `npm run cluster -- --instances 3`: FaceSign's service as several instances behind one
// origin, the way an operator runs it: N parent processes (each with its own enclave),
// one PostgreSQL from Debian's package that they all share, and HAProxy in front,
// routing each session and hand-off to the instance whose number its id begins with
// (common/instance-route.ts) and everything else round robin. The host demo and the
// local idOS node run beside it, so the demo works against the cluster.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { routePrefix } from "../common/instance-route";
import { readStackConfig } from "../enclave-service/parent/config";
import { startPostgres } from "./postgres";
import { startNeighbours } from "./start";
import { freePort } from "../test/support/ports";

/** One line of an instance's structured log (enclave-service/parent/log.ts). */
export interface LogEvent {
  t: string;
  event: string;
  [field: string]: unknown;
}

export interface ClusterOptions {
  instances: number;
  /** The dev KMS key every instance shares (and, with `keepPostgres`, the database). */
  dataDir: string;
  /** Keep the database in dataDir across runs (npm run cluster), rather than in a temporary directory. */
  keepPostgres?: boolean;
  /** The front's port on localhost (the widget origin); a free one if not given. */
  port?: number;
  /** Extra environment for every instance (test mode, rate limits). */
  env?: Record<string, string>;
  /** Every log line of every instance. */
  onLog?: (instance: number, event: LogEvent) => void;
}

export interface Instance {
  number: number;
  /** Where the instance itself listens, behind the front. */
  url: string;
  process: ChildProcess;
}

function requireHaproxy(): void {
  try {
    execFileSync("haproxy", ["-v"], { stdio: "ignore" });
  } catch {
    throw new Error("HAProxy is not installed: apt-get install haproxy (the local cluster's load balancer)");
  }
}

/** HAProxy's configuration: a session's or hand-off's requests go to the instance its id names; the rest round robin over the healthy ones. */
function haproxyConfig(port: number, instances: Instance[]): string {
  const routes = instances.flatMap(({ number }) => {
    const p = routePrefix(number);
    return [`  acl to_${number} path_beg /v1/sessions/${p} /v1/handoffs/${p}`, `  use_backend instance_${number} if to_${number}`];
  });
  const server = ({ number, url }: Instance) => `  server i${number} ${new URL(url).host} check inter 500 fall 2 rise 1`;
  return [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    // A hand-off's long poll waits up to a minute.
    "  timeout client 90s",
    "  timeout server 90s",
    "frontend widget",
    `  bind 127.0.0.1:${port}`,
    "  option forwardfor",
    ...routes,
    "  default_backend any",
    "backend any",
    "  balance roundrobin",
    "  option httpchk GET /readyz",
    ...instances.map(server),
    ...instances.flatMap((i) => [`backend instance_${i.number}`, server(i)]),
    "",
  ].join("\n");
}

/** Resolves once GET `url` answers 2xx (asked every 100 ms). */
async function answered(url: string): Promise<void> {
  const ok = () =>
    fetch(url).then(
      (r) => r.ok,
      () => false,
    );
  while (!(await ok())) await new Promise((r) => setTimeout(r, 100));
}

async function waitUntilReady(instance: Instance): Promise<void> {
  const exited = new Promise<never>((_, reject) => instance.process.once("exit", (code) => reject(new Error(`instance ${instance.number} exited while starting (${code})`))));
  await Promise.race([answered(`${instance.url}/readyz`), exited]);
}

export async function startCluster({ instances: count, dataDir, keepPostgres = false, port, env = {}, onLog }: ClusterOptions) {
  requireHaproxy();
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startPostgres(keepPostgres ? { keep: join(dataDir, "postgres") } : {});
  const frontPort = port ?? (await freePort("127.0.0.1"));
  const shared = { ...process.env, ...env, DATABASE_URL: postgres.url, FACESIGN_DATA_DIR: dataDir, FACESIGN_WIDGET_ORIGIN: `http://localhost:${frontPort}`, FACESIGN_TRUST_PROXY: "loopback" };
  const config = readStackConfig({ ...shared, FACESIGN_WIDGET_PORT: String(frontPort) });
  const members: Instance[] = [];
  let front: ChildProcess | undefined;
  const configFile = join(dataDir, "haproxy.cfg");

  /** (Re)starts HAProxy with a route to every instance; a running one hands over its listener (-sf). */
  const route = async () => {
    writeFileSync(configFile, haproxyConfig(frontPort, members));
    const previous = front;
    front = spawn("haproxy", ["-db", "-f", configFile, ...(previous?.pid ? ["-sf", String(previous.pid)] : [])], { stdio: ["ignore", "ignore", "inherit"] });
    // Until the old one has gone, some requests would still take its routes.
    if (previous && previous.exitCode === null && previous.signalCode === null) await new Promise((r) => previous.once("exit", r));
    await answered(`${config.widgetOrigin}/healthz`);
  };

  /** Starts instance `number` (a new one joins the routes). */
  const start = async (number: number): Promise<Instance> => {
    const instancePort = await freePort("127.0.0.1");
    const child = spawn(process.execPath, [resolve(config.distDir, "service", "parent.js")], {
      env: { ...shared, FACESIGN_INSTANCE: String(number), FACESIGN_WIDGET_PORT: String(instancePort), ...(onLog ? { FACESIGN_LOG: "on" } : {}) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (!onLog) return void process.stdout.write(`[${number}] ${line}\n`);
      try {
        onLog(number, JSON.parse(line) as LogEvent);
      } catch {
        // not a log line
      }
    });
    const instance = { number, url: `http://127.0.0.1:${instancePort}`, process: child };
    try {
      await waitUntilReady(instance);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
    members.push(instance);
    return instance;
  };

  const neighbours = await (async () => {
    // One at a time at first: the first instance makes the shared keys.
    for (let i = 0; i < count; i++) await start(i);
    await route();
    return startNeighbours(config);
  })().catch((error: unknown) => {
    front?.kill("SIGKILL");
    for (const m of members) m.process.kill("SIGKILL");
    postgres.stop();
    throw error;
  });

  return {
    config,
    postgresUrl: postgres.url,
    instances: members,
    /** Starts another instance, and routes to it. */
    async join(): Promise<Instance> {
      const instance = await start(Math.max(...members.map((m) => m.number)) + 1);
      await route();
      return instance;
    },
    async stop() {
      await neighbours.stop();
      // Each gets a few seconds to stop cleanly, then is killed.
      const exits = [front, ...members.map((m) => m.process)]
        .filter((p): p is ChildProcess => p !== undefined && p.exitCode === null && p.signalCode === null)
        .map((p) => {
          const exited = new Promise((r) => p.once("exit", r));
          p.kill("SIGTERM");
          const late = setTimeout(() => p.kill("SIGKILL"), 5000);
          return exited.finally(() => clearTimeout(late));
        });
      await Promise.all(exits);
      postgres.stop();
    },
  };
}

const isMain = basename(process.argv[1] ?? "") === "cluster.ts";
if (isMain) {
  const flag = process.argv.indexOf("--instances");
  const instances = flag > 0 ? Number(process.argv[flag + 1]) : 3;
  if (!Number.isSafeInteger(instances) || instances < 1) throw new Error("--instances takes a positive number");
  if (!process.env.FACESIGN_SKIP_BUILD) execFileSync(process.execPath, ["esbuild.config.mjs"], { stdio: "inherit" });
  const port = Number(process.env.FACESIGN_WIDGET_PORT ?? 8787);
  const cluster = await startCluster({ instances, dataDir: resolve(process.env.FACESIGN_DATA_DIR ?? ".data/cluster"), keepPostgres: true, port });
  console.log(`FaceSign widget origin: ${cluster.config.widgetOrigin} (HAProxy in front of ${instances} instances: ${cluster.instances.map((i) => `${routePrefix(i.number)} → ${i.url}`).join(", ")})`);
  console.log(`PostgreSQL: ${cluster.postgresUrl}`);
  console.log(`Host demo (partner site): ${cluster.config.hostDemoOrigin}/`);
  // Ctrl-C reaches this process more than once (from the terminal and through tsx):
  // later signals must not cut the stop short and leave PostgreSQL running.
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= cluster.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
