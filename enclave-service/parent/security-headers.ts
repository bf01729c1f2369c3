// HTTP headers of the widget origin. The frame's CSP is the first line of defence:
// only allow-listed partners may frame it, it runs only its own scripts, and it
// talks only to its own origin and the user's idOS node.
import type { Response } from "express";

export interface FramePolicy {
  partnerOrigins: readonly string[];
  idosOrigin: string;
}

function frameContentSecurityPolicy({ partnerOrigins, idosOrigin }: FramePolicy): string {
  return [
    "default-src 'none'",
    // wasm-unsafe-eval: the face tracker runs onnxruntime-web's WebAssembly; no JS eval.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${idosOrigin}`,
    "worker-src 'self'",
    `frame-ancestors ${partnerOrigins.join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function setCommonHeaders(res: Response): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
}

export function setFrameHeaders(res: Response, policy: FramePolicy): void {
  setCommonHeaders(res);
  res.setHeader("Content-Security-Policy", frameContentSecurityPolicy(policy));
  res.setHeader("Permissions-Policy", "camera=(self), publickey-credentials-get=(self), publickey-credentials-create=(self)");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  res.setHeader("Cache-Control", "no-store");
}
