// Drives the frame's real tracker worker (dist/frame/tracker.worker.js) inside the
// real frame, in Chromium, speaking Comlink's wire format by hand so that the test
// needs nothing but what the widget origin serves.
import type { Frame } from "playwright-core";
import type { FaceObservation } from "../../widget/frame/capture-types";
import { KEEP_NAMES_SHIM } from "./browser";

export interface TrackedImages {
  observations: FaceObservation[];
  /** How many of the images needed the detector (the others were followed on their landmarks). */
  detections: number;
}

/** Tracks the images as camera frames `intervalMs` apart (the default: unrelated moments). */
export async function trackImages(frame: Frame, widgetOrigin: string, images: Uint8Array[], intervalMs = 1000): Promise<TrackedImages> {
  await frame.evaluate(KEEP_NAMES_SHIM);
  return frame.evaluate(
    async ({ widgetOrigin, images, intervalMs }) => {
      const worker = new Worker(`${widgetOrigin}/frame/tracker.worker.js`, { type: "module" });
      let next = 0;
      const call = (method: string, args: unknown[], transfer: Transferable[] = []) =>
        new Promise<any>((resolve, reject) => {
          const id = `c${next++}`;
          const onMessage = (e: MessageEvent) => {
            if (e.data?.id !== id) return;
            worker.removeEventListener("message", onMessage);
            if (e.data.type === "HANDLER") reject(new Error(JSON.stringify(e.data.value)));
            else resolve(e.data.value);
          };
          worker.addEventListener("message", onMessage);
          worker.postMessage({ id, type: "APPLY", path: [method], argumentList: args.map((value) => ({ type: "RAW", value })) }, transfer);
        });
      await call("init", [widgetOrigin]);
      const observations = [];
      for (const [i, b64] of images.entries()) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/jpeg" }));
        observations.push(await call("track", [bitmap, i * intervalMs], [bitmap]));
      }
      const { detections } = await call("stats", []);
      worker.terminate();
      return { observations, detections };
    },
    { widgetOrigin, images: images.map((b) => Buffer.from(b).toString("base64")), intervalMs },
  );
}
