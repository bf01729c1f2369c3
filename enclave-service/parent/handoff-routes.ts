// /v1/handoffs: the phone hand-off's HTTP side (contracts/frame-service.ts). Opening
// and claiming are rate limited per client address; the waiting frame proves itself
// with its bearer token; answers are ciphertext the parent cannot open.
import express, { type Request, type Response, type Router } from "express";
import * as v from "valibot";
import { ApiError, handoffAnswerSchema, handoffIdSchema, HANDOFF_STATES, type HandoffClaimed, type HandoffCreated, type HandoffStatus } from "../../contracts/frame-service";
import { fromBase64url, toBase64url } from "../../common/base64url";
import type { HandoffRelay } from "./handoff-relay";

import { setCommonHeaders } from "./security-headers";

/** How long a waiting frame's poll is held open before it is answered with the unchanged state. */
const LONG_POLL_MS = 20_000;

const idOf = (req: Request): Buffer => {
  const id = String(req.params.id);
  if (!v.is(handoffIdSchema, id)) throw new ApiError("handoff_unknown");
  return Buffer.from(fromBase64url(id)!);
};

const bearer = (req: Request): Buffer => {
  const token = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(req.get("authorization") ?? "")?.[1];
  const bytes = token ? fromBase64url(token) : null;
  if (!bytes) throw new ApiError("handoff_token_invalid");
  return Buffer.from(bytes);
};

const send = (res: Response, status: number, body?: unknown) => {
  setCommonHeaders(res);
  res.setHeader("Cache-Control", "no-store");
  if (body === undefined) res.status(status).end();
  else res.status(status).json(body);
};

export function handoffRoutes(relay: HandoffRelay, limit: (client: string) => void): Router {
  const router = express.Router();
  const json = express.json({ limit: "80kb", strict: true, type: "application/json" });

  router.post("/v1/handoffs", (req, res) => {
    limit(req.ip ?? "unknown");
    const { id, waitToken, expiresAt } = relay.create();
    send(res, 201, { id: toBase64url(id), waitToken: toBase64url(waitToken), expiresAt } satisfies HandoffCreated);
  });

  router.get("/v1/handoffs/:id", async (req, res) => {
    const [id, token] = [idOf(req), bearer(req)];
    const after = typeof req.query.after === "string" ? req.query.after : "";
    if ((HANDOFF_STATES as readonly string[]).includes(after)) {
      let gone = false;
      req.once("close", () => (gone = true));
      await relay.waitForChange(id, token, after, LONG_POLL_MS);
      if (gone) return;
    }
    send(res, 200, relay.status(id, token) satisfies HandoffStatus);
  });

  router.delete("/v1/handoffs/:id", (req, res) => {
    relay.cancel(idOf(req), bearer(req));
    send(res, 204);
  });

  router.post("/v1/handoffs/:id/claim", (req, res) => {
    limit(req.ip ?? "unknown");
    send(res, 200, { claimToken: toBase64url(relay.claim(idOf(req))) } satisfies HandoffClaimed);
  });

  router.post("/v1/handoffs/:id/answer", json, (req, res) => {
    const id = idOf(req);
    const body = v.safeParse(handoffAnswerSchema, req.body);
    if (!body.success) throw new ApiError("malformed_request", `Invalid hand-off answer: ${body.issues[0]?.message ?? "malformed"}`);
    relay.answer(id, Buffer.from(fromBase64url(body.output.claimToken)!), body.output.answer);
    send(res, 204);
  });
  return router;
}
