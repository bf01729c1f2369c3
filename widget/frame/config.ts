// Reads the frame's configuration from the <meta> tag the widget server writes into
// frame.html (no inline script is allowed by the frame's CSP).
import * as v from "valibot";
import { frameConfigSchema, type FrameConfig } from "../../contracts/frame-service";

export function readFrameConfig(doc: Document = document): FrameConfig {
  const raw = doc.querySelector<HTMLMetaElement>('meta[name="facesign-config"]')?.content ?? "{}";
  return v.parse(frameConfigSchema, JSON.parse(raw));
}
