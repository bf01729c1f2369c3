// The enclave image and its measurement. The image is every file the enclave core can
// run or read: its two bundles, the four face models it is booted with, and the npm
// packages it loads at run time (onnxruntime-node and sharp, native addons included)
// with everything they depend on. The enclave runs onnxruntime-node only (core.ts), so
// onnxruntime-web, external in its bundle as the tools' fallback, is not in the image.
// The measurement is SHA-384 over the image's listing in `sha384sum` form (one
// "<hex>  <path>" line per file, sorted by path), so anyone can recompute it with
// coreutils. The build pins it in the frame (esbuild.config.mjs); the parent measures
// again at boot what it actually starts, as Nitro measures an image at launch. Nitro's
// registers: PCR0 (image) and PCR2 (application) carry this value, PCR1 (kernel) is
// zero locally, and registers 3-15 are zero, as Nitro reports them.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { MODEL_FILES } from "./model-files";

const PCR_BYTES = 48;
/** The packages the enclave imports at run time (see serviceBuilds' `external` in esbuild.config.mjs). */
const ENCLAVE_PACKAGES = ["onnxruntime-node", "sharp"];

export interface EnclaveImage {
  /** The listing the measurement is taken over (`sha384sum` format). */
  listing: string;
  pcr0: Uint8Array;
}

const sha384 = (b: Uint8Array | string) => createHash("sha384").update(b).digest();
const posix = (p: string) => p.split(sep).join("/");

/** Native binaries built for other systems ride along in onnxruntime-node's package but can never load here. */
function isOtherPlatformBinary(path: string): boolean {
  const m = /\/bin\/napi-v\d+\/([^/]+)\/([^/]+)\//.exec(path);
  return m !== null && (m[1] !== process.platform || m[2] !== process.arch);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !relative(dir, join(e.parentPath, e.name)).split(sep).includes("node_modules"))
    .map((e) => join(e.parentPath, e.name));
}

/** Where Node resolves `name` from `fromDir`: the nearest node_modules up the tree. */
function packageDir(name: string, fromDir: string, root: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** The installed packages `names` need at run time, transitively (optional ones only when installed). */
function packageClosure(names: string[], root: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean) => {
    const dir = packageDir(name, fromDir, root);
    if (dir === undefined) {
      if (optional) return;
      throw new Error(`The enclave needs ${name}, which is not installed (run npm ci).`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, root, false);
  return [...seen];
}

/** The folder whose node_modules the bundles in serviceDir import from, as Node finds it. */
function packageRootOf(serviceDir: string): string {
  for (let dir = resolve(serviceDir); dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, "node_modules"))) return dir;
  throw new Error(`No node_modules above ${serviceDir}: run npm ci.`);
}

/** Lists and measures the image: the bundles in serviceDir (enclave.js, scan-shard.js), the models, the packages. */
export function measureEnclaveImage(serviceDir: string, modelsDir: string): EnclaveImage {
  const packageRoot = packageRootOf(serviceDir);
  const entries: [string, string][] = [
    ...["enclave.js", "scan-shard.js"].map((f): [string, string] => [`service/${f}`, join(serviceDir, f)]),
    ...Object.values(MODEL_FILES).map((f): [string, string] => [`models/${f}`, join(modelsDir, f)]),
    ...packageClosure(ENCLAVE_PACKAGES, packageRoot)
      .flatMap(filesUnder)
      .map((f): [string, string] => [posix(relative(packageRoot, f)), f])
      .filter(([path]) => !isOtherPlatformBinary(path)),
  ];
  const { listing, digest } = sha384Listing(entries);
  return { listing, pcr0: digest };
}

/**
 * `sha384sum`'s listing of these files ([path as listed, file on disk]), sorted by path,
 * and the SHA-384 of that listing: the enclave's PCR0, and the frame's release hash.
 */
export function sha384Listing(entries: [string, string][]): { listing: string; digest: Uint8Array } {
  const listing = [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, file]) => `${sha384(readFileSync(file)).toString("hex")}  ${path}\n`)
    .join("");
  return { listing, digest: new Uint8Array(sha384(listing)) };
}

export function enclavePcrs(imageMeasurement: Uint8Array): Record<number, Uint8Array> {
  const pcrs: Record<number, Uint8Array> = {};
  for (let i = 0; i < 16; i++) pcrs[i] = new Uint8Array(PCR_BYTES);
  pcrs[0] = imageMeasurement;
  pcrs[2] = imageMeasurement;
  return pcrs;
}
