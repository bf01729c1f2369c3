// The host demo: a partner-style site on its own origin. Its CSP admits exactly
// what a partner must admit for FaceSign: the widget origin's script, frame and API.
import express, { type Express } from "express";
import { readFileSync } from "node:fs";
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
  const page = (file: string) => readFileSync(join(dir, file), "utf8").replaceAll("%WIDGET_ORIGIN%", widgetOrigin);
  const pages = { "/": page("index.html"), "/index.html": page("index.html"), "/module.html": page("module.html") };
  app.get(Object.keys(pages), (req, res) => {
    res.type("html").send(pages[req.path as keyof typeof pages]);
  });
  app.use(express.static(dir, { index: false }));
  return app;
}
