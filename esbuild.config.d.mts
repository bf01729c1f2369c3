import type { ReleaseManifest } from "./enclave-service/parent/release-manifest";
export declare function build(options?: { outdir?: string; production?: boolean }): Promise<ReleaseManifest>;
