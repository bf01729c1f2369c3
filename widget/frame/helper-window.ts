// Consent in a window of its own, for browsers that cannot prove the frame is visible
// (no IntersectionObserver v2: Firefox, Safari). A top-level window on the widget
// origin is one the host page cannot cover, fade or shrink, so what the user approves
// there is what they saw. The frame opens it from the user's click (no popup blocker),
// hands it the request, and takes only its answer: messages from that very window
// object, of this origin. Closing the window, or the frame going away, is a no.
import type { ConsentAnswer, ConsentRequest } from "./consent-request";

const WINDOW_PARAM = "consent-window";
const WATCH_MS = 250;

type ToWindow = { type: "facesign:consent-request"; request: ConsentRequest };
type FromWindow = { type: "facesign:consent-ready" } | { type: "facesign:consent-answer"; answer: ConsentAnswer };

/** This document is a consent window opened by a frame of this origin. */
export const isConsentWindow = (): boolean => new URLSearchParams(location.search).has(WINDOW_PARAM) && window.opener !== null;

/** Frame side: opens the window (call it from the user's click) and resolves with its answer; null if the browser opened none. */
export function askInWindow(request: ConsentRequest): Promise<ConsentAnswer> | null {
  const popup = window.open(`${location.pathname}?${WINDOW_PARAM}`, "facesign-consent", "popup,width=440,height=680");
  if (!popup) return null;
  return new Promise((resolve) => {
    const finish = (answer: ConsentAnswer) => {
      removeEventListener("message", onMessage);
      removeEventListener("pagehide", onLeave);
      clearInterval(watch);
      resolve(answer);
    };
    const onMessage = (event: MessageEvent<FromWindow>) => {
      if (event.source !== popup || event.origin !== location.origin) return;
      if (event.data.type === "facesign:consent-ready") popup.postMessage({ type: "facesign:consent-request", request } satisfies ToWindow, location.origin);
      else if (event.data.type === "facesign:consent-answer") finish(event.data.answer);
    };
    const onLeave = () => popup.close();
    const watch = setInterval(() => popup.closed && finish("rejected"), WATCH_MS);
    addEventListener("message", onMessage);
    addEventListener("pagehide", onLeave);
  });
}

/** Window side: asks the opener for its request, shows it with `show`, sends the answer back and closes. */
export function runConsentWindow(show: (request: ConsentRequest) => Promise<ConsentAnswer>): void {
  const opener = window.opener as Window;
  const onMessage = (event: MessageEvent<ToWindow>) => {
    if (event.source !== opener || event.origin !== location.origin || event.data.type !== "facesign:consent-request") return;
    removeEventListener("message", onMessage);
    void show(event.data.request).then((answer) => {
      opener.postMessage({ type: "facesign:consent-answer", answer } satisfies FromWindow, location.origin);
      window.close();
    });
  };
  addEventListener("message", onMessage);
  // The frame that asked is gone (its modal closed): nothing here can count any more.
  setInterval(() => opener.closed && window.close(), WATCH_MS);
  opener.postMessage({ type: "facesign:consent-ready" } satisfies FromWindow, location.origin);
}
