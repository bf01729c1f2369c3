import type { BuildOptions } from "esbuild";
export declare const browserBuilds: BuildOptions[];
export declare const nodeBuilds: BuildOptions[];
export declare function build(): Promise<void>;
