// A real PostgreSQL server from Debian's package on a free local port: for the store
// tests in a temporary directory (stopped and removed by stop()), for the local cluster
// (npm run cluster) in a directory that stays. Started as the postgres user when run as
// root (the server refuses to run as root).
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test/support/ports";

export interface LocalPostgres {
  url: string;
  stop(): void;
}

function binDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return version ? join(root, version, "bin") : null;
}

/**
 * Starts a server in `keep` (made on first use, kept by stop()) or in a temporary
 * directory; fails, saying what to install, where PostgreSQL is missing.
 */
export async function startPostgres({ keep }: { keep?: string } = {}): Promise<LocalPostgres> {
  const bin = binDir();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install postgresql (the store tests and the local cluster need it)");
  const dir = keep ?? mkdtempSync(join(tmpdir(), "facesign-pg-"));
  mkdirSync(dir, { recursive: true });
  const root = process.getuid?.() === 0;
  if (root) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })));
  const asPostgres = (cmd: string, args: string[]) =>
    root ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], { stdio: "pipe" }) : execFileSync(join(bin, cmd), args, { stdio: "pipe" });
  const port = await freePort("127.0.0.1");
  const data = join(dir, "data");
  if (!existsSync(data)) asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  asPostgres("pg_ctl", ["-D", data, "-w", "-l", join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`, "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asPostgres("pg_ctl", ["-D", data, "-m", keep ? "fast" : "immediate", "-w", "stop"]);
      } finally {
        if (!keep) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
