// One shard of the 1:N index, on its own thread: its rows live in its own WebAssembly
// memory (so ten million rows need no single 4 GiB memory), and it answers each query
// with the rows whose bound reaches the cut-off. Messages are named in shard-messages.ts.
import { parentPort, workerData } from "node:worker_threads";
import { CANDIDATE_CAPACITY, CANDIDATE_OFFSET, QUERY_OFFSET, ROWS_OFFSET, ROW_BYTES } from "./scan-kernel";
import type { ShardInit, ShardReply, ShardRequest } from "./shard-messages";

const PAGE = 65536;
/** wasm32's limit: 4 GiB per memory, about 8 million rows per shard. */
const MAX_BYTES = 65536 * PAGE;
const { kernel } = workerData as ShardInit;
const memory = new WebAssembly.Memory({ initial: Math.ceil((ROWS_OFFSET + ROW_BYTES * 1024) / PAGE) });
const { scan } = new WebAssembly.Instance(kernel, { shard: { memory } }).exports as {
  scan: (n: number, qs: number, qn: number, qe: number, cut: number) => number;
};
let rows = 0;

function append(packed: Uint8Array, count: number): void {
  const needed = ROWS_OFFSET + (rows + count) * ROW_BYTES;
  if (needed > memory.buffer.byteLength) {
    // Grow by at least half again, so appends one by one stay amortised O(1).
    if (needed > MAX_BYTES) throw new RangeError("this shard is full: start the index with more shards");
    const target = Math.min(MAX_BYTES, Math.max(needed, Math.floor(memory.buffer.byteLength * 1.5)));
    memory.grow(Math.ceil((target - memory.buffer.byteLength) / PAGE));
  }
  new Uint8Array(memory.buffer, ROWS_OFFSET + rows * ROW_BYTES, count * ROW_BYTES).set(packed);
  rows += count;
}

parentPort!.on("message", (msg: ShardRequest) => {
  if (msg.type === "append") return append(msg.packed, msg.count);
  if (msg.type === "clear") return void new Uint8Array(memory.buffer, ROWS_OFFSET + msg.local * ROW_BYTES, ROW_BYTES).fill(0);
  new Int16Array(memory.buffer, QUERY_OFFSET, msg.codes.length).set(msg.codes);
  const count = scan(rows, msg.scale, msg.norm, msg.error, msg.cut);
  const reply: ShardReply =
    count > CANDIDATE_CAPACITY
      ? { id: msg.id, overflow: true, candidates: new Int32Array(0) }
      : { id: msg.id, overflow: false, candidates: new Int32Array(memory.buffer.slice(CANDIDATE_OFFSET, CANDIDATE_OFFSET + count * 4)) };
  parentPort!.postMessage(reply, [reply.candidates.buffer]);
});
