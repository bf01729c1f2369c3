// Comlink's expose() would also honour GET, SET, CONSTRUCT and ENDPOINT messages and
// walk any property path: from an untrusted host page that means reading or replacing
// the API object's internals. This endpoint lets through only calls of the named API
// methods with plain (cloned) arguments, and answers anything else with a typed error.
import type { Endpoint } from "comlink";
import { FaceSignError, rejectionWireMessage } from "../../contracts/page-frame";

type Listener = (event: MessageEvent) => void;

function isAllowedCall(data: unknown, methods: ReadonlySet<string>): boolean {
  if (typeof data !== "object" || data === null) return false;
  const { type, path, argumentList } = data as Record<string, unknown>;
  if (type === "RELEASE") return Array.isArray(path) && path.length === 0;
  if (type !== "APPLY" || !Array.isArray(path) || path.length !== 1 || !methods.has(path[0] as string)) return false;
  if (!Array.isArray(argumentList) || argumentList.length > 8) return false;
  return argumentList.every((arg) => typeof arg === "object" && arg !== null && (arg as { type?: unknown }).type === "RAW");
}

export function guardedEndpoint(port: MessagePort, methods: readonly string[]): Endpoint {
  const allowed = new Set(methods);
  const wrapped = new Map<Listener, Listener>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer ?? []),
    addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const inner = listener as Listener;
      const filter: Listener = (event) => {
        if (isAllowedCall(event.data, allowed)) return inner(event);
        const id = (event.data as { id?: unknown } | null)?.id;
        const reason = new FaceSignError("invalid_request", "Only calls of FaceSign's API methods are accepted.");
        if (typeof id === "string") port.postMessage(rejectionWireMessage(id, reason));
      };
      wrapped.set(inner, filter);
      port.addEventListener(type as "message", filter);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const filter = wrapped.get(listener as Listener);
      if (filter) port.removeEventListener(type as "message", filter);
      wrapped.delete(listener as Listener);
    },
    start: () => port.start(),
  };
}
