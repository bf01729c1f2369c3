// FaceSign's HTTP API on the widget origin. The parent checks shapes and sizes and
// carries ciphertext to and from the enclave; it can read none of it.
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import * as v from "valibot";
import { ApiError, createSessionRequestSchema, issuerRequestSchema, LIMITS, type CreateSessionResponse, type IssuerResponse } from "../../contracts/frame-service";
import { fromBase64url, toBase64url } from "../../common/base64url";
import type { EnclaveHost } from "./enclave-host";
import { RateLimited } from "./rate-limit";
import { setCommonHeaders } from "./security-headers";

/** body-parser's error types → our codes; anything else is ours to explain. */
const BODY_ERRORS: Record<string, ApiError["code"]> = {
  "entity.too.large": "payload_too_large",
  "entity.parse.failed": "malformed_request",
  "entity.verify.failed": "malformed_request",
  "encoding.unsupported": "unsupported_media_type",
  "charset.unsupported": "unsupported_media_type",
  "request.size.invalid": "malformed_request",
  "request.aborted": "malformed_request",
};

function sendApiError(res: Response, error: ApiError): void {
  setCommonHeaders(res);
  res.status(error.status).json(error.toBody());
}

const requireType = (type: string) => (req: Request, _res: Response, next: (e?: unknown) => void) => next(req.is(type) ? undefined : new ApiError("unsupported_media_type"));

/** Rate limits by client address (see rate-limit.ts): opening sessions, and uploading scans. */
export interface ApiLimits {
  sessions: (client: string) => void;
  scans: (client: string) => void;
}

export function apiRoutes(enclave: EnclaveHost, now: () => number, limits: ApiLimits): Router {
  const router = express.Router();
  // Limits apply while the body streams in: nothing larger is ever buffered.
  const json = express.json({ limit: "4kb", strict: true, type: "application/json" });
  const boxed = (limit: number) => express.raw({ limit, type: "application/octet-stream" });

  const limit = (take: (client: string) => void) => (req: Request, _res: Response, next: () => void) => {
    take(req.ip ?? "unknown");
    next();
  };

  router.post("/v1/sessions", limit(limits.sessions), requireType("application/json"), json, async (req, res) => {
    const body = v.safeParse(createSessionRequestSchema, req.body);
    if (!body.success) throw new ApiError("malformed_request", `Invalid session request: ${body.issues[0]?.message ?? "malformed"}`);
    const r = await enclave.call("openSession", { nonce: fromBase64url(body.output.nonce)!, clientPublicKey: fromBase64url(body.output.clientPublicKey)!, light: body.output.light, now: now() });
    const response: CreateSessionResponse = {
      sessionId: toBase64url(r.sessionId),
      attestation: toBase64url(r.attestation),
      enclavePublicKey: toBase64url(r.enclavePublicKey),
      challenge: { id: toBase64url(r.challengeId), light: r.light },
      testMode: r.testMode,
      expiresAt: r.expiresAt,
    };
    setCommonHeaders(res);
    res.status(201).json(response);
  });

  router.post("/v1/issuer", requireType("application/json"), json, async (req, res) => {
    const body = v.safeParse(issuerRequestSchema, req.body);
    if (!body.success) throw new ApiError("malformed_request", `Invalid issuer request: ${body.issues[0]?.message ?? "malformed"}`);
    const r = await enclave.call("attestIssuer", { nonce: fromBase64url(body.output.nonce)!, now: now() });
    setCommonHeaders(res);
    res.status(200).json({ issuer: r.issuer, attestation: toBase64url(r.attestation) } satisfies IssuerResponse);
  });

  const sessionRequest = async (req: Request, res: Response) => {
    const sessionId = fromBase64url(String(req.params.id));
    if (!sessionId || sessionId.length !== 16) throw new ApiError("session_unknown");
    if (!(req.body instanceof Buffer) || req.body.length === 0) throw new ApiError("box_invalid");
    // A new user's sealed template is on disk (enclave-host) before anyone hears of the user.
    const { reply } = await enclave.call("sessionRequest", { sessionId, body: new Uint8Array(req.body), now: now() });
    setCommonHeaders(res);
    res.status(200).type("application/octet-stream").send(Buffer.from(reply));
  };
  router.post("/v1/sessions/:id/requests", requireType("application/octet-stream"), boxed(LIMITS.smallBody), sessionRequest);
  router.post("/v1/sessions/:id/stream", requireType("application/octet-stream"), boxed(LIMITS.streamBody), sessionRequest);
  router.post("/v1/sessions/:id/scan", limit(limits.scans), requireType("application/octet-stream"), boxed(LIMITS.smallBody), sessionRequest);

  router.use("/v1", (_req, _res, next) => next(new ApiError("not_found")));
  return router;
}

export const apiErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const type = (error as { type?: string } | null)?.type;
  const apiError = error instanceof ApiError ? error : new ApiError((type && BODY_ERRORS[type]) || "internal_error");
  if (error instanceof RateLimited) res.setHeader("Retry-After", String(error.retryAfterSeconds));
  sendApiError(res, apiError);
};
