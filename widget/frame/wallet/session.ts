// The wallet's session policy. A face scan unlocks it (keys derived from the entropy);
// a signature needs a scan no older than the signing window, else the wallet locks and
// asks for a fresh scan; every signature also needs the user's approval. The frame
// serves one host origin, so "the same origin" is this frame's host. Locking zeroes
// the keys; closing the modal destroys the frame, and the keys with it.
import type { IssuedCredential } from "../../../contracts/frame-service";
import type { ConnectResult } from "../../../contracts/page-frame";
import { hex } from "./encoding";
import { deriveKeys, zeroKeys, type WalletKeys } from "./keys";

export interface Unlocked {
  keys: WalletKeys;
  status: "new" | "known";
  /** Issued by the enclave with the scan; stored in idOS if the profile lacks one. */
  credential: IssuedCredential;
}

export class WalletSession {
  private unlocked: (Unlocked & { at: number }) | undefined;
  private unlocking: Promise<Unlocked> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Runs the face scan (with its screens and retries) until it passes. */
    private readonly scan: () => Promise<{ status: "new" | "known"; entropy: Uint8Array; credential: IssuedCredential }>,
    private readonly windowMs: number,
  ) {}

  /** The unlocked keys, scanning first if the wallet is locked (one scan for concurrent callers). */
  unlock(): Promise<Unlocked> {
    if (this.unlocked) return Promise.resolve(this.unlocked);
    this.unlocking ??= this.scan().then(
      ({ status, entropy, credential }) => {
        const keys = deriveKeys(entropy);
        entropy.fill(0);
        this.unlocked = { keys, status, credential, at: Date.now() };
        this.timer = setTimeout(() => this.lock(), this.windowMs);
        this.unlocking = undefined;
        return this.unlocked;
      },
      (error: unknown) => {
        this.unlocking = undefined;
        throw error;
      },
    );
    return this.unlocking;
  }

  /** Keys for a signature: a scan within the window, else a fresh one. */
  forSigning(): Promise<Unlocked> {
    if (this.unlocked && Date.now() - this.unlocked.at > this.windowMs) this.lock();
    return this.unlock();
  }

  get current(): Unlocked | undefined {
    return this.unlocked;
  }

  lock(): void {
    clearTimeout(this.timer);
    if (this.unlocked) zeroKeys(this.unlocked.keys);
    this.unlocked = undefined;
  }
}

export const publicIdentity = ({ keys }: Unlocked): ConnectResult => ({
  address: keys.secp256k1.address,
  ed25519PublicKey: hex(keys.ed25519.publicKey),
});
