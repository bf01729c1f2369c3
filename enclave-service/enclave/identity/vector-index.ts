// The 1:N index in enclave memory: every FaceVector as int8 codes, sharded across
// worker threads that scan them with a SIMD kernel. It names the few rows whose error
// bound can reach the threshold; re-ranked with their exact f32 vectors (`exactBest`),
// they give the answer exact f32 search gives: a row left out provably scores below
// the threshold.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { dot, quantize } from "./quantize";
import { FACE_VECTOR_DIM } from "./registry-types";
import { ROW_BYTES, compileScanKernel } from "./scan-kernel";
import type { ShardInit, ShardReply, ShardRequest } from "./shard-messages";

/** Room for f32 rounding in the kernel's bound and in the reference's sum (both far below 1e-5). */
const BOUND_MARGIN = 1e-4;
const FLUSH_ROWS = 4096;

// Run from source (tests, benches) the worker is the .ts beside this file, loaded through
// tsx; bundled, esbuild emits it beside the enclave.
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const SHARD_URL = new URL(FROM_SOURCE ? "./scan-shard.worker.ts" : "./scan-shard.js", import.meta.url);
const startShard = (init: ShardInit) =>
  FROM_SOURCE
    ? new Worker(new URL(`data:text/javascript,import{register}from${JSON.stringify(import.meta.resolve("tsx/esm/api"))};register();await import(${JSON.stringify(SHARD_URL.href)})`), {
        workerData: init,
      })
    : new Worker(SHARD_URL, { workerData: init });

let kernel: Promise<WebAssembly.Module> | undefined;

class Shard {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (reply: ShardReply) => void; reject: (error: Error) => void }>();
  private failed: Error | undefined;
  private pending = new Uint8Array(FLUSH_ROWS * ROW_BYTES);
  private pendingRows = 0;

  constructor(init: ShardInit) {
    this.worker = startShard(init);
    this.worker.on("message", (reply: ShardReply) => {
      this.waiting.get(reply.id)?.resolve(reply);
      this.waiting.delete(reply.id);
    });
    this.worker.on("error", (error) => {
      this.failed = error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    });
  }

  /** The next row's slot in the pending batch, sent on the next flush. */
  slot(): Uint8Array {
    if (this.pendingRows === FLUSH_ROWS) this.flush();
    const start = this.pendingRows * ROW_BYTES;
    this.pendingRows++;
    return this.pending.subarray(start, start + ROW_BYTES);
  }

  flush(): void {
    if (this.pendingRows === 0) return;
    const packed = this.pending.subarray(0, this.pendingRows * ROW_BYTES);
    this.post({ type: "append", packed, count: this.pendingRows }, [packed.buffer]);
    this.pending = new Uint8Array(FLUSH_ROWS * ROW_BYTES);
    this.pendingRows = 0;
  }

  /** Zeroes one of this shard's rows (after any pending rows reach the shard: messages keep their order). */
  clear(local: number): void {
    this.flush();
    this.post({ type: "clear", local });
  }

  scan(request: Extract<ShardRequest, { type: "scan" }>): Promise<ShardReply> {
    if (this.failed) return Promise.reject(this.failed);
    this.flush();
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.post(request);
    });
  }

  private post(msg: ShardRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

export class VectorIndex {
  private nextQuery = 1;
  private count = 0;

  private constructor(private readonly shards: Shard[]) {}

  static async create(shards = availableParallelism()): Promise<VectorIndex> {
    kernel ??= compileScanKernel();
    const init: ShardInit = { kernel: await kernel };
    return new VectorIndex(Array.from({ length: Math.max(1, shards) }, () => new Shard(init)));
  }

  get size(): number {
    return this.count;
  }

  /** Appends a unit vector as the next row (rows are dealt round-robin to the shards). */
  add(vector: Float32Array): number {
    if (vector.length !== FACE_VECTOR_DIM) throw new RangeError(`FaceVector must have ${FACE_VECTOR_DIM} dimensions`);
    const row = this.count++;
    const slot = this.shards[row % this.shards.length]!.slot();
    const q = quantize(vector, new Int8Array(slot.buffer, slot.byteOffset, FACE_VECTOR_DIM));
    new Float32Array(slot.buffer, slot.byteOffset + FACE_VECTOR_DIM, 3).set([q.scale, q.error, q.norm]);
    return row;
  }

  /** Zeroes a row: its bound is 0, below any threshold, so no query names it again. Rows keep their numbers. */
  clear(row: number): void {
    if (!(row >= 0 && row < this.count)) throw new RangeError(`no row ${row}`);
    this.shards[row % this.shards.length]!.clear(Math.floor(row / this.shards.length));
  }

  /** The rows that may score at or above the threshold, ascending: every row whose int8 bound reaches it (all rows, past the kernel's capacity). */
  async candidates(query: Float32Array, threshold: number): Promise<number[]> {
    const q = quantize(query);
    const request = { type: "scan" as const, id: this.nextQuery++, codes: Int16Array.from(q.codes), scale: q.scale, norm: Math.hypot(...query), error: q.error, cut: threshold - BOUND_MARGIN };
    const replies = await Promise.all(this.shards.map((s) => s.scan(request)));
    return replies.some((r) => r.overflow)
      ? Array.from({ length: this.count }, (_, row) => row)
      : replies.flatMap((r, shard) => Array.from(r.candidates, (local) => local * this.shards.length + shard)).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.close()));
  }
}

/** The exact f32 re-rank: of these rows (ascending), the one with the highest score at or above the threshold (first on a tie), if any. */
export function exactBest(rows: readonly number[], vectorOf: (row: number) => Float32Array | undefined, query: Float32Array, threshold: number): { row: number; score: number } | undefined {
  let best: { row: number; score: number } | undefined;
  for (const row of rows) {
    const vector = vectorOf(row);
    if (!vector) continue;
    const score = dot(vector, query);
    if (score >= threshold && (!best || score > best.score)) best = { row, score };
  }
  return best;
}
