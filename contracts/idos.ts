// The boundary between idOS clients (the frame's adapter, consumers) and an idOS node:
// idOS's actions in namespace "main" with their positional parameters (names and Kwil
// types as idOS's own schema has them), the rows its views answer, and the stable codes
// of the local node's refusals. The wire itself is Kwil's JSON-RPC, built on the client
// side by @idos-network/kwil-js and decoded by the node.
import * as v from "valibot";
import { codedErrorClass } from "./coded-error";

const IDOS_ERRORS = {
  malformed_request: { message: "The request is malformed." },
  unknown_action: { message: "No such action." },
  unsupported: { message: "This node takes only action executions signed by ed25519 or an EVM wallet (secp256k1_ep), concatenated serialization, no fee." },
  unauthenticated: { message: "This view needs the gateway sign-in of the account it reads for." },
  signature_invalid: { message: "The request's signature does not verify." },
  possession_invalid: { message: "The wallet's key did not sign its joining this profile." },
  issuer_signature_invalid: { message: "The credential's issuer signatures (public_notes_signature, broader_signature) are not its issuer's." },
  wrong_chain: { message: "The transaction is signed for another chain." },
  replayed: { message: "This account's nonce was already used: the transaction was replayed." },
  bad_nonce: { message: "The transaction's nonce is not the account's next." },
  forbidden: { message: "That belongs to another profile." },
  not_found: { message: "Not found." },
  conflict: { message: "That already exists." },
  locked: { message: "The access grant is locked until its locked_until time." },
  grant_revoked: { message: "The access grant was revoked." },
  internal_error: { message: "The idOS node hit an internal error." },
} as const;
type IdosErrorCode = keyof typeof IDOS_ERRORS;

export class IdosError extends codedErrorClass("IdosError", IDOS_ERRORS) {}

/** How a refusal travels inside Kwil's error strings (a JSON-RPC error, or a failed transaction's log). */
export const idosErrorText = (e: IdosError): string => `idos:${e.code} ${e.message}`;
/** The refusal named in a Kwil error string, when the node is FaceSign's (a real idOS node's errors are its own). */
export function idosErrorFrom(text: string): IdosError | undefined {
  const m = /idos:([a-z_]+) ((?:[^"\\]|\\.)*)/.exec(text);
  if (!m || !Object.hasOwn(IDOS_ERRORS, m[1]!)) return undefined;
  let message: string | undefined;
  try {
    // Inside a failed transaction's log the text arrives JSON-escaped.
    message = JSON.parse(`"${m[2]}"`) as string;
  } catch {
    message = undefined;
  }
  return new IdosError(m[1] as IdosErrorCode, message || undefined);
}

/** The Kwil types idOS's parameters use. */
export type KwilType = "uuid" | "text" | "int8";

const uuid = v.pipe(v.string(), v.uuid());
const hex32 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const base64 = (max: number) => v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const notes = v.pipe(v.string(), v.maxLength(4096));
/** An issuer's ed25519 public key, hex; its signatures, base64 (a copy's broader signature is empty: its holder re-encrypted it). */
const issuerKey = hex32;
const issuerSignature = v.pipe(v.string(), v.maxLength(128), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const count = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100));

const param = <const N extends string, S extends v.GenericSchema>(name: N, type: KwilType, schema: S) => ({ name, type, schema });

/** What a wallet's key signs to join a profile (add_wallet's message): only its holder can put it there. */
export const walletPossessionMessage = (userId: string, publicKey: string): string => `FaceSign wallet ${publicKey} joins idOS profile ${userId}.`;

/**
 * The idOS actions FaceSign uses. `view` actions are Kwil calls; `authn` views need the
 * caller's gateway sign-in (they answer for that account only); the rest are signed
 * transactions, acting for the profile of the key that signed them.
 */
export const IDOS_ACTIONS = {
  add_user_as_inserter: {
    view: false,
    params: [param("id", "uuid", uuid), param("recipient_encryption_public_key", "text", base64(64)), param("encryption_password_store", "text", v.literal("user"))],
  },
  has_profile: { view: true, authn: false, params: [param("address", "text", v.pipe(v.string(), v.maxLength(128)))] },
  get_user: { view: true, authn: true, params: [] },
  add_wallet: {
    view: false,
    params: [
      param("id", "uuid", uuid),
      param("address", "text", hex32),
      param("public_key", "text", hex32),
      param("wallet_type", "text", v.literal("FaceSign")),
      param("message", "text", v.pipe(v.string(), v.maxLength(512))),
      param("signature", "text", v.pipe(v.string(), v.regex(/^[0-9a-f]{128}$/))),
    ],
  },
  get_wallets: { view: true, authn: true, params: [] },
  add_credential: {
    view: false,
    params: [
      param("id", "uuid", uuid),
      param("issuer_auth_public_key", "text", issuerKey),
      param("encryptor_public_key", "text", base64(64)),
      param("content", "text", base64(64 * 1024)),
      param("public_notes", "text", notes),
      param("public_notes_signature", "text", issuerSignature),
      param("broader_signature", "text", issuerSignature),
    ],
  },
  get_credentials: { view: true, authn: true, params: [] },
  /** Deletes an original credential of the caller's profile (refused while a copy of it has a locked grant). */
  remove_credential: { view: false, params: [param("id", "uuid", uuid)] },
  get_credential_owned: { view: true, authn: true, params: [param("id", "uuid", uuid)] },
  share_credential: {
    view: false,
    params: [
      param("id", "uuid", uuid),
      param("original_credential_id", "uuid", uuid),
      param("public_notes", "text", notes),
      param("public_notes_signature", "text", issuerSignature),
      param("broader_signature", "text", issuerSignature),
      param("content", "text", base64(64 * 1024)),
      param("content_hash", "text", hex32),
      param("encryptor_public_key", "text", base64(64)),
      param("issuer_auth_public_key", "text", issuerKey),
      param("grantee_wallet_identifier", "text", hex32),
      param("locked_until", "int8", v.pipe(v.number(), v.integer(), v.minValue(0))),
    ],
  },
  /** A shared copy, for its grantee only. */
  get_credential_shared: { view: true, authn: true, params: [param("id", "uuid", uuid)] },
  get_access_grants_owned: { view: true, authn: true, params: [] },
  /** Grants whose grantee is the caller, newest first; user_id null for every owner. */
  get_access_grants_granted: { view: true, authn: true, params: [param("user_id", "uuid", v.nullable(uuid)), param("page", "int8", count), param("size", "int8", count)] },
  revoke_access_grant: { view: false, params: [param("id", "uuid", uuid)] },
} as const;
export type IdosAction = keyof typeof IDOS_ACTIONS;
export type IdosView = { [A in IdosAction]: (typeof IDOS_ACTIONS)[A]["view"] extends true ? A : never }[IdosAction];
export type IdosExecution = Exclude<IdosAction, IdosView>;
/** An action's arguments by name, typed by its parameters' schemas. */
export type IdosParams<A extends IdosAction> = { [P in (typeof IDOS_ACTIONS)[A]["params"][number] as P["name"]]: v.InferOutput<P["schema"]> };

export interface IdosUser {
  id: string;
  recipient_encryption_public_key: string;
  encryption_password_store: "user";
}
export interface IdosWallet {
  id: string;
  user_id: string;
  address: string;
  public_key: string;
  wallet_type: "FaceSign";
  message: string;
  signature: string;
  inserter: string | null;
}
export interface IdosCredentialListItem {
  id: string;
  user_id: string;
  public_notes: string;
  issuer_auth_public_key: string;
  inserter: string | null;
  original_id: string | null;
}
export interface IdosCredential {
  id: string;
  user_id: string;
  public_notes: string;
  content: string;
  encryptor_public_key: string;
  issuer_auth_public_key: string;
  inserter: string | null;
}
export interface IdosAccessGrant {
  id: string;
  ag_owner_user_id: string;
  ag_grantee_wallet_identifier: string;
  data_id: string;
  locked_until: number;
  /** SHA-256 (hex) of the shared credential's plaintext. */
  content_hash: string;
  inserter_type: string;
  inserter_id: string;
  /** When the grant was made (epoch ms): the local node tells it; an idOS node may not. */
  created_at?: number;
}

// --- The Kwil JSON-RPC envelopes (POST /rpc/v1), as kwil-js sends them: the node checks each before it acts.
const hexString = v.pipe(v.string(), v.regex(/^[0-9a-f]*$/));
const base64Body = v.pipe(v.string(), v.maxLength(200_000), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const kwilSignature = v.object({ sig: base64Body, type: v.string() });
/** A signed transaction: its body is what the signer signs (with the payload by its digest). */
const kwilTx = v.object({
  signature: kwilSignature,
  body: v.object({
    desc: v.pipe(v.string(), v.maxLength(1024)),
    payload: base64Body,
    type: v.string(),
    fee: v.string(),
    nonce: v.pipe(v.number(), v.integer(), v.minValue(1)),
    chain_id: v.string(),
  }),
  sender: hexString,
  serialization: v.string(),
});
export type KwilTx = v.InferOutput<typeof kwilTx>;

/** The params of the JSON-RPC methods that carry a client's data. */
export const KWIL_RPC_PARAMS = {
  broadcast: v.object({ tx: kwilTx, sync: v.optional(v.number()) }),
  call: v.object({ body: v.object({ payload: base64Body }), auth_type: v.optional(v.string()), sender: v.optional(v.union([hexString, v.null()])) }),
  account: v.object({ id: v.object({ identifier: hexString, key_type: v.optional(v.string()) }) }),
  authn: v.object({ nonce: v.string(), sender: hexString, signature: kwilSignature }),
} as const;

/** The gateway's sign-in parameters (kgw.authn_param): the client signs them back, as kwil-js words them. */
export interface AuthParam {
  nonce: string;
  statement: string;
  issue_at: string;
  expiration_time: string;
  chain_id: string;
  domain: string;
  version: string;
  uri: string;
}

/** The rows each view answers. */
export interface IdosRows {
  has_profile: { has_profile: boolean };
  get_user: IdosUser;
  get_wallets: IdosWallet;
  get_credentials: IdosCredentialListItem;
  get_credential_owned: IdosCredential;
  get_credential_shared: IdosCredential;
  get_access_grants_owned: IdosAccessGrant;
  get_access_grants_granted: IdosAccessGrant;
}
