// Messages between the 1:N index and its shard threads (both inside the enclave).
export interface ShardInit {
  kernel: WebAssembly.Module;
}

export type ShardRequest =
  /** Rows packed as scan-kernel.ts lays them out; `count` of them. */
  | { type: "append"; packed: Uint8Array<ArrayBuffer>; count: number }
  /** Zero this shard's row `local` (a deleted user). */
  | { type: "clear"; local: number }
  /** The query's int8 codes widened to i16, its scale, ‖y‖, ‖e_y‖ and the cut-off. */
  | { type: "scan"; id: number; codes: Int16Array; scale: number; norm: number; error: number; cut: number };

export type ShardReply = { id: number; overflow: boolean; candidates: Int32Array<ArrayBuffer> };
