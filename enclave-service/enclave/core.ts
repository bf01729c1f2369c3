// The enclave core: everything that would run inside the Nitro Enclave. No file
// system, no sockets, no clock but the `now` each message carries, no logging of
// payloads or keys. It holds a fresh x25519 key pair per boot.
import nacl from "tweetnacl";
import { ApiError, CHALLENGE_STEPS } from "../api-protocol";
import { drawChallenge } from "./challenge";
import type { DevSigner, EnclaveSettings, OpenSessionResult } from "../enclave-protocol";
import { createDevAttestor, type Attestor } from "./attestation-document";
import { SessionTable } from "./sessions";

export class EnclaveCore {
  private readonly keys = nacl.box.keyPair();
  private readonly sessions: SessionTable;

  private constructor(
    private readonly attestor: Attestor,
    settings: EnclaveSettings,
  ) {
    this.sessions = new SessionTable(this.keys.secretKey, settings);
  }

  static async boot(signer: DevSigner, settings: EnclaveSettings): Promise<EnclaveCore> {
    return new EnclaveCore(await createDevAttestor(signer), settings);
  }

  get publicKey(): Uint8Array {
    return this.keys.publicKey;
  }

  async openSession(nonce: Uint8Array, clientPublicKey: Uint8Array, now: number): Promise<OpenSessionResult> {
    if (nonce.length !== 32 || clientPublicKey.length !== 32) throw new ApiError("malformed_request");
    const { sessionId, expiresAt } = this.sessions.open(clientPublicKey, now);
    const challengeId = nacl.randomBytes(16);
    const steps = drawChallenge();
    // user_data binds the session and its challenge to this document.
    const userData = new Uint8Array([...sessionId, ...challengeId, ...steps.map((s) => CHALLENGE_STEPS.indexOf(s))]);
    const attestation = await this.attestor.attest({ publicKey: this.keys.publicKey, userData, nonce, now });
    return { sessionId, attestation, enclavePublicKey: this.keys.publicKey, challengeId, steps, expiresAt };
  }

  handleRequest(sessionId: Uint8Array, body: Uint8Array, now: number): Uint8Array {
    const { request, seal, expiresAt } = this.sessions.openRequest(sessionId, body, now);
    switch (request.type) {
      case "ping":
        return seal({ type: "pong", counter: request.counter, expiresAt });
    }
  }
}
