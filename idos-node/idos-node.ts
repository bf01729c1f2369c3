// The local idOS node's actions, on decoded Kwil requests. A transaction acts for the
// profile of the account that signed it (its inserter key or one of its wallets); a
// gateway-authenticated view answers for the signed-in account only; every other
// profile's data is out of reach. Each transaction takes its account's next nonce, once:
// a replayed transaction, in any encoding of its signature, is refused.
import * as v from "valibot";
import type { IdosDb } from "./idos-db";
import { valueOf, type EncodedValue } from "./kwil-codec";
import { verifyEd25519 } from "./signatures";
import { verifyIdosIssuerSignatures } from "../common/credential";
import {
  IDOS_ACTIONS,
  IdosError,
  walletPossessionMessage,
  type IdosAccessGrant,
  type IdosAction,
  type IdosCredential,
  type IdosCredentialListItem,
  type IdosExecution,
  type IdosParams,
  type IdosRows,
  type IdosUser,
  type IdosView,
  type IdosWallet,
} from "../contracts/idos";

type GrantRow = Omit<IdosAccessGrant, "locked_until" | "inserter_type" | "inserter_id" | "created_at"> & {
  locked_until: number | string;
  created_at: number | string;
  revoked_at: number | string | null;
};
const grantOut = ({ revoked_at: _, ...g }: GrantRow): IdosAccessGrant => ({
  ...g,
  locked_until: Number(g.locked_until),
  created_at: Number(g.created_at),
  inserter_type: "user",
  inserter_id: g.ag_owner_user_id,
});
const USER_COLUMNS = "id, recipient_encryption_public_key, 'user' AS encryption_password_store";
const LIST_COLUMNS = "id, user_id, public_notes, issuer_auth_public_key, NULL AS inserter, original_id";
const FULL_COLUMNS = "id, user_id, public_notes, content, encryptor_public_key, issuer_auth_public_key, NULL AS inserter";

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
const b64 = (s: string) => Uint8Array.from(Buffer.from(s, "base64"));

/** A credential row: an original (original_id null) or a copy shared from one. */
const insertCredential = (db: IdosDb, c: Omit<IdosCredential, "inserter"> & { public_notes_signature: string; broader_signature: string; original_id: string | null }) =>
  db.query(
    "INSERT INTO idos_credentials (id, user_id, public_notes, content, encryptor_public_key, issuer_auth_public_key, public_notes_signature, broader_signature, original_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [c.id, c.user_id, c.public_notes, c.content, c.encryptor_public_key, c.issuer_auth_public_key, c.public_notes_signature, c.broader_signature, c.original_id],
  );

/** An action's positional arguments, decoded by its parameters' Kwil types and checked by their schemas. */
function argsOf<A extends IdosAction>(action: A, args: EncodedValue[]): IdosParams<A> {
  const params = IDOS_ACTIONS[action].params;
  if (args.length !== params.length) throw new IdosError("malformed_request", `${action} takes ${params.length} arguments, not ${args.length}.`);
  const out: Record<string, unknown> = {};
  params.forEach((p, i) => {
    const parsed = v.safeParse(p.schema, valueOf(args[i]!, p.type, p.name));
    if (!parsed.success) throw new IdosError("malformed_request", `${action}: ${p.name}: ${parsed.issues[0]?.message ?? "invalid"}`);
    out[p.name] = parsed.output;
  });
  return out as IdosParams<A>;
}

const actionNamed = (name: string, view: boolean): IdosAction => {
  if (!Object.hasOwn(IDOS_ACTIONS, name)) throw new IdosError("unknown_action", `No action named ${name}.`);
  if (IDOS_ACTIONS[name as IdosAction].view !== view) throw new IdosError("unknown_action", view ? `${name} is a transaction, not a view.` : `${name} is a view, not a transaction.`);
  return name as IdosAction;
};

/** Whether a view needs the caller's gateway sign-in. */
export const needsSignIn = (name: string): boolean => Object.hasOwn(IDOS_ACTIONS, name) && (IDOS_ACTIONS[name as IdosAction] as { authn?: boolean }).authn === true;

export class IdosNode {
  constructor(
    private readonly db: IdosDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `account`'s next nonce: refused when `nonce` was used already or skips ahead. */
  async takeNonce(account: string, nonce: number): Promise<void> {
    await this.db.query("INSERT INTO idos_accounts (identifier, nonce) VALUES (?, 0) ON CONFLICT (identifier) DO NOTHING", [account]);
    const taken = await this.db.query("UPDATE idos_accounts SET nonce = nonce + 1 WHERE identifier = ? AND nonce = ? RETURNING nonce", [account, nonce - 1]);
    if (taken.length) return;
    const current = await this.nonceOf(account);
    throw nonce <= current ? new IdosError("replayed") : new IdosError("bad_nonce", `The account's next nonce is ${current + 1}.`);
  }

  async nonceOf(account: string): Promise<number> {
    const [row] = await this.db.query<{ nonce: number | string }>("SELECT nonce FROM idos_accounts WHERE identifier = ?", [account]);
    return Number(row?.nonce ?? 0);
  }

  /** Runs a verified transaction for the account that signed it. */
  async execute(name: string, args: EncodedValue[], caller: string): Promise<void> {
    const action = actionNamed(name, false) as IdosExecution;
    const run = this.executions[action] as (p: IdosParams<IdosExecution>, caller: string) => Promise<void>;
    await run(argsOf(action, args), caller);
  }

  /** Answers a view; `caller` is the signed-in account, where the view needs one. */
  async view(name: string, args: EncodedValue[], caller: string | undefined): Promise<object[]> {
    const action = actionNamed(name, true) as IdosView;
    if (needsSignIn(action) && !caller) throw new IdosError("unauthenticated");
    const answer = this.views[action] as (p: IdosParams<IdosView>, caller: string) => Promise<object[]>;
    return answer(argsOf(action, args), caller ?? "");
  }

  /** The profile a key speaks for: as a wallet, or as the profile's inserter. */
  private async userOf(publicKey: string): Promise<IdosUser> {
    const [user] = await this.db.query<IdosUser>(`SELECT ${USER_COLUMNS} FROM idos_users WHERE inserter = ? OR id IN (SELECT user_id FROM idos_wallets WHERE public_key = ?)`, [publicKey, publicKey]);
    if (!user) throw new IdosError("not_found", "No idOS profile for this key.");
    return user;
  }

  private async grant(id: string): Promise<GrantRow> {
    const [g] = await this.db.query<GrantRow>("SELECT * FROM idos_access_grants WHERE id = ?", [id]);
    if (!g) throw new IdosError("not_found", "No such access grant.");
    return g;
  }

  private readonly executions: { [A in IdosExecution]: (p: IdosParams<A>, caller: string) => Promise<void> } = {
    add_user_as_inserter: async (p, caller) => {
      const taken = await this.db.query("SELECT id FROM idos_users WHERE id = ? OR inserter = ?", [p.id, caller]);
      if (taken.length) throw new IdosError("conflict", "This profile, or a profile inserted by this key, exists.");
      await this.db.query("INSERT INTO idos_users (id, recipient_encryption_public_key, inserter, created_at) VALUES (?, ?, ?, ?)", [p.id, p.recipient_encryption_public_key, caller, this.now()]);
    },
    add_wallet: async (p, caller) => {
      const user = await this.userOf(caller);
      const statement = walletPossessionMessage(user.id, p.public_key);
      if (p.address !== p.public_key || p.message !== statement || !verifyEd25519(fromHex(p.signature), new TextEncoder().encode(statement), fromHex(p.public_key)))
        throw new IdosError("possession_invalid");
      if ((await this.db.query("SELECT 1 AS x FROM idos_wallets WHERE id = ? OR address = ? OR public_key = ?", [p.id, p.address, p.public_key])).length)
        throw new IdosError("conflict", "This wallet is already in a profile.");
      await this.db.query("INSERT INTO idos_wallets (id, user_id, address, public_key, wallet_type, message, signature) VALUES (?, ?, ?, ?, ?, ?, ?)", [
        p.id,
        user.id,
        p.address,
        p.public_key,
        p.wallet_type,
        p.message,
        p.signature,
      ]);
    },
    add_credential: async (p, caller) => {
      const user = await this.userOf(caller);
      const signed = { publicNotes: p.public_notes, publicNotesSignature: b64(p.public_notes_signature), content: b64(p.content), broaderSignature: b64(p.broader_signature) };
      if (!verifyIdosIssuerSignatures(fromHex(p.issuer_auth_public_key), signed)) throw new IdosError("issuer_signature_invalid");
      if ((await this.db.query("SELECT 1 AS x FROM idos_credentials WHERE id = ?", [p.id])).length) throw new IdosError("conflict");
      await insertCredential(this.db, { ...p, user_id: user.id, original_id: null });
    },
    share_credential: async (p, caller) => {
      const user = await this.userOf(caller);
      await this.db.transaction(async (tx) => {
        const [original] = await tx.query<IdosCredential & { original_id: string | null }>("SELECT user_id, original_id, public_notes, issuer_auth_public_key FROM idos_credentials WHERE id = ?", [
          p.original_credential_id,
        ]);
        if (!original || original.original_id !== null) throw new IdosError("not_found", "No such credential.");
        if (original.user_id !== user.id) throw new IdosError("forbidden");
        // A copy keeps its original's issuer and notes, signed by that issuer (its content, re-encrypted, has no broader signature).
        const notesSigned = verifyIdosIssuerSignatures(fromHex(p.issuer_auth_public_key), {
          publicNotes: p.public_notes,
          publicNotesSignature: b64(p.public_notes_signature),
          content: b64(p.content),
        });
        if (p.issuer_auth_public_key !== original.issuer_auth_public_key || p.public_notes !== original.public_notes || !notesSigned)
          throw new IdosError("issuer_signature_invalid", "A copy keeps its original's issuer and public notes, with the issuer's signature over them.");
        if ((await tx.query("SELECT 1 AS x FROM idos_credentials WHERE id = ?", [p.id])).length) throw new IdosError("conflict");
        await insertCredential(tx, { ...p, user_id: user.id, original_id: p.original_credential_id });
        await tx.query(
          "INSERT INTO idos_access_grants (id, ag_owner_user_id, ag_grantee_wallet_identifier, data_id, locked_until, content_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
          [crypto.randomUUID(), user.id, p.grantee_wallet_identifier, p.id, p.locked_until, p.content_hash, this.now()],
        );
      });
    },
    remove_credential: async (p, caller) => {
      const user = await this.userOf(caller);
      await this.db.transaction(async (tx) => {
        const [c] = await tx.query<{ user_id: string; original_id: string | null }>("SELECT user_id, original_id FROM idos_credentials WHERE id = ?", [p.id]);
        if (!c || c.original_id !== null) throw new IdosError("not_found", "No such credential.");
        if (c.user_id !== user.id) throw new IdosError("forbidden");
        const [lock] = await tx.query<{ locked_until: number | string }>(
          "SELECT g.locked_until FROM idos_access_grants g JOIN idos_credentials c ON c.id = g.data_id WHERE c.original_id = ? AND g.revoked_at IS NULL AND g.locked_until > ? ORDER BY g.locked_until DESC",
          [p.id, this.now()],
        );
        if (lock) throw new IdosError("locked", `A copy of it is shared under a grant locked until ${new Date(Number(lock.locked_until)).toISOString()}.`);
        await tx.query("DELETE FROM idos_credentials WHERE id = ?", [p.id]);
      });
    },
    revoke_access_grant: async (p, caller) => {
      const user = await this.userOf(caller);
      const g = await this.grant(p.id);
      if (g.ag_owner_user_id !== user.id) throw new IdosError("forbidden");
      if (g.revoked_at !== null) throw new IdosError("grant_revoked");
      if (Number(g.locked_until) > this.now()) throw new IdosError("locked", `The grant is locked until ${new Date(Number(g.locked_until)).toISOString()}.`);
      // The shared copy goes with its grant.
      await this.db.transaction(async (tx) => {
        await tx.query("UPDATE idos_access_grants SET revoked_at = ? WHERE id = ?", [this.now(), g.id]);
        await tx.query("UPDATE idos_credentials SET content = '' WHERE id = ?", [g.data_id]);
      });
    },
  };

  private readonly views: { [A in IdosView]: (p: IdosParams<A>, caller: string) => Promise<IdosRows[A][]> } = {
    has_profile: async (p) => [{ has_profile: (await this.db.query("SELECT 1 AS x FROM idos_wallets WHERE address = ?", [p.address])).length > 0 }],
    get_user: async (_p, caller) => [await this.userOf(caller)],
    get_wallets: async (_p, caller) =>
      (
        await this.db.query<IdosWallet>("SELECT id, user_id, address, public_key, wallet_type, message, signature, NULL AS inserter FROM idos_wallets WHERE user_id = ? ORDER BY address", [
          (await this.userOf(caller)).id,
        ])
      ).map((w) => ({ ...w, inserter: null })),
    get_credentials: async (_p, caller) =>
      this.db.query<IdosCredentialListItem>(`SELECT ${LIST_COLUMNS} FROM idos_credentials WHERE user_id = ? AND original_id IS NULL ORDER BY id`, [(await this.userOf(caller)).id]),
    get_credential_owned: async (p, caller) => {
      const [c] = await this.db.query<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ?`, [p.id]);
      if (!c) throw new IdosError("not_found", "No such credential.");
      if (c.user_id !== (await this.userOf(caller)).id) throw new IdosError("forbidden");
      return [c];
    },
    get_credential_shared: async (p, caller) => {
      const [c] = await this.db.query<IdosCredential>(`SELECT ${FULL_COLUMNS} FROM idos_credentials WHERE id = ? AND original_id IS NOT NULL`, [p.id]);
      if (!c) throw new IdosError("not_found", "No such shared credential.");
      const [g] = await this.db.query<GrantRow>("SELECT * FROM idos_access_grants WHERE data_id = ?", [c.id]);
      if (!g || g.ag_grantee_wallet_identifier !== caller) throw new IdosError("forbidden", "This copy was shared with another grantee.");
      if (g.revoked_at !== null) throw new IdosError("grant_revoked");
      return [c];
    },
    get_access_grants_owned: async (_p, caller) =>
      (await this.db.query<GrantRow>("SELECT * FROM idos_access_grants WHERE ag_owner_user_id = ? AND revoked_at IS NULL ORDER BY created_at, id", [(await this.userOf(caller)).id])).map(grantOut),
    get_access_grants_granted: async (p, caller) =>
      (
        await this.db.query<GrantRow>(
          "SELECT * FROM idos_access_grants WHERE ag_grantee_wallet_identifier = ? AND revoked_at IS NULL AND (CAST(? AS TEXT) IS NULL OR ag_owner_user_id = ?) ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
          [caller, p.user_id, p.user_id, p.size, (p.page - 1) * p.size],
        )
      ).map(grantOut),
  };
}
