// A local idOS node for tests, on a free port, reached through a recording front: the
// front passes every JSON-RPC request on and keeps the transactions kwil-js broadcast,
// so a test can replay, tamper with or re-sign them (or hold one back unsent).
import { createServer, type Server } from "node:http";
import type { KwilTx } from "../../contracts/idos";
import type { IdosDb } from "../../idos-node/idos-db";
import { createIdosApp } from "../../idos-node/server";
import { listen } from "../../enclave-service/parent/server";
import { freePort } from "./ports";

export interface TestIdosNode {
  /** The node's public URL (the front), the one clients and its sign-in name. */
  url: string;
  /** The node itself, behind the front. */
  direct: string;
  /** The transactions broadcast through the front, in order. */
  broadcasts: KwilTx[];
  /** Keep the next broadcast without sending it on (the client sees a refusal). */
  holdNext(): void;
  /** One JSON-RPC request straight to the node; its JSON answer. */
  rpc(method: string, params: unknown, cookie?: string): Promise<{ status: number; body: { result?: unknown; error?: { code: number; message: string } }; setCookie: string | null }>;
  stop(): Promise<void>;
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export async function startTestIdosNode(db: IdosDb, widgetOrigin: string): Promise<TestIdosNode> {
  const frontPort = await freePort("127.0.0.1");
  const url = `http://127.0.0.1:${frontPort}`;
  const node = await listen(createIdosApp({ db, widgetOrigin, publicOrigin: url }), "127.0.0.1", 0);
  const inner = `http://127.0.0.1:${node.port}`;
  const broadcasts: KwilTx[] = [];
  let hold = false;
  const front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString();
      const request = JSON.parse(body || "null") as { id?: unknown; method?: string; params?: { tx?: KwilTx } } | null;
      if (request?.method === "user.broadcast" && request.params?.tx) {
        broadcasts.push(request.params.tx);
        if (hold) {
          hold = false;
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: request.id, error: { code: -32000, message: "held by the test" } }));
          return;
        }
      }
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (req.headers.cookie) headers.cookie = req.headers.cookie;
      const answer = await fetch(`${inner}/rpc/v1`, { method: "POST", headers, body });
      const out: Record<string, string> = { "content-type": "application/json" };
      const cookie = answer.headers.get("set-cookie");
      if (cookie) out["set-cookie"] = cookie;
      res.writeHead(answer.status, out).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => front.listen(frontPort, "127.0.0.1", resolve));
  return {
    url,
    direct: inner,
    broadcasts,
    holdNext: () => void (hold = true),
    async rpc(method, params, cookie) {
      const res = await fetch(`${inner}/rpc/v1`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      return { status: res.status, body: (await res.json()) as { result?: unknown; error?: { code: number; message: string } }, setCookie: res.headers.get("set-cookie") };
    },
    async stop() {
      await closeServer(front);
      await closeServer(node.server);
    },
  };
}
