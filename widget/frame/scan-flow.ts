// One face scan, as the user lives it: the camera starts, the tracker warms up,
// guidance places the face, the challenge runs, and the decisive frames come out.
import { FaceSignError } from "../../contracts/page-frame";
import type { ChallengeStep } from "./capture-types";
import { openCamera, stopCamera } from "./camera";
import { capture, type CapturedFrame } from "./capture";
import type { TrackerHandle } from "./tracker-handle";
import type { ScanView } from "./ui/scan-view";

export interface ScanFlowOptions {
  view: ScanView;
  /** Started by the caller, ahead of the scan, and kept across its retries. */
  tracker: TrackerHandle;
  /** The enclave's challenge for this session. */
  steps: Promise<readonly ChallengeStep[]>;
  stepTimeoutMs: number;
  signal?: AbortSignal;
}

export async function runScanFlow({ view, tracker: { tracker, ready }, steps, stepTimeoutMs, signal }: ScanFlowOptions): Promise<CapturedFrame[]> {
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
    return await capture(view, tracker, { steps, stepTimeoutMs, ...(signal ? { signal } : {}) });
  } catch (error) {
    throw error instanceof FaceSignError ? error : new FaceSignError("internal_error");
  } finally {
    stopCamera(stream);
    if (view.video) view.video.srcObject = null;
  }
}
