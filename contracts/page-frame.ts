// The host page ↔ iframe boundary. Every message that crosses it is named here:
// the one-time handshake (window.postMessage carrying a MessagePort), the typed
// error that travels back over Comlink, and the API the iframe exposes on the port.
// Anything the host sends is untrusted: each argument has a valibot schema that the
// iframe checks at run time, and the TypeScript types are derived from those schemas.
import * as v from "valibot";
import { transferHandlers, type TransferHandler } from "comlink";
import { codedErrorClass, isCatalogued, type WireError as CodedWireError } from "./coded-error";
import type { IdosParams } from "./idos";

export const WIDGET_VERSION = "0.1.0";
export const PROTOCOL_VERSION = 1;

/** Stable error codes: the host page can switch on them; messages are for people. */
export const ERROR_CODES = {
  origin_not_allowed: { message: "This site is not allowed to embed FaceSign." },
  nested_frame_refused: { message: "FaceSign must be embedded directly by the top-level page." },
  handshake_refused: { message: "The FaceSign frame refused this connection." },
  handshake_timeout: { message: "The FaceSign frame did not answer in time." },
  widget_unreachable: { message: "The FaceSign service could not be reached." },
  invalid_request: { message: "The request to FaceSign was malformed." },
  closed: { message: "The FaceSign window was closed." },
  popup_blocked: { message: "The browser did not open FaceSign's window." },
  camera_denied: { message: "Camera access was denied." },
  camera_missing: { message: "No camera was found." },
  camera_in_use: { message: "The camera is in use by another application." },
  camera_unavailable: { message: "The camera could not be started." },
  handoff_expired: { message: "The hand-off to your phone expired." },
  handoff_cancelled: { message: "The hand-off to your phone was cancelled." },
  handoff_claimed: { message: "This code was already opened on another phone." },
  handoff_tampered: { message: "The answer from your phone could not be verified." },
  challenge_timeout: { message: "The face scan step was not completed in time." },
  attestation_invalid: { message: "FaceSign's enclave could not be verified; nothing was sent." },
  service_error: { message: "The FaceSign service refused the request." },
  scan_rejected: { message: "The face scan was not accepted." },
  identity_ambiguous: { message: "The face is close to an account, but not surely its owner's: nothing was unlocked." },
  account_needed: { message: "A face alone cannot open a wallet on this service: the account's passkey is needed." },
  identity_mismatch: { message: "The face does not match the account the passkey names." },
  nothing_to_delete: { message: "No FaceSign account matches this face: nothing was deleted." },
  enrolment_expired: { message: "The new account was not confirmed in time; nothing was stored." },
  account_locked: { message: "Too many scans did not match the account the passkey names: it is locked for now." },
  passkey_failed: { message: "No passkey was used." },
  user_rejected: { message: "The request was rejected in FaceSign." },
  consent_obscured: { message: "FaceSign's window was hidden, covered or altered when the request was answered: nothing was signed." },
  unsupported_method: { message: "FaceSign does not support this method." },
  internal_error: { message: "FaceSign hit an internal error." },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class FaceSignError extends codedErrorClass("FaceSignError", ERROR_CODES) {}
export type WireError = CodedWireError<ErrorCode>;

// Messages to the frame come from any page: valibot schemas check them. Messages to
// the host come from FaceSign's own frame: small guards check their shape, which
// keeps a schema library out of the loader (≤ 12 KiB).
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
const isWireError = (x: unknown): x is WireError => isRecord(x) && isCatalogued(ERROR_CODES, x.code) && typeof x.message === "string";

/** Turns anything thrown into the only error shape that may cross: no stacks, no internals. */
function toWireError(error: unknown): WireError {
  return error instanceof FaceSignError ? error.toJSON() : { code: "internal_error", message: ERROR_CODES.internal_error.message };
}

export function fromWireError(value: unknown): FaceSignError {
  return isWireError(value) ? new FaceSignError(value.code, value.message.slice(0, 500)) : new FaceSignError("internal_error");
}

// --- Handshake -------------------------------------------------------------------------
// The frame runs in an iframe of the page, or in a popup window the page opened
// (window.open from the user's click). In a popup it first announces itself:
// 0. popup → opener, window.postMessage(PopupReady, each partner origin in turn: only
//    the opener's own origin receives it)
// 1. host → frame, window.postMessage(ConnectMessage, widgetOrigin, [port2])
// 2. frame → host, on the port: ReadyMessage, or RefusedMessage and the port closes
// 3. Comlink over the port; the frame exposes FrameApi. The frame may also post
//    WindowRequests: close, hide or show the window that holds it, or (an iframe that
//    cannot get a camera) ask for a window of its own.

export const POPUP_READY = "facesign:popup-ready";
/** The query that tells frame.html it runs in a popup window of the page. */
export const POPUP_QUERY = "popup";

// (The frame's schemas are marked pure so the loader's bundle leaves them, and valibot, out.)
export const connectMessageSchema = /* @__PURE__ */ v.strictObject({
  type: /* @__PURE__ */ v.literal("facesign:connect"),
  protocol: /* @__PURE__ */ v.literal(PROTOCOL_VERSION),
});
export type ConnectMessage = v.InferOutput<typeof connectMessageSchema>;

export type HandshakeReply = { type: "facesign:ready" } | { type: "facesign:refused"; error: WireError };

export function readHandshakeReply(x: unknown): HandshakeReply | null {
  if (!isRecord(x)) return null;
  if (x.type === "facesign:ready") return { type: "facesign:ready" };
  return x.type === "facesign:refused" && isWireError(x.error) ? { type: "facesign:refused", error: x.error } : null;
}

/**
 * iframe → host, on the port, outside Comlink (no id, so Comlink ignores them), about
 * the window itself: close it (the user pressed Esc: the frame and its keys go), hide it
 * (the user pressed Continue: the frame stays, unlocked, behind the page), or show it
 * again (the frame needs the user: a scan, a consent screen, a problem), or move it to
 * a popup window (the iframe cannot get a camera; the page offers the user the switch).
 */
const WINDOW_REQUESTS = ["facesign:close-request", "facesign:hide-request", "facesign:show-request", "facesign:popup-request"] as const;
export interface WindowRequest {
  type: (typeof WINDOW_REQUESTS)[number];
}
export const isWindowRequest = (x: unknown): x is WindowRequest => isRecord(x) && (WINDOW_REQUESTS as readonly unknown[]).includes(x.type);

// --- The API the iframe exposes ---------------------------------------------------------

/**
 * What `signMessage` signs with the ed25519 wallet key: 0x19 ‖ "FaceSign Signed Message:\n"
 * ‖ the message's length in bytes, in decimal ‖ "\n" ‖ the message (EIP-191's shape, with
 * FaceSign's name). No text request starts with byte 0x19, so a signature a page obtains
 * can never stand for one the frame makes itself (its idOS requests) or any other text.
 * Verifiers check the signature over these bytes.
 */
export function signedMessageBytes(message: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`\x19FaceSign Signed Message:\n${message.length}\n`);
  const out = new Uint8Array(head.length + message.length);
  out.set(head);
  out.set(message, head.length);
  return out;
}

/** The chain FaceSign's EIP-1193 provider reports (eth_chainId). It signs and never sends, so it names one chain; typed data for another is flagged on the consent screen. */
export const PROVIDER_CHAIN_ID = 1;

/** The largest message or typed-data document a signature request may carry. */
const MAX_SIGN_BYTES = 64 * 1024;

const sizeOf = (value: unknown) => JSON.stringify(value, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x)).length;

/**
 * The frame's API, as one table: each method's argument schema (what the host may
 * send; the frame checks it at run time). The method list, FrameApi's signatures and
 * the argument check all come from it. Built on first use: the loader never validates
 * what the frame sends it this way, so its bundle leaves valibot out.
 */
function buildFrameApiArgs() {
  const typedData = v.pipe(
    v.strictObject({
      types: v.record(v.string(), v.array(v.strictObject({ name: v.string(), type: v.string() }))),
      primaryType: v.string(),
      domain: v.optional(v.record(v.string(), v.unknown())),
      message: v.record(v.string(), v.unknown()),
    }),
    v.check((td) => sizeOf(td) <= MAX_SIGN_BYTES, "typed data is too large"),
  );
  return {
    hello: v.strictTuple([]),
    connect: v.strictTuple([]),
    accounts: v.strictTuple([]),
    /** ed25519 over the bytes, or over the UTF-8 of the text. */
    signMessage: v.strictTuple([
      v.union([
        v.pipe(v.string(), v.maxLength(MAX_SIGN_BYTES)),
        v.pipe(
          v.instance(Uint8Array),
          v.check((b) => b.length <= MAX_SIGN_BYTES, "message is too large"),
        ),
      ]),
    ]),
    /** EIP-191: a 0x-prefixed hex string is bytes, anything else is UTF-8 text (as personal_sign's callers send it). */
    personalSign: v.strictTuple([v.pipe(v.string(), v.maxLength(2 * MAX_SIGN_BYTES + 2))]),
    signTypedData: v.strictTuple([typedData]),
    /** Share the FaceSign credential with a consumer (keys base64url, 32 bytes each), and present it for the consumer's fresh challenge. */
    requestAccessGrant: v.strictTuple([
      v.strictObject({
        consumerEncryptionPublicKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, "consumerEncryptionPublicKey must be 32 bytes, base64url")),
        consumerAuthPublicKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, "consumerAuthPublicKey must be 32 bytes, base64url")),
        lockedUntil: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15)),
        challenge: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,86}$/, "challenge must be 16 to 64 bytes, base64url")),
      }),
    ]),
    /** The FaceSign wallet's own proof that it joins an idOS profile the page's wallet holds: add_wallet's arguments, for that wallet to send. */
    joinIdosProfile: v.strictTuple([v.strictObject({ profileId: v.pipe(v.string(), v.uuid("profileId must be an idOS profile id (a UUID)")) })]),
  } as const;
}
type FrameApiArgs = ReturnType<typeof buildFrameApiArgs>;
let frameApiArgs: FrameApiArgs | undefined;
const argsTable = (): FrameApiArgs => (frameApiArgs ??= buildFrameApiArgs());

export type FrameMethod = keyof FrameApiArgs;
/** The methods the frame answers: the table's keys. */
export const frameMethods = (): FrameMethod[] => Object.keys(argsTable()) as FrameMethod[];
export type TypedData = v.InferOutput<FrameApiArgs["signTypedData"]>[0];

export interface HelloResult {
  /** The widget build the iframe runs. */
  version: string;
  /** The host page's origin as the iframe saw it during the handshake. */
  hostOrigin: string;
}

export type Hex = `0x${string}`;

/**
 * What connect() shares, once the user approves it on the frame's connect screen: the
 * same account every site sees, as with any wallet. Whether the face was enrolled now or
 * recognised stays in the frame; the FaceSign user id reaches a site only through a
 * credential grant.
 */
export interface ConnectResult {
  /** EVM address (EIP-55). */
  address: Hex;
  /** The idOS FaceSign wallet: the ed25519 public key, hex. */
  ed25519PublicKey: string;
}

interface SignMessageResult {
  /** ed25519, 64 bytes, hex. */
  signature: string;
  ed25519PublicKey: string;
}

/**
 * What each method resolves with. Every method that reads or uses a key first unlocks
 * the wallet with a face scan if it is locked; every signature is shown to the user for
 * approval (user_rejected if not).
 */
interface FrameResults extends Record<FrameMethod, unknown> {
  hello: HelloResult;
  connect: ConnectResult;
  /** The EVM address while the wallet is unlocked, without asking the user; else none. */
  accounts: Hex[];
  signMessage: SignMessageResult;
  personalSign: Hex;
  signTypedData: Hex;
  /** After consent, the user's credential re-encrypted to the consumer, an idOS access grant for it, and the holder's presentation (vp+jwt) for the consumer's challenge. */
  requestAccessGrant: { grantId: string; presentation: string };
  /** After consent: idOS add_wallet's arguments for the FaceSign wallet, with its signature over the statement naming the profile. */
  joinIdosProfile: IdosParams<"add_wallet">;
}

export type FrameApi = { [M in FrameMethod]: (...args: v.InferInput<FrameApiArgs[M]>) => Promise<FrameResults[M]> };

/** Validates a call's arguments; the iframe acts on nothing that fails this. */
export function parseArgs<M extends FrameMethod>(method: M, args: unknown): v.InferOutput<FrameApiArgs[M]> {
  const parsed = v.safeParse(argsTable()[method], args);
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
  transferHandlers.set("throw", { ...throwHandler, canHandle: (value: unknown): value is { value: unknown } => (original ?? throwHandler).canHandle(value) });
}

/** The exact wire message Comlink's caller expects for a rejected call, for calls refused before Comlink sees them. */
export function rejectionWireMessage(id: unknown, error: FaceSignError): { id: unknown; type: "HANDLER"; name: "throw"; value: { isError: true; value: WireError } } {
  return { id, type: "HANDLER", name: "throw", value: { isError: true, value: error.toJSON() } };
}
