// FaceSign.provider: a standard EIP-1193 provider for dapps. Accounts come from the
// frame after a face scan; every signature is approved by the user inside the frame.
// Only these methods exist; anything else is 4200.
import { FaceSignError, PROVIDER_CHAIN_ID, type ConnectResult, type ErrorCode, type Hex, type TypedData } from "../../contracts/page-frame";
import type { FaceSignModal } from "./facesign-modal";

export interface RequestArguments {
  method: string;
  params?: readonly unknown[] | object;
}

export class ProviderRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** EIP-1193 codes for FaceSign's errors; the FaceSign code travels in `data`. */
const RPC_CODE: Partial<Record<ErrorCode, number>> = { user_rejected: 4001, consent_obscured: 4001, closed: 4001, unsupported_method: 4200, invalid_request: -32602 };

function toRpcError(error: unknown): ProviderRpcError {
  if (error instanceof ProviderRpcError) return error;
  const e = error instanceof FaceSignError ? error : new FaceSignError("internal_error");
  return new ProviderRpcError(RPC_CODE[e.code] ?? -32603, e.message, { code: e.code });
}

type Listener = (...args: unknown[]) => void;

export function createProvider(modal: () => FaceSignModal, chainId: Hex = `0x${PROVIDER_CHAIN_ID.toString(16)}`) {
  const listeners = new Map<string, Set<Listener>>();
  let accounts: Hex[] = [];
  const emit = (event: string, value: unknown) => listeners.get(event)?.forEach((l) => l(value));

  const setAccounts = (next: Hex[]) => {
    if (next.join() === accounts.join()) return;
    const was = accounts;
    accounts = next;
    if (!was.length) emit("connect", { chainId });
    emit("accountsChanged", next);
    if (!next.length) emit("disconnect", new ProviderRpcError(4900, "FaceSign locked: its window was closed."));
  };
  // A sign-in through the button is an account for dapps too; the frame, and the keys in it, are gone when its modal closes.
  addEventListener("facesign:account", (e) => setAccounts([(e as CustomEvent<ConnectResult>).detail.address]));
  addEventListener("facesign:disconnected", () => setAccounts([]));

  /** The frame, unlocked, for the account `address` (when the dapp names one). */
  const unlocked = async (address?: unknown) => {
    const { remote, account } = await modal().account();
    setAccounts([account.address]);
    if (address !== undefined && (typeof address !== "string" || address.toLowerCase() !== account.address.toLowerCase()))
      throw new ProviderRpcError(4100, "That address is not this FaceSign account.");
    return remote;
  };

  const params = (args: RequestArguments) => (Array.isArray(args.params) ? (args.params as unknown[]) : []);

  return {
    isFaceSign: true,
    async request(args: RequestArguments): Promise<unknown> {
      try {
        switch (args?.method) {
          case "eth_requestAccounts":
            await unlocked();
            return accounts;
          case "eth_accounts":
            return accounts;
          case "eth_chainId":
            return chainId;
          case "personal_sign": {
            const [message, address] = params(args);
            return await (await unlocked(address)).personalSign(message as string);
          }
          case "eth_signTypedData_v4": {
            const [address, data] = params(args);
            const typedData = (typeof data === "string" ? JSON.parse(data) : data) as TypedData;
            return await (await unlocked(address)).signTypedData(typedData);
          }
          default:
            throw new FaceSignError("unsupported_method", `FaceSign does not support ${String(args?.method)}.`);
        }
      } catch (error) {
        throw toRpcError(error instanceof SyntaxError ? new FaceSignError("invalid_request", "eth_signTypedData_v4: the typed data is not JSON.") : error);
      }
    },
    on(event: string, listener: Listener) {
      listeners.set(event, (listeners.get(event) ?? new Set()).add(listener));
      return this;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return this;
    },
  };
}
export type FaceSignProvider = ReturnType<typeof createProvider>;
