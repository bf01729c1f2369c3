// The parent server: the only part of FaceSign's service with sockets and storage.
// It serves the widget origin (loader, frame) and, in front of the enclave core, the API.
import express, { type Express } from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ReadyResponse } from "../../contracts/frame-service";
import { toBase64url } from "../../common/base64url";
import { apiErrorHandler, apiRoutes } from "./api-routes";
import type { StackConfig } from "./config";
import type { EnclaveHost } from "./enclave-host";
import { log } from "./log";
import { setCommonHeaders } from "./security-headers";
import { widgetRoutes } from "./widget-routes";
import { HandoffRelay } from "./handoff-relay";
import { handoffRoutes } from "./handoff-routes";
import { clientThenAll, RateLimiter, type RateLimit } from "./rate-limit";

export function createParentApp(config: StackConfig, enclave: EnclaveHost, now: () => number = Date.now): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use((req, res, next) => {
    const started = performance.now();
    // Route patterns only: session ids and bodies stay out of the logs.
    res.on("finish", () =>
      log("info", "http", {
        method: req.method,
        route: (req.route as { path?: string } | undefined)?.path ?? req.path.split("/").slice(0, 3).join("/"),
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      }),
    );
    next();
  });
  app.get("/healthz", (_req, res) => {
    setCommonHeaders(res);
    res.json({ ok: true });
  });
  app.get("/readyz", (_req, res) => {
    setCommonHeaders(res);
    // Test mode is announced, so tools (npm run scan) can tell a test stack from a real one.
    res.json({ ready: true, pcr0: toBase64url(enclave.pcr0), testChallenge: config.testChallenge ?? null } satisfies ReadyResponse);
  });
  app.use(widgetRoutes(config));
  const limits = config.rateLimits;
  const limiter = (limit: RateLimit) => new RateLimiter(limit, now);
  const handoffs = new HandoffRelay({ ttlMs: config.handoffTtlMs, now, maxRecords: 10_000, instance: config.instance });
  app.use(handoffRoutes(handoffs, clientThenAll(limiter(limits.handoffs))));
  app.use(apiRoutes(enclave, now, { sessions: clientThenAll(limiter(limits.sessions), limiter(limits.allSessions)), scans: clientThenAll(limiter(limits.scans), limiter(limits.allScans)) }));
  app.use(apiErrorHandler);
  return app;
}

/** Listens and resolves with the server and its bound port (0 asks for a free one). */
export function listen(app: Express, host: string, port: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve({ server, port: (server.address() as AddressInfo).port }));
    server.once("error", reject);
  });
}
