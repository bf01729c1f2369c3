// Host side of the handshake: ask the widget origin whether this site is a partner,
// hand the frame one end of a MessageChannel (pinned to the widget origin), wait for
// its answer, then speak Comlink over the port.
import { wrap, type Remote } from "comlink";
import { FaceSignError, fromWireError, readHandshakeReply, installErrorTransfer, PROTOCOL_VERSION, type ConnectMessage, type FrameApi } from "../../contracts/page-frame";
import type { EmbedCheckResponse } from "../../contracts/frame-service";

export interface Channel {
  remote: Remote<FrameApi>;
  port: MessagePort;
}

/** Fails fast with origin_not_allowed instead of a frame the browser silently blocks. */
export async function checkPartner(widgetOrigin: string): Promise<void> {
  let allowed: unknown;
  try {
    const res = await fetch(`${widgetOrigin}/v1/embed-check`, { mode: "cors", credentials: "omit", cache: "no-store" });
    allowed = ((await res.json()) as Partial<EmbedCheckResponse>).allowed;
  } catch {
    throw new FaceSignError("widget_unreachable");
  }
  if (allowed !== true) throw new FaceSignError("origin_not_allowed");
}

/** Hands the frame in `target` (an iframe's window, or a popup) one end of a channel pinned to the widget origin. */
export function openChannel(target: Window, widgetOrigin: string, timeoutMs = 15_000): Promise<Channel> {
  installErrorTransfer();
  const { port1, port2 } = new MessageChannel();
  return new Promise<Channel>((resolve, reject) => {
    const timer = setTimeout(() => fail(new FaceSignError("handshake_timeout")), timeoutMs);
    const fail = (error: FaceSignError) => {
      clearTimeout(timer);
      port1.close();
      reject(error);
    };
    const onReply = (event: MessageEvent) => {
      port1.removeEventListener("message", onReply);
      clearTimeout(timer);
      const reply = readHandshakeReply(event.data);
      if (!reply) return fail(new FaceSignError("handshake_refused"));
      if (reply.type === "facesign:refused") return fail(fromWireError(reply.error));
      resolve({ remote: wrap<FrameApi>(port1), port: port1 });
    };
    port1.addEventListener("message", onReply);
    port1.start();
    const connect: ConnectMessage = { type: "facesign:connect", protocol: PROTOCOL_VERSION };
    target.postMessage(connect, widgetOrigin, [port2]);
  });
}
