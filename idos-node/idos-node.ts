// The local idOS-compatible node's actions. Signed actions act for the profile whose
// inserter or wallet key signed the request; every other profile's data is out of
// reach. A signature is good once, within MAX_SKEW_MS of the node's clock.
import nacl from "tweetnacl";
import * as v from "valibot";
import type { IdosDb } from "./idos-db";
import {
  IDOS_ACTIONS,
  IdosError,
  MAX_SKEW_MS,
  signingMessage,
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

type GrantRow = Omit<IdosAccessGrant, "locked_until"> & { locked_until: number | string; revoked_at: number | string | null };
const grantOut = ({ revoked_at: _, ...g }: GrantRow): IdosAccessGrant => ({ ...g, locked_until: Number(g.locked_until) });
const LIST_COLUMNS = "id, user_id, public_notes, issuer_auth_public_key, original_id";
const FULL_COLUMNS = `${LIST_COLUMNS}, content, encryptor_public_key`;

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

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
    return this.run(action as A, parsed.output as IdosParams<A>, signer) as Promise<IdosResults[A]>;
  }

  private async authenticate(action: IdosAction, params: unknown, auth: IdosAuth | undefined): Promise<string> {
    if (!auth) throw new IdosError("unauthenticated");
    if (Math.abs(this.now() - auth.timestamp) > MAX_SKEW_MS) throw new IdosError("stale_request");
    if (!nacl.sign.detached.verify(signingMessage(action, auth.timestamp, params), fromHex(auth.signature), fromHex(auth.public_key))) throw new IdosError("signature_invalid");
    // Insert-or-fail: a signature is accepted once, atomically, whatever runs alongside.
    const fresh = await this.db.query<{ signature: string }>("INSERT INTO idos_seen_signatures (signature, seen_at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING RETURNING signature", [auth.signature, this.now()]);
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

  private async run<A extends IdosAction>(action: A, p: IdosParams<A>, signer: string | undefined): Promise<unknown> {
    const q = this.db.query.bind(this.db);
    const params = p as Record<string, unknown> & IdosParams<"share_credential">;
    switch (action) {
      case "add_user_as_inserter": {
        const taken = await q("SELECT id FROM idos_users WHERE id = ? OR inserter = ?", [params.id, signer]);
        if (taken.length) throw new IdosError("conflict", "This profile, or a profile inserted by this key, exists.");
        const user = { id: params.id, recipient_encryption_public_key: params.recipient_encryption_public_key as string };
        await q("INSERT INTO idos_users (id, recipient_encryption_public_key, inserter, created_at) VALUES (?, ?, ?, ?)", [user.id, user.recipient_encryption_public_key, signer, this.now()]);
        return user;
      }
      case "has_profile":
        return (await q("SELECT 1 AS x FROM idos_wallets WHERE address = ?", [params.address])).length > 0;
      case "get_user":
        return this.userOf(signer!);
      case "add_wallet": {
        const user = await this.userOf(signer!);
        const wallet: IdosWallet = { id: params.id, user_id: user.id, address: params.address as string, public_key: params.public_key as string, wallet_type: "FaceSign" };
        if ((await q("SELECT 1 AS x FROM idos_wallets WHERE id = ? OR address = ? OR public_key = ?", [wallet.id, wallet.address, wallet.public_key])).length) throw new IdosError("conflict", "This wallet is already in a profile.");
        await q("INSERT INTO idos_wallets (id, user_id, address, public_key, wallet_type) VALUES (?, ?, ?, ?, ?)", [wallet.id, wallet.user_id, wallet.address, wallet.public_key, wallet.wallet_type]);
        return wallet;
      }
      case "get_wallets":
        return q<IdosWallet>("SELECT id, user_id, address, public_key, wallet_type FROM idos_wallets WHERE user_id = ? ORDER BY address", [(await this.userOf(signer!)).id]);
      case "add_credential": {
        const user = await this.userOf(signer!);
        if ((await q("SELECT 1 AS x FROM idos_credentials WHERE id = ?", [params.id])).length) throw new IdosError("conflict");
        await insertCredential(this.db, { ...(params as IdosParams<"add_credential">), user_id: user.id, original_id: null });
        return { id: params.id, user_id: user.id, public_notes: params.public_notes, issuer_auth_public_key: params.issuer_auth_public_key, original_id: null } satisfies IdosCredentialListItem;
      }
      case "get_credentials":
        return q<IdosCredentialListItem>(`SELECT ${LIST_COLUMNS} FROM idos_credentials WHERE user_id = ? AND original_id IS NULL ORDER BY id`, [(await this.userOf(signer!)).id]);
      case "get_credential_owned": {
        const [c] = await q<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ?`, [params.id]);
        if (!c) throw new IdosError("not_found", "No such credential.");
        if (c.user_id !== (await this.userOf(signer!)).id) throw new IdosError("forbidden");
        return c;
      }
      case "share_credential": {
        const user = await this.userOf(signer!);
        return this.db.transaction(async (tx) => {
          const [original] = await tx.query<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ?`, [params.original_credential_id]);
          if (!original) throw new IdosError("not_found", "No such credential.");
          if (original.user_id !== user.id) throw new IdosError("forbidden");
          if ((await tx.query("SELECT 1 AS x FROM idos_credentials WHERE id = ?", [params.id])).length || (await tx.query("SELECT 1 AS x FROM idos_access_grants WHERE id = ?", [params.grant_id])).length) throw new IdosError("conflict");
          await insertCredential(tx, { ...params, user_id: user.id, original_id: original.id });
          const grant: IdosAccessGrant = { id: params.grant_id, ag_owner_user_id: user.id, ag_grantee_wallet_identifier: params.grantee_wallet_identifier, data_id: params.id, locked_until: params.locked_until, content_hash: params.content_hash };
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
      }
      case "get_credential_shared": {
        const [c] = await q<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ? AND original_id IS NOT NULL`, [params.id]);
        if (!c) throw new IdosError("not_found", "No such shared credential.");
        const [g] = await q<GrantRow>("SELECT * FROM idos_access_grants WHERE data_id = ?", [c.id]);
        if (!g || g.revoked_at !== null) throw new IdosError("grant_revoked");
        return c;
      }
      case "get_access_grant": {
        const g = await this.grant(params.id);
        if (g.revoked_at !== null) throw new IdosError("grant_revoked");
        return grantOut(g);
      }
      case "get_access_grants_owned":
        return (await q<GrantRow>("SELECT * FROM idos_access_grants WHERE ag_owner_user_id = ? AND revoked_at IS NULL ORDER BY id", [(await this.userOf(signer!)).id])).map(grantOut);
      case "revoke_access_grant": {
        const user = await this.userOf(signer!);
        const g = await this.grant(params.id);
        if (g.ag_owner_user_id !== user.id) throw new IdosError("forbidden");
        if (g.revoked_at !== null) throw new IdosError("grant_revoked");
        if (Number(g.locked_until) > this.now()) throw new IdosError("locked", `The grant is locked until ${new Date(Number(g.locked_until)).toISOString()}.`);
        // The shared copy goes with its grant.
        await this.db.transaction(async (tx) => {
          await tx.query("UPDATE idos_access_grants SET revoked_at = ? WHERE id = ?", [this.now(), g.id]);
          await tx.query("UPDATE idos_credentials SET content = '' WHERE id = ?", [g.data_id]);
        });
        return { id: g.id };
      }
    }
    throw new IdosError("unknown_action");
  }
}
