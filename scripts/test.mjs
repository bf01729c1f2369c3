// `npm test`: models present, types check, build, component tests in real Chromium
// (web-test-runner), then every node test file (unit, service, and the Playwright-
// driven cross-origin flows). The node test runner's summary is the last thing printed.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const files = (dir, suffix) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, suffix) : path.endsWith(suffix) ? [path] : [];
  });

const only = process.argv.slice(2);
run(process.execPath, ["scripts/fetch-models.mjs"]);
if (only.length === 0) {
  run("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
  run(process.execPath, ["esbuild.config.mjs"]);
  run("npx", ["web-test-runner", "--config", "test/web-test-runner.config.mjs"]);
}
const nodeTests = only.length ? only : files("test", ".test.ts").filter((f) => !f.startsWith(join("test", "component")));
run(process.execPath, ["--import", "tsx", "--test", "--test-timeout=180000", "--test-reporter=spec", ...nodeTests]);
