// The capture loop: camera frames → tracker worker → guidance and challenge pacing
// on screen → the decisive frames, JPEG-encoded, with their capture times.
import { transfer, type Remote } from "comlink";
import { FaceSignError } from "../../contracts/page-frame";
import type { Tracker } from "./workers/tracker.worker";
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

/**
 * Waits for camera frames the loop has not tracked yet, so a fast tracker never tracks
 * a frame twice and a slow one never waits for a frame it could have had. The timeout
 * covers a browser that stops reporting frames (a hidden video).
 */
function frameTicker(video: HTMLVideoElement, timeoutMs = 100): { next(): Promise<void>; stop(): void } {
  let shown = 0;
  let taken = 0;
  let wake: (() => void) | undefined;
  const onFrame = () => {
    shown++;
    wake?.();
    handle = video.requestVideoFrameCallback(onFrame);
  };
  let handle = video.requestVideoFrameCallback(onFrame);
  return {
    next: () =>
      new Promise<void>((resolve) => {
        const go = () => {
          clearTimeout(timer);
          wake = undefined;
          taken = shown;
          resolve();
        };
        const timer = setTimeout(go, shown > taken ? 0 : timeoutMs);
        wake = go;
      }),
    stop: () => video.cancelVideoFrameCallback(handle),
  };
}

export async function capture(view: ScanView, tracker: Remote<Tracker>, { steps, stepTimeoutMs = 15_000, signal }: CaptureOptions): Promise<CapturedFrame[]> {
  const video = view.video;
  let runner: ChallengeRunner | undefined;
  let failed: Error | undefined;
  steps.then(
    (s) => {
      runner = new ChallengeRunner(s);
      view.steps = s;
    },
    (error: unknown) => (failed = error instanceof Error ? error : new FaceSignError("internal_error")),
  );
  const frames: CapturedFrame[] = [];
  let previous: FaceObservation | undefined;
  let stepStarted = performance.now();
  let lastIndex = -1;
  view.phase = "guiding";
  const ticker = frameTicker(video);
  try {
    while (!runner?.finished) {
      if (failed) throw failed;
      if (signal?.aborted) throw new FaceSignError("closed");
      await ticker.next();
      const t = performance.now();
      if (t - stepStarted > stepTimeoutMs) throw new FaceSignError("challenge_timeout", `Step ${(runner?.index ?? 0) + 1} was not completed in time.`);
      const bitmap = await createImageBitmap(video);
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
        const frame = { t, step: event.kind === "step" ? event.index : null, jpeg: await tracker.encodeLast() };
        if (event.kind === "step" && event.replace) frames[frames.length - 1] = frame;
        else frames.push(frame);
      }
      if (runner.index !== lastIndex && runner.hasBaseline) {
        lastIndex = runner.index;
        stepStarted = t;
        view.stepIndex = runner.index;
      }
    }
  } finally {
    ticker.stop();
  }
  return frames;
}
