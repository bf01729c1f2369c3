// `npm run bench`: runs every benchmark of the project in turn on this machine and
// prints each one's output; each bench's last line is a JSON object of its numbers.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const benches = ["scripts/bench-widget.ts", "scripts/bench-capture.ts", "scripts/bench-face.ts", "scripts/bench-enclave.ts", "scripts/bench-e2e.ts"].filter((f) => existsSync(f));
const build = spawnSync(process.execPath, ["esbuild.config.mjs"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
for (const bench of benches) {
  console.log(`\n== ${bench}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", bench], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
