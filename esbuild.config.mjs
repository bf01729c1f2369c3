// Builds everything into dist/: the loader (one IIFE file that works as a classic
// <script> and as <script type="module">), the iframe app, the host demo, the consumer
// CLI and the service bundles. The service comes first: its enclave image is measured,
// and the frame and the consumer CLI are compiled with the trust anchors that follow
// (scripts/release.ts), then dist/release.json records the release.
// `node esbuild.config.mjs` builds; FACESIGN_BUILD=production builds for release.
import * as esbuild from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const common = { bundle: true, sourcemap: true, logLevel: "warning", legalComments: "none" };

/** Code for users and consumers: the loader, the frame and its workers, the host demo, the consumer CLI; the frame and the CLI pin `anchors`. */
const clientBuilds = (outdir, anchors) => {
  const pinned = { define: { __FACESIGN_TRUST_ANCHORS__: JSON.stringify(anchors) } };
  return [
    { ...common, entryPoints: { facesign: "widget/loader/index.ts" }, outdir, format: "iife", minify: true, target: "es2020" },
    {
      ...common,
      ...pinned,
      entryPoints: { frame: "widget/frame/main.ts", "tracker.worker": "widget/frame/workers/tracker.worker.ts" },
      outdir: join(outdir, "frame"),
      format: "esm",
      minify: true,
      target: "es2022",
      splitting: true,
      chunkNames: "chunks/[name]-[hash]",
    },
    { ...common, entryPoints: { demo: "host-demo/demo.ts" }, outdir: join(outdir, "host-demo"), format: "esm", minify: true, target: "es2022" },
    { ...common, ...pinned, entryPoints: { consumer: "scripts/consumer.ts" }, outdir: join(outdir, "tools"), platform: "node", format: "esm", target: "node20", packages: "external" },
  ];
};

/** The service (Node). Packages stay external (installed by npm); project code is bundled. */
const serviceBuilds = (outdir, production) => [
  // The enclave core, with every dependency but the native runtimes inside; the enclave image (measurement.ts) is these bundles, the models and those packages.
  {
    ...common,
    entryPoints: { enclave: "enclave-service/enclave/worker.ts", "scan-shard": "enclave-service/enclave/identity/scan-shard.worker.ts" },
    outdir: join(outdir, "service"),
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: false,
    // Native addons cannot be bundled: in the enclave image they sit beside the bundle, pinned by package-lock.json.
    external: ["onnxruntime-node", "onnxruntime-web", "sharp"],
    define: { __FACESIGN_PRODUCTION__: String(production) },
    // CommonJS dependencies call require("crypto") (tweetnacl) and read __dirname (wabt): give the ES module both.
    banner: {
      js: 'import { createRequire as __cr } from "node:module"; import { fileURLToPath as __fu } from "node:url"; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __fu(new URL(".", import.meta.url));',
    },
  },
  // The parent alone (production), and the local development stack around it.
  {
    ...common,
    entryPoints: { parent: "enclave-service/parent/main.ts", server: "scripts/start.ts" },
    outdir: join(outdir, "service"),
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
  },
];

const statics = [
  ["widget/frame/frame.html", "frame/frame.html"],
  ["widget/frame/frame.css", "frame/frame.css"],
  ["host-demo/index.html", "host-demo/index.html"],
  ["host-demo/module.html", "host-demo/module.html"],
  ["host-demo/demo.css", "host-demo/demo.css"],
  ["host-demo/favicon.svg", "host-demo/favicon.svg"],
  // onnxruntime-web's wasm binary, fetched by the tracker worker from the widget origin.
  ["node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm", "frame/ort/ort-wasm-simd-threaded.wasm"],
];

/** The build's own TypeScript (scripts/release.ts), bundled by esbuild to run here. */
async function importTs(entry) {
  const outfile = resolve(".cache", "build", "release.mjs");
  await esbuild.build({ entryPoints: [entry], outfile, bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning" });
  return import(`${pathToFileURL(outfile).href}?${Date.now()}`);
}

export async function build({ outdir = "dist", production = process.env.FACESIGN_BUILD === "production" } = {}) {
  // The frame's chunks are named by hash: last build's must not linger among them (or in the release's listing).
  rmSync(join(outdir, "frame"), { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  for (const [from, to] of statics) cpSync(from, join(outdir, to), { recursive: true });
  const release = await importTs("scripts/release.ts");
  await Promise.all(serviceBuilds(outdir, production).map((options) => esbuild.build(options)));
  const enclave = release.measureBuiltEnclave(outdir);
  const anchors = await release.trustAnchorsFor({ production, pcr0: enclave.pcr0 });
  await Promise.all(clientBuilds(outdir, anchors).map((options) => esbuild.build(options)));
  return release.writeRelease(outdir, anchors, enclave);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await build();
