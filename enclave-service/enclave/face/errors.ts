// Why a frame gives no FaceVector. Stable codes: they name scan rejections.
import { codedErrorClass } from "../../../contracts/coded-error";

const FACE_ERRORS = {
  image_invalid: { message: "The frame is not a readable JPEG, WebP or PNG image." },
  image_too_large: { message: "The frame is too large." },
  no_face: { message: "No face was found in the frame." },
  multiple_faces: { message: "More than one face is in the frame." },
} as const;

export class FaceError extends codedErrorClass("FaceError", FACE_ERRORS) {}
