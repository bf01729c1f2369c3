// The local idOS node over HTTP: POST /v1/actions/:action with {params, auth?} → {result},
// or {error: {code, message}} with the code's status. The FaceSign frame calls it from
// the widget origin (CORS allows exactly that origin); consumers call it from servers.
import express, { type ErrorRequestHandler } from "express";
import * as v from "valibot";
import type { IdosDb } from "./idos-db";
import { IdosNode } from "./idos-node";
import { envelopeSchema, IdosError } from "../contracts/idos";

export function createIdosApp({ db, widgetOrigin }: { db: IdosDb; widgetOrigin: string }): express.Express {
  const node = new IdosNode(db);
  const app = express();
  app.disable("x-powered-by");
  app.use((req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (req.headers.origin === widgetOrigin) {
      res.setHeader("Access-Control-Allow-Origin", widgetOrigin);
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
  app.post("/v1/actions/:action", express.json({ limit: "256kb", strict: true }), async (req, res) => {
    const envelope = v.safeParse(envelopeSchema, req.body);
    if (!envelope.success) throw new IdosError("malformed_request", `Invalid request: ${envelope.issues[0]?.message ?? "malformed"}`);
    const result = await node.call(String(req.params.action), envelope.output.params, envelope.output.auth);
    res.json({ result });
  });
  app.use((_req, _res, next) => next(new IdosError("unknown_action")));
  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const e =
      error instanceof IdosError
        ? error
        : (error as { type?: string }).type === "entity.too.large" || (error as { type?: string }).type === "entity.parse.failed"
          ? new IdosError("malformed_request")
          : new IdosError("internal_error");
    res.status(e.status).json({ error: e.toJSON() });
  };
  app.use(errors);
  return app;
}
