// Builds everything into dist/: the loader (one IIFE file that works as a classic
// <script> and as <script type="module">), the iframe app, the host demo, and the
// service bundles. `node esbuild.config.mjs` builds once; `--watch` keeps rebuilding.
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const watch = process.argv.includes("--watch");
const common = { bundle: true, sourcemap: true, logLevel: "warning", legalComments: "none" };

/** Browser code: the loader, the iframe app and its workers, the host demo. */
export const browserBuilds = [
  { ...common, entryPoints: { facesign: "widget/loader/index.ts" }, outdir: "dist", format: "iife", minify: true, target: "es2020" },
  {
    ...common,
    entryPoints: { frame: "widget/frame/main.ts", "tracker.worker": "widget/frame/workers/tracker.worker.ts" },
    outdir: "dist/frame",
    format: "esm",
    minify: true,
    target: "es2022",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
  },
  { ...common, entryPoints: { demo: "host-demo/demo.ts" }, outdir: "dist/host-demo", format: "esm", minify: true, target: "es2022" },
];

/** Node code. Packages stay external (installed by npm); project code is bundled. */
export const nodeBuilds = [
  // The enclave core, with every dependency inside: its SHA-384 is PCR0, so what is measured is what runs.
  {
    ...common,
    entryPoints: { enclave: "enclave-service/enclave/worker.ts", "scan-shard": "enclave-service/enclave/identity/scan-shard.worker.ts" },
    outdir: "dist/service",
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: false,
    // Native addons cannot be bundled: in the enclave image they sit beside the bundle, pinned by package-lock.json.
    external: ["onnxruntime-node", "onnxruntime-web", "sharp"],
    define: { __FACESIGN_PRODUCTION__: String(process.env.FACESIGN_BUILD === "production") },
    // CommonJS dependencies call require("crypto") (tweetnacl) and read __dirname (wabt): give the ES module both.
    banner: {
      js: 'import { createRequire as __cr } from "node:module"; import { fileURLToPath as __fu } from "node:url"; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __fu(new URL(".", import.meta.url));',
    },
  },
  // The parent alone (production), and the local development stack around it.
  { ...common, entryPoints: { parent: "enclave-service/parent/main.ts", server: "scripts/start.ts" }, outdir: "dist/service", platform: "node", format: "esm", target: "node20", packages: "external" },
];

const statics = [
  ["widget/frame/frame.html", "dist/frame/frame.html"],
  ["widget/frame/frame.css", "dist/frame/frame.css"],
  ["host-demo/index.html", "dist/host-demo/index.html"],
  ["host-demo/module.html", "dist/host-demo/module.html"],
  ["host-demo/demo.css", "dist/host-demo/demo.css"],
  ["host-demo/favicon.svg", "dist/host-demo/favicon.svg"],
  // onnxruntime-web's wasm binary, fetched by the tracker worker from the widget origin.
  ["node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm", "dist/frame/ort/ort-wasm-simd-threaded.wasm"],
];

export async function build() {
  mkdirSync("dist", { recursive: true });
  for (const [from, to] of statics) cpSync(from, to, { recursive: true });
  const builds = [...browserBuilds, ...nodeBuilds];
  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
  writeLoaderRelease();
}

/**
 * The loader's versioned, immutable name and its subresource-integrity hash, so partners
 * can pin exactly the script they audited: <script src="/v1/facesign-<hash>.js"
 * integrity="sha384-…" crossorigin="anonymous">. The parent serves that name (see
 * enclave-service/parent/widget-routes.ts).
 */
function writeLoaderRelease() {
  const digest = createHash("sha384").update(readFileSync("dist/facesign.js")).digest();
  const release = { path: `/v1/facesign-${digest.toString("hex").slice(0, 16)}.js`, integrity: `sha384-${digest.toString("base64")}` };
  writeFileSync("dist/loader-release.json", `${JSON.stringify(release, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await build();
