// Accepts the host page's MessagePort once, from an allowed origin that frames us
// directly (or, in a popup window, that opened us), and refuses everything else. The
// CSP's frame-ancestors already keeps other sites from framing the frame; this is the
// second, in-page check, and the only one a popup has.
import * as v from "valibot";
import { connectMessageSchema, FaceSignError, POPUP_QUERY, POPUP_READY, type HandshakeReply, type ErrorCode } from "../../contracts/page-frame";

export interface AcceptedPort {
  port: MessagePort;
  hostOrigin: string;
}

export interface HandshakeEnv {
  partnerOrigins: readonly string[];
  win?: Window;
}

function refuse(port: MessagePort, code: ErrorCode): void {
  const reply: HandshakeReply = { type: "facesign:refused", error: new FaceSignError(code).toJSON() };
  port.postMessage(reply);
  port.close();
}

/** This document is the frame in a popup window the page opened (not in an iframe). */
export const inPopup = (win: Window = window): boolean => win.parent === win && win.opener !== null && new URLSearchParams(win.location.search).has(POPUP_QUERY);

/** Where the host's port may come from: the page that frames us, or the page that opened us. */
const hostWindow = (win: Window): Window | null => (inPopup(win) ? (win.opener as Window) : win.parent === win ? null : win.parent);

/** Why a well-formed connect message from `origin` must be refused, or null to accept it. */
function refusalFor(win: Window, origin: string, partnerOrigins: readonly string[]): ErrorCode | null {
  if (!partnerOrigins.includes(origin)) return "origin_not_allowed";
  if (inPopup(win)) return null;
  // Framed directly by the top-level page: no page of another origin sits in between.
  if (win.parent !== win.top) return "nested_frame_refused";
  const ancestors = win.location.ancestorOrigins;
  if (ancestors && (ancestors.length !== 1 || ancestors[0] !== origin)) return "nested_frame_refused";
  return null;
}

/** Resolves with the first accepted port; later connect attempts are refused. */
export function acceptHostPort({ partnerOrigins, win = window }: HandshakeEnv): Promise<AcceptedPort> {
  const host = hostWindow(win);
  return new Promise((resolve) => {
    let accepted = false;
    win.addEventListener("message", (event: MessageEvent) => {
      // Only our direct parent (or opener) may hand us a port; anything else is ignored unanswered.
      if (host === null || event.source !== host) return;
      if (!v.is(connectMessageSchema, event.data) || event.ports.length !== 1) return;
      const port = event.ports[0]!;
      const refusal = accepted ? "handshake_refused" : refusalFor(win, event.origin, partnerOrigins);
      if (refusal) return refuse(port, refusal);
      accepted = true;
      resolve({ port, hostOrigin: event.origin });
    });
  });
}

/** In a popup: tells the opener we are ready for its port, if it is a partner (the browser delivers to a matching origin only). */
export function announcePopup(partnerOrigins: readonly string[], win: Window = window): void {
  if (!inPopup(win)) return;
  for (const origin of partnerOrigins) (win.opener as Window).postMessage({ type: POPUP_READY }, origin);
}
