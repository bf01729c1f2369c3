// A window of FaceSign's own, for what an embedded frame cannot do in place: consent in
// browsers that cannot prove the frame is visible (no IntersectionObserver v2: Firefox,
// Safari), and creating a passkey where the frame may not (Safari; a page that does not
// delegate publickey-credentials-create). A top-level window on the widget origin is one
// the host page cannot cover, fade or shrink. The frame opens it from the user's click
// (no popup blocker), hands it the request, and takes only its answer: messages from
// that very window object, of this origin. Closing the window, or the frame going away,
// gives the `closed` answer.
import type { NewPasskey } from "../../contracts/frame-service";
import type { ConsentAnswer, ConsentRequest } from "./consent-request";

const WINDOW_PARAM = "window";
const WATCH_MS = 250;

/** What each kind of window is asked, and answers. */
export interface HelperWindows {
  consent: { request: ConsentRequest; answer: ConsentAnswer };
  passkey: { request: { accountHandle: string }; answer: NewPasskey | null };
}
type Kind = keyof HelperWindows;

/** `received`: the frame has the answer, so the window may close (closing first could read as "no"). */
type ToWindow<K extends Kind> = { type: "facesign:window-request"; request: HelperWindows[K]["request"] } | { type: "facesign:window-received" };
type FromWindow<K extends Kind> = { type: "facesign:window-ready" } | { type: "facesign:window-answer"; answer: HelperWindows[K]["answer"] };

/** The kind of helper window this document is, opened by a frame of this origin; null when it is not one. */
export function helperWindowKind(): Kind | null {
  const kind = new URLSearchParams(location.search).get(WINDOW_PARAM);
  return window.opener !== null && (kind === "consent" || kind === "passkey") ? kind : null;
}

/** Frame side: opens the window (call it from the user's click) and resolves with its answer; null if the browser opened none. */
export function askInWindow<K extends Kind>(kind: K, request: HelperWindows[K]["request"], closed: HelperWindows[K]["answer"]): Promise<HelperWindows[K]["answer"]> | null {
  const popup = window.open(`${location.pathname}?${WINDOW_PARAM}=${kind}`, `facesign-${kind}`, "popup,width=440,height=680");
  if (!popup) return null;
  return new Promise((resolve) => {
    const finish = (answer: HelperWindows[K]["answer"]) => {
      removeEventListener("message", onMessage);
      removeEventListener("pagehide", onLeave);
      clearInterval(watch);
      resolve(answer);
    };
    const onMessage = (event: MessageEvent<FromWindow<K>>) => {
      if (event.source !== popup || event.origin !== location.origin) return;
      if (event.data.type === "facesign:window-ready") popup.postMessage({ type: "facesign:window-request", request } satisfies ToWindow<K>, location.origin);
      else if (event.data.type === "facesign:window-answer") {
        popup.postMessage({ type: "facesign:window-received" } satisfies ToWindow<K>, location.origin);
        finish(event.data.answer);
      }
    };
    const onLeave = () => popup.close();
    const watch = setInterval(() => popup.closed && finish(closed), WATCH_MS);
    addEventListener("message", onMessage);
    addEventListener("pagehide", onLeave);
  });
}

/** Window side: asks the opener for its request, answers it with `handle`, sends the answer back and closes once the opener has it. */
export function runInWindow<K extends Kind>(handle: (request: HelperWindows[K]["request"]) => Promise<HelperWindows[K]["answer"]>): void {
  const opener = window.opener as Window;
  let asked = false;
  const onMessage = (event: MessageEvent<ToWindow<K>>) => {
    if (event.source !== opener || event.origin !== location.origin) return;
    if (event.data.type === "facesign:window-received") return window.close();
    if (asked) return;
    asked = true;
    void handle(event.data.request).then((answer) => opener.postMessage({ type: "facesign:window-answer", answer } satisfies FromWindow<K>, location.origin));
  };
  addEventListener("message", onMessage);
  // The frame that asked is gone (its modal closed): nothing here can count any more.
  setInterval(() => opener.closed && window.close(), WATCH_MS);
  opener.postMessage({ type: "facesign:window-ready" } satisfies FromWindow<K>, location.origin);
}
