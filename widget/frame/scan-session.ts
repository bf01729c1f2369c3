// One face scan attempt, loaded on demand: the enclave session (attested) and the
// camera start together; the decisive frames go to the enclave, boxed.
import { SCAN_REJECTIONS, type IssuedCredential } from "../../contracts/frame-service";
import { fromBase64url, toBase64url } from "../../common/base64url";
import { FaceSignError } from "../../contracts/page-frame";
import type { FrameConfig } from "../../contracts/frame-service";
import { compiledTrustAnchors } from "../../common/trust-anchors";
import { openEnclaveSession } from "./enclave-client";
import type { TrackerHandle } from "./tracker-handle";
import { runScanFlow } from "./scan-flow";
import { screens } from "./screens";
import { ScanView } from "./ui/scan-view";

customElements.define("facesign-scan", ScanView);

export interface ScanSuccess {
  status: "new" | "known";
  userId: string;
  entropy: Uint8Array;
  /** The credential the enclave issued with this scan, encrypted to the user's x25519 key. */
  credential: IssuedCredential;
}

export async function scanOnce(config: FrameConfig, tracker: TrackerHandle): Promise<ScanSuccess> {
  const view = screens.scan();
  const session = openEnclaveSession(location.origin, compiledTrustAnchors());
  session.then(
    () => (document.body.dataset.enclave = "verified"),
    () => (document.body.dataset.enclave = "refused"),
  );
  const captured = await runScanFlow({ view, tracker, steps: session.then((s) => s.challenge.steps), stepTimeoutMs: config.stepTimeoutMs });
  const enclave = await session;
  try {
    view.phase = "uploading";
    view.progress = 0.2;
    const frames = await Promise.all(captured.map(async (f) => ({ t: performance.timeOrigin + f.t, step: f.step, image: toBase64url(new Uint8Array(await f.jpeg.arrayBuffer())) })));
    document.body.dataset.captured = String(frames.length);
    performance.mark("facesign:scan-sent", { detail: { frames: frames.length, imageBytes: captured.reduce((n, f) => n + f.jpeg.size, 0) } });
    const answer = await enclave.request({ type: "scan", frames }, () => {
      view.phase = "analysing";
      view.progress = 0.6;
    });
    if (answer.type !== "scan_result") throw new FaceSignError("service_error");
    view.progress = 1;
    if (answer.status === "rejected") {
      document.body.dataset.rejection = answer.reason;
      const where = answer.step !== undefined ? ` (step ${answer.step + 1})` : "";
      throw new FaceSignError("scan_rejected", `${SCAN_REJECTIONS[answer.reason].message}${where}`);
    }
    return { status: answer.status, userId: answer.userId, entropy: fromBase64url(answer.entropy)!, credential: answer.credential };
  } finally {
    enclave.close();
  }
}
