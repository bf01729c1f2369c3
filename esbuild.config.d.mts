import type { BuildOptions } from "esbuild";
import type { TrustAnchorsJson } from "./common/trust-anchors";
import type { ReleaseManifest } from "./enclave-service/parent/release-manifest";
export declare const browserBuilds: (outdir: string, anchors: TrustAnchorsJson) => BuildOptions[];
export declare const nodeBuilds: (outdir: string, production: boolean) => BuildOptions[];
export declare function build(options?: { outdir?: string; production?: boolean }): Promise<ReleaseManifest>;
