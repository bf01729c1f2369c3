// The local idOS node over HTTP: Kwil's JSON-RPC at POST /rpc/v1, as an idOS node (or
// its Kwil gateway) serves it. The FaceSign frame calls it from the widget origin (CORS
// admits exactly that origin, with credentials for the gateway's session cookie);
// consumers call it from servers.
import express, { type ErrorRequestHandler } from "express";
import type { IdosDb } from "./idos-db";
import { IdosNode } from "./idos-node";
import { KwilRpc, SESSION_COOKIE } from "./kwil-rpc";

/** The chain id this node signs for; clients discover it through user.chain_info, as idOS's own client does. */
const LOCAL_CHAIN_ID = "idos-local";

const sessionOf = (cookie: string | undefined) => new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([A-Za-z0-9_-]+)`).exec(cookie ?? "")?.[1];

export function createIdosApp({ db, widgetOrigin, publicOrigin }: { db: IdosDb; widgetOrigin: string; publicOrigin: string }): express.Express {
  const rpc = new KwilRpc(new IdosNode(db), publicOrigin, LOCAL_CHAIN_ID);
  const app = express();
  app.disable("x-powered-by");
  app.use((req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (req.headers.origin === widgetOrigin) {
      res.setHeader("Access-Control-Allow-Origin", widgetOrigin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
      res.setHeader("Vary", "Origin");
    }
    if (req.method === "OPTIONS") {
      res.setHeader("Access-Control-Allow-Methods", "POST");
      res.setHeader("Access-Control-Allow-Headers", "content-type");
      res.setHeader("Access-Control-Max-Age", "600");
      return void res.status(204).end();
    }
    next();
  });
  app.get("/healthz", (_req, res) => void res.json({ ok: true }));
  app.post("/rpc/v1", express.json({ limit: "256kb", strict: true }), async (req, res) => {
    const answer = await rpc.handle(req.body, sessionOf(req.headers.cookie));
    if (answer.setCookie) res.setHeader("Set-Cookie", answer.setCookie);
    res.status(answer.status).json(answer.body);
  });
  app.use((_req, res) => void res.status(404).json({ jsonrpc: "2.0", id: null, error: { code: -32601, message: "Not found." } }));
  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const parse = (error as { type?: string }).type === "entity.too.large" || (error as { type?: string }).type === "entity.parse.failed";
    res.status(parse ? 400 : 500).json({
      jsonrpc: "2.0",
      id: null,
      error: { code: parse ? -32700 : -32603, message: parse ? "idos:malformed_request The request is not JSON, or too large." : "idos:internal_error The idOS node hit an internal error." },
    });
  };
  app.use(errors);
  return app;
}
