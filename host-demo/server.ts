// The host demo: a partner-style site on its own origin. Its CSP admits exactly
// what a partner must admit for FaceSign: the widget origin's script, frame and API.
// Its small backend (/api) is what a partner's server does: it verifies signatures on
// its own, and, as a FaceSign consumer, reads the credentials users share with it.
import express, { type Express } from "express";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import nacl from "tweetnacl";
import { verifyMessage, verifyTypedData } from "viem";
import { toBase64url } from "../common/base64url";
import type { TrustAnchors } from "../common/attestation-verifier";
import { ConsumerError, readGrantedCredential } from "./consumer/consumer";
import type { ConsumerGrantRequest, ConsumerVerifyRequest, ConsumerVerifyResponse, VerifySignatureRequest, VerifySignatureResponse } from "./demo-api";

export interface HostDemoOptions {
  widgetOrigin: string;
  idosOrigin: string;
  distDir: string;
  /** What the demo's consumer accepts: the anchors the build compiled into the frame (dist/release.json). */
  consumerAnchors?: TrustAnchors;
}

function demoApi({ widgetOrigin, idosOrigin, consumerAnchors }: HostDemoOptions): express.Router {
  const router = express.Router();
  // Acme's consumer keys, for this run of the demo.
  const encryption = nacl.box.keyPair();
  const auth = nacl.sign.keyPair();
  router.use(express.json({ limit: "96kb" }));
  // Challenges this consumer issued and has not seen answered: each is good once, for ten minutes.
  const challenges = new Map<string, number>();
  router.get("/api/consumer", (_req, res) => {
    const now = Date.now();
    for (const [c, expires] of challenges) if (expires <= now || challenges.size > 10_000) challenges.delete(c);
    const challenge = toBase64url(nacl.randomBytes(32));
    challenges.set(challenge, now + 600_000);
    res.json({ consumerEncryptionPublicKey: toBase64url(encryption.publicKey), consumerAuthPublicKey: toBase64url(auth.publicKey), challenge } satisfies ConsumerGrantRequest);
  });
  router.post("/api/verify-signature", async (req, res) => {
    const r = req.body as VerifySignatureRequest;
    let valid: boolean;
    try {
      valid =
        r.kind === "personal_sign"
          ? await verifyMessage({ address: r.address, message: r.message, signature: r.signature })
          : await verifyTypedData({ ...(r.typedData as Parameters<typeof verifyTypedData>[0]), address: r.address, signature: r.signature });
    } catch {
      valid = false;
    }
    res.json({ valid } satisfies VerifySignatureResponse);
  });
  router.post("/api/consumer/verify", async (req, res) => {
    const { grantId, challenge, presentation } = req.body as Partial<Record<keyof ConsumerVerifyRequest, unknown>>;
    const answer = (response: ConsumerVerifyResponse, status = 200) => void res.status(status).json(response);
    if (typeof grantId !== "string" || typeof challenge !== "string" || typeof presentation !== "string" || !consumerAnchors)
      return answer({ error: "malformed_request", message: "A grantId, challenge and presentation are needed (and the demo's consumer anchors)." }, 400);
    // A challenge answers once: a replayed presentation finds its challenge spent.
    const live = (challenges.get(challenge) ?? 0) > Date.now();
    challenges.delete(challenge);
    if (!live) return answer({ error: "presentation_replayed", message: "This challenge was not issued here, has expired, or was already answered." }, 422);
    try {
      answer(
        await readGrantedCredential({ idosUrl: idosOrigin, widgetOrigin, anchors: consumerAnchors, grantId, secretKey: encryption.secretKey, authSecretKey: auth.secretKey, presentation, challenge }),
      );
    } catch (error) {
      const e = error instanceof ConsumerError ? error : new ConsumerError("idos_unavailable");
      answer({ error: e.code, message: e.message }, 422);
    }
  });
  return router;
}

function hostDemoCsp(widgetOrigin: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${widgetOrigin}`,
    `frame-src ${widgetOrigin}`,
    `connect-src 'self' ${widgetOrigin}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

export function createHostDemoApp(options: HostDemoOptions): Express {
  const { widgetOrigin, distDir } = options;
  const app = express();
  app.disable("x-powered-by");
  const dir = join(distDir, "host-demo");
  app.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", hostDemoCsp(widgetOrigin));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  // The page names the widget origin in a <meta>, which the demo script reads (no inline script).
  const page = (file: string) => readFileSync(join(dir, file), "utf8").replaceAll("%WIDGET_ORIGIN%", widgetOrigin);
  const pages = { "/": page("index.html"), "/index.html": page("index.html"), "/module.html": page("module.html") };
  app.get(Object.keys(pages), (req, res) => {
    res.type("html").send(pages[req.path as keyof typeof pages]);
  });
  app.use(demoApi(options));
  app.use(express.static(dir, { index: false }));
  return app;
}
