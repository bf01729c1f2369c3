// Samples the camera for the enclave's stream on the page's own thread, from the video's
// frame callbacks rather than the tracker's loop: a tracker worker that falls behind
// under load leaves the guidance late, not a gap in the stream. Each sample is
// JPEG-encoded by the browser, off this thread, and handed on in capture order.
import type { StreamedFrame } from "./frame-stream";

/** Starts sampling `video` at about `fps()` new camera frames a second (asked at each frame: it may change); returns the stop. */
export function sampleCamera(video: HTMLVideoElement, fps: () => number, onFrame: (frame: StreamedFrame) => void): () => void {
  const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
  const context = canvas.getContext("2d")!;
  let last = -Infinity;
  let stopped = false;
  let inOrder = Promise.resolve();
  let lastFrame = -1;
  const onVideoFrame = (now: DOMHighResTimeStamp, { presentedFrames }: VideoFrameCallbackMetadata) => {
    if (stopped) return;
    handle = video.requestVideoFrameCallback(onVideoFrame);
    // A few ms of slack, so a 30 fps camera gives every fifth frame at 6 a second, not every sixth;
    // and never the frame already sent (a camera that stalls under load).
    if (now - last < 1000 / fps() - 10 || presentedFrames === lastFrame) return;
    last = now;
    lastFrame = presentedFrames;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const jpeg = canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 });
    const t = performance.timeOrigin + now;
    inOrder = inOrder.then(async () => {
      const blob = await jpeg;
      if (!stopped) onFrame({ t, jpeg: blob });
    });
  };
  let handle = video.requestVideoFrameCallback(onVideoFrame);
  return () => {
    stopped = true;
    video.cancelVideoFrameCallback(handle);
  };
}
