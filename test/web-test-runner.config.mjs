// Component tests of <facesign-button> / <facesign-modal> in Debian's Chromium. The
// widget origin they talk to is the real parent server (dist/service/parent.js, built
// by npm test before this runs) on a free port, with this test server's origin as its
// one partner; the tests read its origin from window.FACESIGN_WIDGET_ORIGIN.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromeLauncher } from "@web/test-runner-chrome";
import { esbuildPlugin } from "@web/dev-server-esbuild";

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const [testPort, widgetPort] = [await freePort(), await freePort()];
const widgetOrigin = `http://127.0.0.1:${widgetPort}`;

/** Starts the parent when the test server starts, and stops it (and its data) when it stops. */
function parentServer() {
  let parent;
  const dataDir = mkdtempSync(join(tmpdir(), "facesign-wtr-"));
  return {
    name: "facesign-parent",
    async serverStart() {
      parent = spawn(process.execPath, ["dist/service/parent.js"], {
        env: {
          ...process.env,
          FACESIGN_LOG: "info",
          FACESIGN_DATA_DIR: dataDir,
          FACESIGN_WIDGET_PORT: String(widgetPort),
          FACESIGN_WIDGET_ORIGIN: widgetOrigin,
          FACESIGN_PARTNER_ORIGINS: `http://localhost:${testPort}`,
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise((resolve, reject) => {
        parent.once("exit", (code) => reject(new Error(`the parent server exited (${code})`)));
        parent.stdout.on("data", (chunk) => String(chunk).includes('"parent_ready"') && resolve());
      });
    },
    async serverStop() {
      parent?.kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export default {
  files: "test/component/**/*.test.ts",
  port: testPort,
  nodeResolve: true,
  concurrency: 1,
  plugins: [esbuildPlugin({ ts: true, target: "es2022", tsconfig: "tsconfig.json" }), parentServer()],
  testRunnerHtml: (testFramework) =>
    `<html><body><script>window.FACESIGN_WIDGET_ORIGIN = ${JSON.stringify(widgetOrigin)};</script><script type="module" src="${testFramework}"></script></body></html>`,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
        headless: true,
        args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
      },
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
};
