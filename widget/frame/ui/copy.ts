// Every sentence the capture screens show or announce, in one place.
import type { ChallengeStep, Guidance } from "../capture-types";

export const GUIDANCE_TEXT: Record<Guidance, string> = {
  no_face: "Show your face in the oval",
  multiple_faces: "Only one face, please",
  too_dark: "It's too dark: face a light",
  move_closer: "Move closer",
  move_back: "Move back a little",
  centre_face: "Centre your face in the oval",
  hold_still: "Hold still",
  ok: "Great, hold it there",
};

/** Between two steps, until the enclave reveals the next: the face back at rest. */
export const BACK_TO_REST = "Now face the camera again";

/** While the light challenge's colours show. */
export const LIGHT_TEXT = "Hold still while your screen changes colour";

export const STEP_TEXT: Record<ChallengeStep, string> = {
  turn_left: "Turn your head to the left",
  turn_right: "Turn your head to the right",
  look_up: "Look up",
  look_down: "Look down",
  blink: "Blink",
  move_closer: "Move closer to the camera",
};

export const CAMERA_ERROR_TEXT = {
  camera_denied: { title: "Camera access is off", body: "FaceSign needs your camera to see that you are there. Allow camera access for this site in your browser, then try again." },
  camera_missing: { title: "No camera found", body: "Connect a camera, or open this page on a phone or laptop with one, then try again." },
  camera_in_use: { title: "Your camera is busy", body: "Another app or tab is using the camera. Close it, then try again." },
  camera_unavailable: { title: "The camera didn't start", body: "Something stopped the camera from starting. Try again." },
} as const;
