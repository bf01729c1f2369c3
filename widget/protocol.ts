// The host page ↔ iframe boundary. Every message that crosses it is named here:
// the one-time handshake (window.postMessage carrying a MessagePort), the typed
// error that travels back over Comlink, and the API the iframe exposes on the port.
// Anything the host sends is untrusted: each argument has a valibot schema that the
// iframe checks at run time, and the TypeScript types are derived from those schemas.
import * as v from "valibot";
import { transferHandlers, type TransferHandler } from "comlink";

export const WIDGET_VERSION = "0.1.0";
export const PROTOCOL_VERSION = 1;

/** Stable error codes: the host page can switch on them; messages are for people. */
export const ERROR_CODES = {
  origin_not_allowed: "This site is not allowed to embed FaceSign.",
  nested_frame_refused: "FaceSign must be embedded directly by the top-level page.",
  handshake_refused: "The FaceSign frame refused this connection.",
  handshake_timeout: "The FaceSign frame did not answer in time.",
  widget_unreachable: "The FaceSign service could not be reached.",
  invalid_request: "The request to FaceSign was malformed.",
  closed: "The FaceSign window was closed.",
  camera_denied: "Camera access was denied.",
  camera_missing: "No camera was found.",
  camera_in_use: "The camera is in use by another application.",
  camera_unavailable: "The camera could not be started.",
  challenge_timeout: "The face scan step was not completed in time.",
  attestation_invalid: "FaceSign's enclave could not be verified; nothing was sent.",
  service_error: "The FaceSign service refused the request.",
  scan_rejected: "The face scan was not accepted.",
  internal_error: "FaceSign hit an internal error.",
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class FaceSignError extends Error {
  override readonly name = "FaceSignError";
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
  ) {
    super(message);
  }
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

const errorCodeSchema = v.picklist(Object.keys(ERROR_CODES) as ErrorCode[]);
const wireErrorSchema = v.object({ code: errorCodeSchema, message: v.pipe(v.string(), v.maxLength(500)) });
export type WireError = v.InferOutput<typeof wireErrorSchema>;

/** Turns anything thrown into the only error shape that may cross: no stacks, no internals. */
export function toWireError(error: unknown): WireError {
  return error instanceof FaceSignError ? error.toJSON() : { code: "internal_error", message: ERROR_CODES.internal_error };
}

export function fromWireError(value: unknown): FaceSignError {
  const parsed = v.safeParse(wireErrorSchema, value);
  return parsed.success ? new FaceSignError(parsed.output.code, parsed.output.message) : new FaceSignError("internal_error");
}

// --- Handshake -------------------------------------------------------------------------
// 1. host → iframe, window.postMessage(ConnectMessage, widgetOrigin, [port2])
// 2. iframe → host, on the port: ReadyMessage, or RefusedMessage and the port closes
// 3. Comlink over the port; the iframe exposes FrameApi.

export const connectMessageSchema = v.strictObject({
  type: v.literal("facesign:connect"),
  protocol: v.literal(PROTOCOL_VERSION),
});
export type ConnectMessage = v.InferOutput<typeof connectMessageSchema>;

export const handshakeReplySchema = v.variant("type", [
  v.strictObject({ type: v.literal("facesign:ready") }),
  v.strictObject({ type: v.literal("facesign:refused"), error: wireErrorSchema }),
]);
export type HandshakeReply = v.InferOutput<typeof handshakeReplySchema>;

// --- The API the iframe exposes ---------------------------------------------------------

/** Argument schemas, one tuple per method. */
export const frameApiArgs = {
  hello: v.strictTuple([]),
} as const;

export type FrameMethod = keyof typeof frameApiArgs;
export const FRAME_METHODS = Object.keys(frameApiArgs) as FrameMethod[];

export interface HelloResult {
  /** The widget build the iframe runs. */
  version: string;
  /** The host page's origin as the iframe saw it during the handshake. */
  hostOrigin: string;
}

export interface FrameApi {
  hello(): Promise<HelloResult>;
}

/** Validates a call's arguments; the iframe acts on nothing that fails this. */
export function parseArgs<M extends FrameMethod>(method: M, args: unknown): v.InferOutput<(typeof frameApiArgs)[M]> {
  const parsed = v.safeParse(frameApiArgs[method], args);
  if (!parsed.success) throw new FaceSignError("invalid_request", `Invalid arguments for ${method}: ${parsed.issues[0]?.message ?? "malformed"}`);
  return parsed.output;
}

// --- Errors over Comlink ----------------------------------------------------------------

/** Comlink's "throw" handler, replaced on both sides so errors keep their code and lose their stack. */
const throwHandler: TransferHandler<{ value: unknown }, { isError: true; value: WireError }> = {
  canHandle: (value): value is { value: unknown } => typeof value === "object" && value !== null && "value" in value,
  serialize: ({ value }) => [{ isError: true, value: toWireError(value) }, []],
  deserialize: (serialized) => {
    throw fromWireError(serialized.value);
  },
};

export function installErrorTransfer(): void {
  const original = transferHandlers.get("throw");
  // Keep Comlink's detection (it marks thrown values with a private symbol), change only the wire form.
  transferHandlers.set("throw", { ...throwHandler, canHandle: original ? original.canHandle : throwHandler.canHandle });
}

/** The exact wire message Comlink's caller expects for a rejected call, for calls refused before Comlink sees them. */
export function rejectionWireMessage(id: unknown, error: FaceSignError): { id: unknown; type: "HANDLER"; name: "throw"; value: { isError: true; value: WireError } } {
  return { id, type: "HANDLER", name: "throw", value: { isError: true, value: error.toJSON() } };
}
