// The local idOS-compatible node's actions. Signed actions act for the profile whose
// inserter or wallet key signed the request; every other profile's data is out of
// reach. A signed request is good once, within MAX_SKEW_MS of the node's clock.
// Signatures are verified strictly (RFC 8032: a canonical S, no second encoding of
// the same signature), and "once" is kept by the signed message, not by the bytes of
// its signature.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import * as v from "valibot";
import type { IdosDb } from "./idos-db";
import {
  IDOS_ACTIONS,
  IdosError,
  MAX_SKEW_MS,
  signingMessage,
  walletPossessionMessage,
  type IdosAccessGrant,
  type IdosAction,
  type IdosAuth,
  type IdosCredential,
  type IdosCredentialListItem,
  type IdosParams,
  type IdosResults,
  type IdosUser,
  type IdosWallet,
} from "../contracts/idos";

/** The profile key that signed the request, for signed actions. */
type Signer<A extends IdosAction> = (typeof IDOS_ACTIONS)[A]["signed"] extends true ? string : undefined;

type GrantRow = Omit<IdosAccessGrant, "locked_until"> & { locked_until: number | string; revoked_at: number | string | null };
const grantOut = ({ revoked_at: _, ...g }: GrantRow): IdosAccessGrant => ({ ...g, locked_until: Number(g.locked_until) });
const LIST_COLUMNS = "id, user_id, public_notes, issuer_auth_public_key, original_id";
const FULL_COLUMNS = `${LIST_COLUMNS}, content, encryptor_public_key`;

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

/** RFC 8032 verification without ZIP-215's leniency: S must be below the group order, so S + L is refused. */
const verifyStrict = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean => {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
};

/** A credential row: an original (original_id null) or a copy shared from one. */
const insertCredential = (db: IdosDb, c: IdosCredential) =>
  db.query("INSERT INTO idos_credentials (id, user_id, public_notes, content, encryptor_public_key, issuer_auth_public_key, original_id) VALUES (?, ?, ?, ?, ?, ?, ?)", [
    c.id,
    c.user_id,
    c.public_notes,
    c.content,
    c.encryptor_public_key,
    c.issuer_auth_public_key,
    c.original_id,
  ]);

export class IdosNode {
  constructor(
    private readonly db: IdosDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Validates, authenticates and runs one action. */
  async call<A extends IdosAction>(action: string, params: unknown, auth: IdosAuth | undefined): Promise<IdosResults[A]> {
    if (!Object.hasOwn(IDOS_ACTIONS, action)) throw new IdosError("unknown_action", `No action named ${action}.`);
    const spec = IDOS_ACTIONS[action as A];
    const parsed = v.safeParse(spec.params, params);
    if (!parsed.success) throw new IdosError("malformed_request", `${action}: ${parsed.issues[0]?.message ?? "invalid parameters"}`);
    const signer = spec.signed ? await this.authenticate(action as A, params, auth) : undefined;
    const handler = this.handlers[action as A] as (p: IdosParams<A>, signer: string | undefined) => Promise<IdosResults[A]>;
    return handler(parsed.output, signer);
  }

  private async authenticate(action: IdosAction, params: unknown, auth: IdosAuth | undefined): Promise<string> {
    if (!auth) throw new IdosError("unauthenticated");
    if (Math.abs(this.now() - auth.timestamp) > MAX_SKEW_MS) throw new IdosError("stale_request");
    const message = signingMessage(action, auth.timestamp, params);
    if (!verifyStrict(fromHex(auth.signature), message, fromHex(auth.public_key))) throw new IdosError("signature_invalid");
    // Insert-or-fail: a signed message is accepted once, atomically, whatever runs alongside.
    const fresh = await this.db.query<{ message_hash: string }>("INSERT INTO idos_seen_requests (message_hash, seen_at) VALUES (?, ?) ON CONFLICT (message_hash) DO NOTHING RETURNING message_hash", [
      Buffer.from(sha256(message)).toString("hex"),
      this.now(),
    ]);
    if (fresh.length === 0) throw new IdosError("replayed");
    return auth.public_key;
  }

  /** The profile a key speaks for: as a wallet, or as the profile's inserter. */
  private async userOf(publicKey: string): Promise<IdosUser> {
    const [user] = await this.db.query<IdosUser>(
      "SELECT u.id, u.recipient_encryption_public_key FROM idos_users u WHERE u.inserter = ? OR u.id IN (SELECT user_id FROM idos_wallets WHERE public_key = ?)",
      [publicKey, publicKey],
    );
    if (!user) throw new IdosError("not_found", "No idOS profile for this key.");
    return user;
  }

  private async grant(id: string): Promise<GrantRow> {
    const [g] = await this.db.query<GrantRow>("SELECT * FROM idos_access_grants WHERE id = ?", [id]);
    if (!g) throw new IdosError("not_found", "No such access grant.");
    return g;
  }

  /** One handler per action, typed by the action's parameters and result. */
  private readonly handlers: { [A in IdosAction]: (p: IdosParams<A>, signer: Signer<A>) => Promise<IdosResults[A]> } = {
    add_user_as_inserter: async (p, signer) => {
      const taken = await this.db.query("SELECT id FROM idos_users WHERE id = ? OR inserter = ?", [p.id, signer]);
      if (taken.length) throw new IdosError("conflict", "This profile, or a profile inserted by this key, exists.");
      const user = { id: p.id, recipient_encryption_public_key: p.recipient_encryption_public_key };
      await this.db.query("INSERT INTO idos_users (id, recipient_encryption_public_key, inserter, created_at) VALUES (?, ?, ?, ?)", [
        user.id,
        user.recipient_encryption_public_key,
        signer,
        this.now(),
      ]);
      return user;
    },
    has_profile: async (p) => (await this.db.query("SELECT 1 AS x FROM idos_wallets WHERE address = ?", [p.address])).length > 0,
    get_user: async (_p, signer) => this.userOf(signer),
    add_wallet: async (p, signer) => {
      const user = await this.userOf(signer);
      if (!verifyStrict(fromHex(p.possession), walletPossessionMessage(user.id, p.public_key), fromHex(p.public_key))) throw new IdosError("possession_invalid");
      const wallet: IdosWallet = { id: p.id, user_id: user.id, address: p.address, public_key: p.public_key, wallet_type: "FaceSign" };
      if ((await this.db.query("SELECT 1 AS x FROM idos_wallets WHERE id = ? OR address = ? OR public_key = ?", [wallet.id, wallet.address, wallet.public_key])).length)
        throw new IdosError("conflict", "This wallet is already in a profile.");
      await this.db.query("INSERT INTO idos_wallets (id, user_id, address, public_key, wallet_type) VALUES (?, ?, ?, ?, ?)", [
        wallet.id,
        wallet.user_id,
        wallet.address,
        wallet.public_key,
        wallet.wallet_type,
      ]);
      return wallet;
    },
    get_wallets: async (_p, signer) =>
      this.db.query<IdosWallet>("SELECT id, user_id, address, public_key, wallet_type FROM idos_wallets WHERE user_id = ? ORDER BY address", [(await this.userOf(signer)).id]),
    add_credential: async (p, signer) => {
      const user = await this.userOf(signer);
      if ((await this.db.query("SELECT 1 AS x FROM idos_credentials WHERE id = ?", [p.id])).length) throw new IdosError("conflict");
      await insertCredential(this.db, { ...p, user_id: user.id, original_id: null });
      return { id: p.id, user_id: user.id, public_notes: p.public_notes, issuer_auth_public_key: p.issuer_auth_public_key, original_id: null } satisfies IdosCredentialListItem;
    },
    get_credentials: async (_p, signer) =>
      this.db.query<IdosCredentialListItem>(`SELECT ${LIST_COLUMNS} FROM idos_credentials WHERE user_id = ? AND original_id IS NULL ORDER BY id`, [(await this.userOf(signer)).id]),
    get_credential_owned: async (p, signer) => {
      const [c] = await this.db.query<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ?`, [p.id]);
      if (!c) throw new IdosError("not_found", "No such credential.");
      if (c.user_id !== (await this.userOf(signer)).id) throw new IdosError("forbidden");
      return c;
    },
    share_credential: async (p, signer) => {
      const user = await this.userOf(signer);
      return this.db.transaction(async (tx) => {
        const [original] = await tx.query<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ?`, [p.original_credential_id]);
        if (!original) throw new IdosError("not_found", "No such credential.");
        if (original.user_id !== user.id) throw new IdosError("forbidden");
        if ((await tx.query("SELECT 1 AS x FROM idos_credentials WHERE id = ?", [p.id])).length || (await tx.query("SELECT 1 AS x FROM idos_access_grants WHERE id = ?", [p.grant_id])).length)
          throw new IdosError("conflict");
        await insertCredential(tx, { ...p, user_id: user.id, original_id: original.id });
        const grant: IdosAccessGrant = {
          id: p.grant_id,
          ag_owner_user_id: user.id,
          ag_grantee_wallet_identifier: p.grantee_wallet_identifier,
          data_id: p.id,
          locked_until: p.locked_until,
          content_hash: p.content_hash,
        };
        await tx.query("INSERT INTO idos_access_grants (id, ag_owner_user_id, ag_grantee_wallet_identifier, data_id, locked_until, content_hash, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)", [
          grant.id,
          grant.ag_owner_user_id,
          grant.ag_grantee_wallet_identifier,
          grant.data_id,
          grant.locked_until,
          grant.content_hash,
        ]);
        return grant;
      });
    },
    get_credential_shared: async (p) => {
      const [c] = await this.db.query<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ? AND original_id IS NOT NULL`, [p.id]);
      if (!c) throw new IdosError("not_found", "No such shared credential.");
      const [g] = await this.db.query<GrantRow>("SELECT * FROM idos_access_grants WHERE data_id = ?", [c.id]);
      if (!g || g.revoked_at !== null) throw new IdosError("grant_revoked");
      return c;
    },
    get_access_grant: async (p) => {
      const g = await this.grant(p.id);
      if (g.revoked_at !== null) throw new IdosError("grant_revoked");
      return grantOut(g);
    },
    get_access_grants_owned: async (_p, signer) =>
      (await this.db.query<GrantRow>("SELECT * FROM idos_access_grants WHERE ag_owner_user_id = ? AND revoked_at IS NULL ORDER BY id", [(await this.userOf(signer)).id])).map(grantOut),
    revoke_access_grant: async (p, signer) => {
      const user = await this.userOf(signer);
      const g = await this.grant(p.id);
      if (g.ag_owner_user_id !== user.id) throw new IdosError("forbidden");
      if (g.revoked_at !== null) throw new IdosError("grant_revoked");
      if (Number(g.locked_until) > this.now()) throw new IdosError("locked", `The grant is locked until ${new Date(Number(g.locked_until)).toISOString()}.`);
      // The shared copy goes with its grant.
      await this.db.transaction(async (tx) => {
        await tx.query("UPDATE idos_access_grants SET revoked_at = ? WHERE id = ?", [this.now(), g.id]);
        await tx.query("UPDATE idos_credentials SET content = '' WHERE id = ?", [g.data_id]);
      });
      return { id: g.id };
    },
  };
}
