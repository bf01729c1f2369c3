// Debian's Chromium, driven by playwright-core: the only browser the tests use.
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from "playwright-core";

/** tsx compiles the tests with keepNames, so functions passed to evaluate() call __name(). */
export const KEEP_NAMES_SHIM = "globalThis.__name ??= (fn) => fn";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

/** Flags that turn a Y4M/MJPEG file into the camera, with permission granted. */
export const fakeCameraFlags = (y4m: string): string[] => ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${y4m}`];

export function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs], ...options });
}

/** A persistent profile directory is a device: a new directory is a new device. */
export function launchProfile(userDataDir: string, extraArgs: string[] = [], options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs], ...options });
}
