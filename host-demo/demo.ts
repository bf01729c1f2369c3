// The partner page's own script: it listens to the button's events and shows, step
// by step, everything that crossed from the FaceSign frame to this page.
import type { HelloResult, WireError } from "../widget/protocol";

const timeline = document.getElementById("timeline")!;
const button = document.getElementById("facesign")!;

function log(text: string, detail?: unknown, className?: string) {
  const item = document.createElement("li");
  if (className) item.className = className;
  item.textContent = text + (detail === undefined ? "" : " ");
  if (detail !== undefined) {
    const code = document.createElement("code");
    code.textContent = JSON.stringify(detail);
    item.append(code);
  }
  timeline.append(item);
}

button.addEventListener("facesign:connected", (e) => log("Connected to the FaceSign frame:", (e as CustomEvent<HelloResult>).detail));
button.addEventListener("facesign:error", (e) => log("Error:", (e as CustomEvent<WireError>).detail, "error"));
button.addEventListener("facesign:disconnected", () => log("The FaceSign window was closed."));
