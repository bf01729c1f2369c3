// Starts the face tracker worker (widget/workers/tracker.worker.ts). Small, so that the
// frame's entry can start it the moment a scan may be needed: the runtime and the
// models then load while the user reads the start screen.
import { wrap, type Remote } from "comlink";
import type { Tracker } from "./workers/tracker.worker";

export interface TrackerHandle {
  tracker: Remote<Tracker>;
  /** Settles when the runtime and the models are loaded. */
  ready: Promise<void>;
  worker: Worker;
}

export function startTracker(widgetOrigin: string): TrackerHandle {
  const worker = new Worker(`${widgetOrigin}/frame/tracker.worker.js`, { type: "module", name: "facesign-tracker" });
  const tracker = wrap<Tracker>(worker);
  const ready = tracker.init(widgetOrigin);
  ready.catch(() => undefined);
  return { tracker, ready, worker };
}
