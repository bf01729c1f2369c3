// The host demo: a partner-style site on its own origin. Its CSP admits exactly
// what a partner must admit for FaceSign: the widget origin's script, frame and API.
import express, { type Express } from "express";
import { join } from "node:path";

export interface HostDemoOptions {
  widgetOrigin: string;
  distDir: string;
}

export function hostDemoCsp(widgetOrigin: string): string {
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

export function createHostDemoApp({ widgetOrigin, distDir }: HostDemoOptions): Express {
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
  app.get(["/", "/index.html"], async (_req, res) => {
    const { readFile } = await import("node:fs/promises");
    const html = await readFile(join(dir, "index.html"), "utf8");
    res.type("html").send(html.replaceAll("%WIDGET_ORIGIN%", widgetOrigin));
  });
  app.use(express.static(dir, { index: false }));
  return app;
}
