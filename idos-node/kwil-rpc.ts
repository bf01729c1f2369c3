// The local idOS node's Kwil JSON-RPC methods (POST /rpc/v1), the subset kwil-js uses
// for idOS's actions: chain and account info, price, broadcast (signed transactions),
// call (views), and the Kwil gateway's sign-in (kgw.authn_param / kgw.authn), whose
// session cookie authenticates views for the account that signed in.
// A transaction is accepted only as FaceSign's clients build it: the "concat"
// serialization, this chain, no fee, the account's next nonce, a strict signature by an
// ed25519 key or an EVM wallet (signatures.ts).
import { randomBytes } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64 } from "@scure/base";
import * as v from "valibot";
import { IdosError, idosErrorText, KWIL_RPC_PARAMS, type AuthParam, type KwilTx } from "../contracts/idos";
import { decodeActionCall, decodeActionExecution, signInMessage, txSigningMessage } from "./kwil-codec";
import { needsSignIn, type IdosNode } from "./idos-node";
import { verifySender } from "./signatures";

/** Kwil's JSON-RPC error codes that kwil-js acts on. */
const SIGN_IN_REQUIRED = -901;
const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;
const REFUSED = -32000;

const SIGN_IN_NONCE_MS = 5 * 60_000;
const SESSION_MS = 60 * 60_000;
const MAX_PENDING = 10_000;
export const SESSION_COOKIE = "kgw_session";

export interface RpcAnswer {
  status: number;
  body: { jsonrpc: "2.0"; id: unknown; result?: unknown; error?: { code: number; message: string } };
  setCookie?: string;
}

const parse = <S extends v.GenericSchema>(schema: S, params: unknown): v.InferOutput<S> => {
  const r = v.safeParse(schema, params);
  if (!r.success) throw new IdosError("malformed_request", `Invalid parameters: ${r.issues[0]?.message ?? "malformed"}`);
  return r.output;
};

/** Keeps at most MAX_PENDING live entries, dropping the expired, then the oldest. */
function remember<T extends { expires: number }>(map: Map<string, T>, key: string, value: T, now: number) {
  for (const [k, e] of map) if (e.expires <= now) map.delete(k);
  while (map.size >= MAX_PENDING) map.delete(map.keys().next().value!);
  map.set(key, value);
}

export class KwilRpc {
  private readonly signInNonces = new Map<string, AuthParam & { expires: number }>();
  private readonly sessions = new Map<string, { account: string; expires: number }>();

  constructor(
    private readonly node: IdosNode,
    /** The node's public origin: the domain its sign-in names. */
    private readonly domain: string,
    readonly chainId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(request: unknown, sessionToken: string | undefined): Promise<RpcAnswer> {
    const { id = null, method, params } = (request ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
    const answer = (result: unknown, setCookie?: string): RpcAnswer => ({ status: 200, body: { jsonrpc: "2.0", id, result }, ...(setCookie ? { setCookie } : {}) });
    const fail = (status: number, code: number, message: string): RpcAnswer => ({ status, body: { jsonrpc: "2.0", id, error: { code, message } } });
    try {
      switch (method) {
        case "user.health":
          return answer({ healthy: true, mode: "open", chain_id: this.chainId });
        case "user.ping":
          return answer({ message: "pong" });
        case "user.chain_info":
          return answer({ chain_id: this.chainId, block_height: 0, block_hash: "" });
        case "user.estimate_price":
          return answer({ price: "0" });
        case "user.account": {
          const account = parse(KWIL_RPC_PARAMS.account, params).id.identifier;
          return answer({ id: { identifier: account, key_type: account.length === 40 ? "secp256k1" : "ed25519" }, balance: "0", nonce: await this.node.nonceOf(account) });
        }
        case "user.broadcast":
          return answer(await this.broadcast(parse(KWIL_RPC_PARAMS.broadcast, params).tx));
        case "user.call": {
          const msg = parse(KWIL_RPC_PARAMS.call, params);
          const call = decodeActionCall(base64.decode(msg.body.payload));
          if (call.namespace !== "main") throw new IdosError("unknown_action", `No namespace ${call.namespace}.`);
          const caller = this.signedIn(sessionToken, msg.sender ?? "");
          if (needsSignIn(call.action) && !caller) return fail(401, SIGN_IN_REQUIRED, "Sign in through the gateway (kgw.authn) to call this view.");
          const rows = await this.node.view(call.action, call.args, caller);
          const columns = rows[0] ? Object.keys(rows[0]) : [];
          return answer({ query_result: { column_names: columns, column_types: [], values: rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])) }, logs: "" });
        }
        case "kgw.authn_param":
          return answer(this.signInParam());
        case "kgw.authn":
          return answer({}, this.signIn(parse(KWIL_RPC_PARAMS.authn, params)));
        case "kgw.logout":
          this.sessions.delete(sessionToken ?? "");
          return answer({}, `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=None; Secure; Partitioned`);
        default:
          return fail(404, METHOD_NOT_FOUND, `No method ${String(method)} on this node.`);
      }
    } catch (error) {
      const e = error instanceof IdosError ? error : new IdosError("internal_error");
      return fail(e.code === "malformed_request" ? 400 : e.code === "internal_error" ? 500 : 200, e.code === "malformed_request" ? INVALID_PARAMS : REFUSED, idosErrorText(e));
    }
  }

  /** Verifies a transaction, takes its nonce, then runs it: an action's refusal is the transaction's result, as on a chain. */
  private async broadcast(tx: KwilTx) {
    if (tx.serialization !== "concat" || tx.body.type !== "execute" || tx.body.fee !== "0") throw new IdosError("unsupported");
    if (tx.body.chain_id !== this.chainId) throw new IdosError("wrong_chain");
    const payload = base64.decode(tx.body.payload);
    const signed = txSigningMessage(tx.body, payload);
    const sig = base64.decode(tx.signature.sig);
    const verified = verifySender(tx.signature.type, tx.sender, sig, signed);
    if (verified === "unsupported") throw new IdosError("unsupported");
    if (!verified) throw new IdosError("signature_invalid");
    const execution = decodeActionExecution(payload);
    if (execution.namespace !== "main") throw new IdosError("unknown_action", `No namespace ${execution.namespace}.`);
    if (execution.args.length !== 1) throw new IdosError("unsupported", "One action call per transaction.");
    await this.node.takeNonce(tx.sender, tx.body.nonce);
    const txHash = base64.encode(sha256(new Uint8Array([...signed, ...sig])));
    try {
      await this.node.execute(execution.action, execution.args[0]!, tx.sender);
      return { tx_hash: txHash, result: { code: 0, log: "" } };
    } catch (error) {
      const e = error instanceof IdosError ? error : new IdosError("internal_error");
      return { tx_hash: txHash, result: { code: 1, log: idosErrorText(e) } };
    }
  }

  private signInParam(): AuthParam {
    const now = this.now();
    const param: AuthParam = {
      nonce: randomBytes(16).toString("hex"),
      statement: "Sign in to read your idOS data.",
      issue_at: new Date(now).toISOString(),
      expiration_time: new Date(now + SIGN_IN_NONCE_MS).toISOString(),
      chain_id: this.chainId,
      domain: this.domain,
      version: "1",
      uri: `${this.domain}/auth`,
    };
    remember(this.signInNonces, param.nonce, { ...param, expires: now + SIGN_IN_NONCE_MS }, now);
    return param;
  }

  /** A sign-in is good once, before its expiry, for the key that signed it: its session cookie. */
  private signIn(p: v.InferOutput<typeof KWIL_RPC_PARAMS.authn>): string {
    const param = this.signInNonces.get(p.nonce);
    this.signInNonces.delete(p.nonce);
    if (!param || param.expires <= this.now()) throw new IdosError("unauthenticated", "Unknown or expired sign-in nonce.");
    const verified = verifySender(p.signature.type, p.sender, base64.decode(p.signature.sig), signInMessage(param));
    if (verified === "unsupported") throw new IdosError("unsupported");
    if (!verified) throw new IdosError("signature_invalid");
    const token = randomBytes(32).toString("base64url");
    remember(this.sessions, token, { account: p.sender, expires: this.now() + SESSION_MS }, this.now());
    // Partitioned: the frame reads idOS from inside another site's page.
    return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${SESSION_MS / 1000}; HttpOnly; SameSite=None; Secure; Partitioned`;
  }

  /** The signed-in account, when the session is live and the call names that account as its sender. */
  private signedIn(token: string | undefined, sender: string): string | undefined {
    const session = token ? this.sessions.get(token) : undefined;
    return session && session.expires > this.now() && session.account === sender ? sender : undefined;
  }
}
