// The capture loop: camera frames → tracker worker → guidance and challenge pacing
// on screen → the decisive frames, JPEG-encoded, with their capture times.
import { transfer, wrap, type Remote } from "comlink";
import { FaceSignError } from "../protocol";
import type { Tracker } from "../workers/tracker.worker";
import type { ChallengeStep, FaceObservation } from "./capture-types";
import { ChallengeRunner, type RunnerEvent } from "./challenge-runner";
import { guidanceFor } from "./guidance";
import type { ScanView } from "./ui/scan-view";

export interface CapturedFrame {
  /** performance.now() at capture, ms. */
  t: number;
  /** The challenge step the frame shows, or null for the neutral face. */
  step: number | null;
  jpeg: Blob;
}

export interface CaptureOptions {
  /** The enclave's challenge: guidance runs while it is still on its way. */
  steps: Promise<readonly ChallengeStep[]>;
  /** How long one step (or the initial placement) may take before the scan stops. */
  stepTimeoutMs?: number;
  signal?: AbortSignal;
}

export function startTracker(widgetOrigin: string): { tracker: Remote<Tracker>; ready: Promise<void>; worker: Worker } {
  const worker = new Worker(`${widgetOrigin}/frame/tracker.worker.js`, { type: "module", name: "facesign-tracker" });
  const tracker = wrap<Tracker>(worker);
  return { tracker, ready: tracker.init(widgetOrigin), worker };
}

export async function capture(view: ScanView, tracker: Remote<Tracker>, { steps, stepTimeoutMs = 15_000, signal }: CaptureOptions): Promise<CapturedFrame[]> {
  const video = view.video;
  const canvas = new OffscreenCanvas(video.videoWidth || 640, video.videoHeight || 480);
  const ctx = canvas.getContext("2d")!;
  let runner: ChallengeRunner | undefined;
  let failed: unknown;
  steps.then(
    (s) => {
      runner = new ChallengeRunner(s);
      view.steps = s;
    },
    (error: unknown) => (failed = error),
  );
  const frames: CapturedFrame[] = [];
  let previous: FaceObservation | undefined;
  let stepStarted = performance.now();
  let lastIndex = -1;
  view.phase = "guiding";

  while (!runner?.finished) {
    if (failed) throw failed;
    if (signal?.aborted) throw new FaceSignError("closed");
    const t = performance.now();
    if (t - stepStarted > stepTimeoutMs) throw new FaceSignError("challenge_timeout", `Step ${(runner?.index ?? 0) + 1} was not completed in time.`);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const bitmap = await createImageBitmap(canvas);
    const obs = await tracker.track(transfer(bitmap, [bitmap]), t);
    performance.mark("facesign:tracked");
    const guidance = guidanceFor(obs, previous);
    previous = obs;
    view.guidance = guidance;

    let event: RunnerEvent | undefined;
    if (!runner) continue;
    if (!runner.hasBaseline) {
      if (guidance === "ok") event = runner.feed(obs);
      else runner.resetBaseline();
      if (runner.hasBaseline) view.phase = "challenge";
    } else if (obs.faces === 1) {
      event = runner.feed(obs);
    }
    if (event?.keep) {
      const frame = { t, step: event.kind === "step" ? event.index : null, jpeg: await canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 }) };
      if (event.kind === "step" && event.replace) frames[frames.length - 1] = frame;
      else frames.push(frame);
    }
    if (runner.index !== lastIndex && runner.hasBaseline) {
      lastIndex = runner.index;
      stepStarted = t;
      view.stepIndex = runner.index;
    }
  }
  return frames;
}
