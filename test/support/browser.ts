// Debian's Chromium, driven by playwright-core: the only browser the tests use.
import { chromium, type Browser, type BrowserContext, type CDPSession, type LaunchOptions, type Page } from "playwright-core";

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

/** A page's platform authenticator: DevTools' virtual authenticator, which verifies its user and keeps discoverable passkeys. */
export interface Authenticator {
  cdp: CDPSession;
  authenticatorId: string;
}
const authenticators = new WeakMap<Page, Promise<Authenticator>>();

export function authenticatorOf(page: Page): Promise<Authenticator> {
  let authenticator = authenticators.get(page);
  if (!authenticator) {
    authenticator = (async () => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("WebAuthn.enable");
      const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      return { cdp, authenticatorId };
    })();
    authenticators.set(page, authenticator);
  }
  return authenticator;
}

/**
 * A persistent profile directory is a device: a new directory is a new device. Like
 * most phones and laptops it has a platform authenticator on every page, so the passkey
 * FaceSign offers at enrolment is made at once instead of waiting for a person.
 */
export async function launchProfile(userDataDir: string, extraArgs: string[] = [], options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs], ...options });
  // A page that closes before its authenticator is attached needs none.
  const attach = (page: Page) => void authenticatorOf(page).catch(() => undefined);
  context.pages().forEach(attach);
  context.on("page", attach);
  return context;
}
