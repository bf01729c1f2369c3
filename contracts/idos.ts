// The boundary of the local idOS-compatible node: every action the frame (through its
// idOS adapter) and consumers may call, with idOS's names and meaning, their argument
// schemas, the signed envelope that authenticates writes and owner reads, and the
// stable error codes. POST /v1/actions/:action with {params, auth?} → {result}.
import * as v from "valibot";
import { codedErrorClass } from "./coded-error";

const IDOS_ERRORS = {
  malformed_request: { status: 400, message: "The request is malformed." },
  unknown_action: { status: 404, message: "No such action." },
  unauthenticated: { status: 401, message: "This action needs a signature from one of the profile's wallets." },
  signature_invalid: { status: 401, message: "The request's signature does not verify." },
  possession_invalid: { status: 403, message: "The wallet's key did not sign its joining this profile." },
  stale_request: { status: 401, message: "The request's timestamp is too far from now." },
  replayed: { status: 409, message: "This signed request was already used." },
  forbidden: { status: 403, message: "That belongs to another profile." },
  not_found: { status: 404, message: "Not found." },
  conflict: { status: 409, message: "That already exists." },
  locked: { status: 409, message: "The access grant is locked until its locked_until time." },
  grant_revoked: { status: 410, message: "The access grant was revoked." },
  internal_error: { status: 500, message: "The idOS node hit an internal error." },
} as const;
export type IdosErrorCode = keyof typeof IDOS_ERRORS;

export class IdosError extends codedErrorClass("IdosError", IDOS_ERRORS) {}

const id = v.pipe(v.string(), v.uuid());
const hex32 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const base64 = (max: number) => v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const notes = v.pipe(v.string(), v.maxLength(4096));

/** Argument schemas, by action; `signed` actions need `auth` from the profile's inserter or one of its wallets. */
export const IDOS_ACTIONS = {
  add_user_as_inserter: { signed: true, params: v.strictObject({ id, recipient_encryption_public_key: base64(64) }) },
  has_profile: { signed: false, params: v.strictObject({ address: v.pipe(v.string(), v.maxLength(128)) }) },
  get_user: { signed: true, params: v.strictObject({}) },
  /** `possession`: the new wallet's own signature over walletPossessionMessage(the profile's id, public_key). */
  add_wallet: { signed: true, params: v.strictObject({ id, address: hex32, public_key: hex32, wallet_type: v.literal("FaceSign"), possession: v.pipe(v.string(), v.regex(/^[0-9a-f]{128}$/)) }) },
  get_wallets: { signed: true, params: v.strictObject({}) },
  add_credential: {
    signed: true,
    params: v.strictObject({ id, issuer_auth_public_key: v.pipe(v.string(), v.maxLength(256)), encryptor_public_key: base64(64), content: base64(64 * 1024), public_notes: notes }),
  },
  get_credentials: { signed: true, params: v.strictObject({}) },
  get_credential_owned: { signed: true, params: v.strictObject({ id }) },
  share_credential: {
    signed: true,
    params: v.strictObject({
      id,
      original_credential_id: id,
      grant_id: id,
      public_notes: notes,
      content: base64(64 * 1024),
      encryptor_public_key: base64(64),
      issuer_auth_public_key: v.pipe(v.string(), v.maxLength(256)),
      grantee_wallet_identifier: hex32,
      locked_until: v.pipe(v.number(), v.integer(), v.minValue(0)),
      content_hash: hex32,
    }),
  },
  /** Shared copies are readable by anyone who knows their id: the content opens only with the grantee's key. */
  get_credential_shared: { signed: false, params: v.strictObject({ id }) },
  /** A grant by id, for its grantee (FaceSign's consumers hold only an encryption key). */
  get_access_grant: { signed: false, params: v.strictObject({ id }) },
  get_access_grants_owned: { signed: true, params: v.strictObject({}) },
  revoke_access_grant: { signed: true, params: v.strictObject({ id }) },
} as const;
export type IdosAction = keyof typeof IDOS_ACTIONS;
export type IdosParams<A extends IdosAction> = v.InferOutput<(typeof IDOS_ACTIONS)[A]["params"]>;

/** ed25519 over signingMessage(action, timestamp, params), by the key `public_key` (hex). */
const authSchema = v.strictObject({ public_key: hex32, timestamp: v.pipe(v.number(), v.integer()), signature: v.pipe(v.string(), v.regex(/^[0-9a-f]{128}$/)) });
export type IdosAuth = v.InferOutput<typeof authSchema>;
export const envelopeSchema = v.strictObject({ params: v.unknown(), auth: v.optional(authSchema) });

/** How far a signed request's timestamp may be from the node's clock. */
export const MAX_SKEW_MS = 5 * 60_000;

/** JSON with sorted keys, so both sides sign the same bytes. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** What a wallet's key signs to join a profile: only its holder can put it there (no one can squat another's key). */
export const walletPossessionMessage = (userId: string, publicKey: string): Uint8Array => new TextEncoder().encode(`idos-local/v1\nwallet-possession\n${userId}\n${publicKey}`);

export const signingMessage = (action: IdosAction, timestamp: number, params: unknown): Uint8Array => new TextEncoder().encode(`idos-local/v1\n${action}\n${timestamp}\n${canonicalJson(params)}`);

export interface IdosUser {
  id: string;
  recipient_encryption_public_key: string;
}
export interface IdosWallet {
  id: string;
  user_id: string;
  address: string;
  public_key: string;
  wallet_type: "FaceSign";
}
export interface IdosCredentialListItem {
  id: string;
  user_id: string;
  public_notes: string;
  issuer_auth_public_key: string;
  original_id: string | null;
}
export interface IdosCredential extends IdosCredentialListItem {
  content: string;
  encryptor_public_key: string;
}
export interface IdosAccessGrant {
  id: string;
  ag_owner_user_id: string;
  ag_grantee_wallet_identifier: string;
  data_id: string;
  locked_until: number;
  /** SHA-256 (hex) of the shared credential's plaintext. */
  content_hash: string;
}

export interface IdosResults {
  add_user_as_inserter: IdosUser;
  has_profile: boolean;
  get_user: IdosUser;
  add_wallet: IdosWallet;
  get_wallets: IdosWallet[];
  add_credential: IdosCredentialListItem;
  get_credentials: IdosCredentialListItem[];
  get_credential_owned: IdosCredential;
  share_credential: IdosAccessGrant;
  get_credential_shared: IdosCredential;
  get_access_grant: IdosAccessGrant;
  get_access_grants_owned: IdosAccessGrant[];
  revoke_access_grant: { id: string };
}
