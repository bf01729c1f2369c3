// The capture loop: camera frames → tracker worker → guidance on screen; once the
// face is placed, a steady stream of JPEG frames to the enclave, which paces the
// challenge: the screen shows each step as the enclave reveals it.
import { transfer, type Remote } from "comlink";
import type { LightSpan } from "../../contracts/frame-service";
import { FaceSignError } from "../../contracts/page-frame";
import type { Tracker } from "./workers/tracker.worker";
import type { FaceObservation } from "./capture-types";
import { sampleCamera } from "./camera-sampler";
import { FrameStream, type SendFrames } from "./frame-stream";
import { guidanceFor } from "./guidance";
import type { ScanView } from "./ui/scan-view";

export interface CaptureOptions {
  /** Sends frames to the enclave, once its session is attested (the camera starts before). */
  send: Promise<SendFrames>;
  /** How long the user has to place their face before the stream starts. */
  stepTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Frames a second sent to the enclave (it takes up to 12, with no gap over 800 ms); more
 * while the colours show, so each colour has frames of its own.
 */
const STREAM_FPS = 6;
const LIGHT_FPS = 10;

/** Fills the scan's window with each colour in turn, from now, until the last is over or the capture ends. */
async function showColours(view: ScanView, colours: readonly LightSpan[], ended: () => boolean): Promise<void> {
  // Marks for `npm run bench:e2e`; they carry no data.
  performance.mark("facesign:colours");
  for (const { colour, ms } of colours) {
    if (ended()) break;
    view.light = colour;
    document.body.dataset.lightShown = `${document.body.dataset.lightShown ?? ""}${colour} `;
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  view.light = undefined;
  performance.mark("facesign:colours-end");
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

/** Runs until the enclave says the challenge is done; throws its refusal, or the frame's own problem. */
export async function capture(view: ScanView, tracker: Remote<Tracker>, { send, stepTimeoutMs = 15_000, signal }: CaptureOptions): Promise<{ frames: number; bytes: number }> {
  const video = view.video;
  let sender: SendFrames | undefined;
  let failed: unknown;
  send.then(
    (s) => (sender = s),
    (error: unknown) => (failed = error),
  );
  let stream: FrameStream | undefined;
  let stopSampling = () => {};
  let colours: Promise<void> | undefined;
  let ended = false;
  let previous: FaceObservation | undefined;
  const placeBy = performance.now() + stepTimeoutMs;
  view.phase = "guiding";
  delete document.body.dataset.lightShown;
  const ticker = frameTicker(video);
  try {
    while (!stream?.done) {
      if (failed !== undefined || stream?.failure !== undefined) throw failed ?? stream!.failure;
      if (signal?.aborted) throw new FaceSignError("closed");
      await ticker.next();
      // Until the enclave's first answer and while its colours show, the screen says to hold
      // still whatever the tracker sees: tracking waits, and leaves the processor to the stream.
      if (stream && (!stream.pace || view.light)) continue;
      const t = performance.now();
      if (!stream && t > placeBy) throw new FaceSignError("challenge_timeout", "The face was not placed in the oval in time.");
      const bitmap = await createImageBitmap(video);
      const obs = await tracker.track(transfer(bitmap, [bitmap]), t);
      performance.mark("facesign:tracked");
      const guidance = guidanceFor(obs, previous);
      previous = obs;
      view.guidance = guidance;
      if (!stream && sender && guidance === "ok") {
        stream = new FrameStream(sender, (pace) => {
          view.stepCount = pace.of;
          view.stepIndex = pace.done;
          view.step = pace.stage === "step" ? pace.step : undefined;
          // The colours start as the enclave's answer arrives: it times them from when it sent it.
          if (pace.stage === "light") colours ??= showColours(view, pace.colours, () => ended);
          document.body.dataset.captured = String(stream!.sent);
        });
        const started = stream;
        performance.mark("facesign:stream");
        stopSampling = sampleCamera(
          video,
          () => (view.light ? LIGHT_FPS : STREAM_FPS),
          (frame) => started.push(frame),
        );
        view.phase = "challenge";
      }
    }
  } finally {
    ended = true;
    view.light = undefined;
    ticker.stop();
    stopSampling();
  }
  return { frames: stream.sent, bytes: stream.bytes };
}
