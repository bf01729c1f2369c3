// The parent server: the only part of FaceSign's service with sockets and storage.
// It serves the widget origin (loader, frame) and, in front of the enclave core, the API.
import express, { type Express } from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { StackConfig } from "./config";
import { setCommonHeaders } from "./security-headers";
import { widgetRoutes } from "./widget-routes";

export function createParentApp(config: StackConfig): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    setCommonHeaders(res);
    res.json({ ok: true });
  });
  app.use(widgetRoutes(config));
  return app;
}

/** Listens and resolves with the server and its bound port (0 asks for a free one). */
export function listen(app: Express, host: string, port: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve({ server, port: (server.address() as AddressInfo).port }));
    server.once("error", reject);
  });
}
