// viem for the host page in tests, bundled by esbuild and evaluated in the page
// (evaluation is not subject to the demo's CSP): the dapp side of EIP-1193.
import { createWalletClient, custom } from "viem";

(window as unknown as { viem: unknown }).viem = { createWalletClient, custom };
