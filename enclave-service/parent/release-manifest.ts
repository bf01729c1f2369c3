// dist/release.json, written by the build (scripts/release.ts): what this build is,
// for operators and consumers to compare with what they run or are served. The parent
// reads only the loader's versioned name from it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TrustAnchorsJson } from "../../common/trust-anchors";

export interface ReleaseManifest {
  build: TrustAnchorsJson["build"];
  /** The enclave image: its measurement (hex) and the file listing it is taken over, beside this file. */
  enclave: { pcr0: string; listing: string };
  /** The frame's files as served under /frame/: SHA-384 (hex) of their listing, beside this file. */
  frame: { sha384: string; listing: string };
  /** The loader's versioned path and subresource-integrity hash. */
  loader: { path: string; integrity: string };
  /** Exactly what the frame and the consumer CLI were compiled to accept. */
  trustAnchors: TrustAnchorsJson;
}

export const RELEASE_FILE = "release.json";

export const readRelease = (distDir: string): ReleaseManifest => JSON.parse(readFileSync(join(distDir, RELEASE_FILE), "utf8")) as ReleaseManifest;
