// Accepts the host page's MessagePort once, from an allowed origin that frames us
// directly, and refuses everything else. The CSP's frame-ancestors already keeps
// other sites from loading the frame; this is the second, in-page check.
import * as v from "valibot";
import { connectMessageSchema, FaceSignError, type HandshakeReply, type ErrorCode } from "../../contracts/page-frame";

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

/** Why a well-formed connect message from `origin` must be refused, or null to accept it. */
function refusalFor(win: Window, origin: string, partnerOrigins: readonly string[]): ErrorCode | null {
  if (!partnerOrigins.includes(origin)) return "origin_not_allowed";
  // Framed directly by the top-level page: no page of another origin sits in between.
  if (win.parent !== win.top) return "nested_frame_refused";
  const ancestors = win.location.ancestorOrigins;
  if (ancestors && (ancestors.length !== 1 || ancestors[0] !== origin)) return "nested_frame_refused";
  return null;
}

/** Resolves with the first accepted port; later connect attempts are refused. */
export function acceptHostPort({ partnerOrigins, win = window }: HandshakeEnv): Promise<AcceptedPort> {
  return new Promise((resolve) => {
    let accepted = false;
    win.addEventListener("message", (event: MessageEvent) => {
      // Only our direct parent may hand us a port; anything else is ignored unanswered.
      if (event.source !== win.parent || win.parent === win) return;
      if (!v.is(connectMessageSchema, event.data) || event.ports.length !== 1) return;
      const port = event.ports[0]!;
      const refusal = accepted ? "handshake_refused" : refusalFor(win, event.origin, partnerOrigins);
      if (refusal) return refuse(port, refusal);
      accepted = true;
      resolve({ port, hostOrigin: event.origin });
    });
  });
}
