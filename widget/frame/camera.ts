// Opens the front camera (640x480 ideal) and turns the browser's DOMExceptions into
// FaceSign's typed camera errors, each of which has its own screen.
import { FaceSignError, type ErrorCode } from "../../contracts/page-frame";

const reasons: Record<string, ErrorCode> = {
  NotAllowedError: "camera_denied",
  SecurityError: "camera_denied",
  NotFoundError: "camera_missing",
  OverconstrainedError: "camera_missing",
  NotReadableError: "camera_in_use",
  AbortError: "camera_in_use",
};

export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new FaceSignError("camera_missing");
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : "";
    throw new FaceSignError(reasons[name] ?? "camera_unavailable");
  }
}

export function stopCamera(stream: MediaStream | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}
