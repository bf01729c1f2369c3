// An idOS client over @idos-network/kwil-js, used the way idOS's own client uses it:
// actions in namespace "main" with positional inputs and their Kwil types, an ed25519
// KwilSigner, the chain id discovered from the node, transactions broadcast and
// awaited, and views that sign in through the Kwil gateway when the node asks. Used by
// the frame (the FaceSign wallet) and by consumers (their grantee key) alike; refusals
// come back as IdosError with the node's code. kwil-js (with axios) is loaded on first
// use: the frame needs it only when the user shares, looks at or deletes their data.
import type * as KwilJsModule from "@idos-network/kwil-js";
import type { KwilSigner } from "@idos-network/kwil-js";
import { IDOS_ACTIONS, IdosError, idosErrorFrom, type IdosExecution, type IdosParams, type IdosRows, type IdosView, type KwilType } from "../contracts/idos";

type KwilJs = typeof KwilJsModule;

export interface Ed25519Signer {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** An EVM wallet (a profile's existing wallet): EIP-191 personal_sign over the raw message, as Kwil's secp256k1_ep expects. */
export interface EvmSigner {
  address: `0x${string}`;
  signMessage(message: Uint8Array): Promise<`0x${string}`>;
}

const kwilSignerOf = ({ KwilSigner }: KwilJs, signer: Ed25519Signer | EvmSigner): KwilSigner =>
  "address" in signer
    ? new KwilSigner({ signMessage: (message: string | Uint8Array) => signer.signMessage(typeof message === "string" ? new TextEncoder().encode(message) : message) }, signer.address)
    : new KwilSigner(async (message: Uint8Array) => signer.sign(message), signer.publicKey, "ed25519");

/** What each transaction tells its signer (Kwil signs it as the first line). */
const DESCRIPTIONS: Record<IdosExecution, string> = {
  add_user_as_inserter: "Create your idOS profile",
  add_wallet: "Add your FaceSign wallet to your idOS profile",
  add_credential: "Keep your FaceSign credential in your idOS profile",
  remove_credential: "Remove a credential from your idOS profile",
  share_credential: "Share your FaceSign credential",
  revoke_access_grant: "Revoke an access grant",
};

function inputsOf<A extends IdosView | IdosExecution>({ Utils }: KwilJs, action: A, params: IdosParams<A>) {
  const types = { uuid: Utils.DataType.Uuid, text: Utils.DataType.Text, int8: Utils.DataType.Int } satisfies Record<KwilType, unknown>;
  const spec = IDOS_ACTIONS[action].params;
  return {
    inputs: spec.map((p) => (params as Record<string, unknown>)[p.name] ?? null) as (string | number | null)[],
    types: spec.map((p) => types[p.type]),
  };
}

function idosFailure(error: unknown): IdosError {
  if (error instanceof IdosError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return idosErrorFrom(text) ?? new IdosError("internal_error", `The idOS node could not be reached or refused the request: ${text.slice(0, 300)}`);
}

export interface IdosKwilClient {
  view<A extends IdosView>(action: A, params: IdosParams<A>): Promise<IdosRows[A][]>;
  execute<A extends IdosExecution>(action: A, params: IdosParams<A>): Promise<void>;
}

/** A client for `nodeUrl`; with a signer, its transactions and signed-in views act for that key. */
export async function connectIdos(nodeUrl: string, signer?: Ed25519Signer | EvmSigner): Promise<IdosKwilClient> {
  // A CommonJS package: bundled for the browser its exports arrive as the default export; Node also names them.
  const loaded = (await import("@idos-network/kwil-js")) as KwilJs & { default?: KwilJs };
  const kwilJs = loaded.default ?? loaded;
  const { WebKwil } = kwilJs;
  let kwil: InstanceType<typeof WebKwil>;
  try {
    const chainId = (await new WebKwil({ kwilProvider: nodeUrl, chainId: "" }).chainInfo({ disableWarning: true })).data?.chain_id;
    if (!chainId) throw new Error("no chain id");
    kwil = new WebKwil({ kwilProvider: nodeUrl, chainId, timeout: 30_000 });
  } catch (error) {
    throw idosFailure(error);
  }
  const kwilSigner = signer && kwilSignerOf(kwilJs, signer);
  return {
    async view(action, params) {
      if (!kwilSigner && (IDOS_ACTIONS[action] as { authn?: boolean }).authn) throw new IdosError("unauthenticated");
      const { inputs, types } = inputsOf(kwilJs, action, params);
      let response;
      try {
        response = await kwil.call({ namespace: "main", name: action, inputs, types }, kwilSigner);
      } catch (error) {
        throw idosFailure(error);
      }
      // kwil-js hands back the gateway's refusal (after one sign-in attempt) as a response without data.
      if (!response.data) throw new IdosError("unauthenticated");
      return response.data.result as IdosRows[typeof action][];
    },
    async execute(action, params) {
      if (!kwilSigner) throw new IdosError("unauthenticated", "A transaction needs a signer.");
      const { inputs, types } = inputsOf(kwilJs, action, params);
      try {
        await kwil.execute({ namespace: "main", name: action, inputs: [inputs], types, description: DESCRIPTIONS[action] }, kwilSigner, true);
      } catch (error) {
        throw idosFailure(error);
      }
    },
  };
}
