// The widget origin's static side: the loader (embeddable from any site), the frame
// (embeddable only by partners), and the partner check the loader asks before it
// opens the frame, so a site that is not allowed gets a clear typed error.
import express, { type Router } from "express";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EmbedCheckResponse, FrameConfig } from "../../contracts/frame-service";
import type { StackConfig } from "./config";
import { readRelease } from "./release-manifest";
import { setCommonHeaders, setFrameHeaders } from "./security-headers";

const TRACKER_MODELS = ["fr_detect.onnx", "fr_landmark.onnx"];

const escapeAttribute = (s: string): string => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

// The frame's settings. Never its trust anchors: those are compiled into it (common/trust-anchors.ts).
export function widgetRoutes(config: StackConfig): Router {
  const router = express.Router();
  const frameDir = join(config.distDir, "frame");
  const frameConfig = JSON.stringify({
    partnerOrigins: config.partnerOrigins,
    stepTimeoutMs: config.stepTimeoutMs,
    signWindowMs: config.signWindowMs,
    idosUrl: config.idosOrigin,
  } satisfies FrameConfig);
  const frameHtml = readFileSync(join(frameDir, "frame.html"), "utf8").replace('<meta name="facesign-config" content="{}">', `<meta name="facesign-config" content="${escapeAttribute(frameConfig)}">`);

  // Any site may load the loader (classic or module script); only partners may frame the frame.
  // The unversioned URL follows releases; the versioned one is immutable, so a partner can pin it with SRI.
  const { loader } = readRelease(config.distDir);
  const sendLoader = (res: express.Response, cacheControl: string) => {
    setCommonHeaders(res);
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.setHeader("Cache-Control", cacheControl);
    res.sendFile(join(config.distDir, "facesign.js"));
  };
  router.get("/facesign.js", (_req, res) => sendLoader(res, "no-cache"));
  router.get(loader.path, (_req, res) => sendLoader(res, "public, max-age=31536000, immutable"));

  router.get("/v1/embed-check", (req, res) => {
    const origin = req.get("origin");
    setCommonHeaders(res);
    res.setHeader("Access-Control-Allow-Origin", origin ?? "*");
    res.setHeader("Vary", "Origin");
    res.setHeader("Cache-Control", "no-store");
    res.json({ allowed: origin !== undefined && config.partnerOrigins.includes(origin) } satisfies EmbedCheckResponse);
  });

  router.get(["/frame", "/frame/", "/frame/frame.html"], (req, res) => {
    if (req.path === "/frame") return res.redirect(301, "/frame/");
    setFrameHeaders(res, config);
    res.type("html").send(frameHtml);
  });

  // The two models the frame's face tracker runs (the enclave's models are not served).
  router.get("/frame/models/:name", (req, res) => {
    const name = req.params.name;
    if (!TRACKER_MODELS.includes(name)) return res.status(404).json({ error: { code: "not_found", message: "No such model." } });
    setFrameHeaders(res, config);
    res.setHeader("Cache-Control", "public, max-age=86400, immutable");
    res.type("application/octet-stream").sendFile(join(config.modelsDir, name));
  });

  router.use(
    "/frame",
    express.static(frameDir, {
      index: false,
      setHeaders: (res) => setFrameHeaders(res, config),
    }),
  );
  return router;
}
