// What this partner page uses of window.FaceSign (the loader's global), as any partner
// would declare it: the frame's typed API from the page ↔ frame contract, and the
// EIP-1193 provider's request.
import type { Remote } from "comlink";
import type { FrameApi } from "../contracts/page-frame";

declare global {
  interface Window {
    FaceSign: {
      connect(): Promise<Remote<FrameApi>>;
      provider: { request(args: { method: string; params?: readonly unknown[] }): Promise<unknown> };
    };
  }
}
