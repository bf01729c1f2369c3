// One face scan, as the user lives it: the camera starts, the tracker warms up,
// guidance places the face, and the enclave runs its challenge on the stream.
import { FaceSignError } from "../../contracts/page-frame";
import { openCamera, stopCamera } from "./camera";
import { capture } from "./capture";
import type { SendFrames } from "./frame-stream";
import type { TrackerHandle } from "./tracker-handle";
import type { ScanView } from "./ui/scan-view";

export interface ScanFlowOptions {
  view: ScanView;
  /** Started by the caller, ahead of the scan, and kept across its retries. */
  tracker: TrackerHandle;
  /** The stream to the enclave's session, once it is attested. */
  send: Promise<SendFrames>;
  stepTimeoutMs: number;
  signal?: AbortSignal;
}

export async function runScanFlow({ view, tracker: { tracker, ready }, send, stepTimeoutMs, signal }: ScanFlowOptions): Promise<{ frames: number; bytes: number }> {
  view.phase = "starting";
  let stream: MediaStream | undefined;
  try {
    stream = await openCamera();
    view.video.srcObject = stream;
    await view.video.play();
    // Marks for `npm run bench:capture`; they carry no data.
    performance.mark("facesign:camera-live");
    await ready;
    performance.mark("facesign:tracker-ready");
    return await capture(view, tracker, { send, stepTimeoutMs, ...(signal ? { signal } : {}) });
  } catch (error) {
    throw error instanceof FaceSignError ? error : new FaceSignError("internal_error");
  } finally {
    stopCamera(stream);
    if (view.video) view.video.srcObject = null;
  }
}
