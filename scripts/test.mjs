// `npm test`: every tier in order, failing fast: models present, lint (ESLint,
// dependency-cruiser's domain rules, Prettier, knip), each domain's typecheck, the
// build, then the tests: unit (pure logic, seconds), component (web-test-runner in
// Chromium against the real parent), integration (real stack, models, SQLite and
// PostgreSQL) and end to end (Playwright across two origins, a real video as camera).
// `node scripts/test.mjs unit` (or component, integration, e2e) runs one tier;
// `node scripts/test.mjs test/x.test.ts …` runs those files. The node test runner's
// summary is the last thing printed.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".test.ts") ? [path] : [];
  });
const nodeTests = (paths) => run(process.execPath, ["--import", "tsx", "--test", "--test-timeout=180000", "--test-reporter=spec", ...paths]);

const [first, ...rest] = process.argv.slice(2);
run(process.execPath, ["scripts/fetch-models.mjs"]);
if (first === undefined) {
  run("npm", ["run", "-s", "lint"]);
  run("npm", ["run", "-s", "typecheck"]);
  run(process.execPath, ["esbuild.config.mjs"]);
  nodeTests(files("test/unit"));
  run("npm", ["run", "-s", "test:component"]);
  nodeTests([...files("test/integration"), ...files("test/e2e")]);
} else if (first === "unit") nodeTests(files("test/unit"));
else if (first === "component") run("npm", ["run", "-s", "test:component"]);
else if (first === "integration" || first === "e2e") {
  run(process.execPath, ["esbuild.config.mjs"]);
  nodeTests(files(`test/${first}`));
} else nodeTests([first, ...rest]);
