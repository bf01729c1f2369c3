// The iframe's side of FrameApi: every method validates its arguments first.
import { parseArgs, WIDGET_VERSION, type FrameApi } from "../protocol";

export function createFrameApi(hostOrigin: string): FrameApi {
  return {
    async hello(...args: unknown[]) {
      parseArgs("hello", args);
      return { version: WIDGET_VERSION, hostOrigin };
    },
  };
}
