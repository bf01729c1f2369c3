// The enclave core: everything that would run inside the Nitro Enclave. No file
// system, no sockets, no logging of payloads or keys; sessions expire by the `now` each
// message carries, but the camera stream is timed by the enclave's own monotonic clock,
// which the parent cannot set. It holds a fresh x25519 key pair per boot, the face engine, the
// 1:N index of every enrolled template (their sealed records stay with the parent),
// and the key that signs users' FaceSign credentials.
import nacl from "tweetnacl";
import { ApiError, challengeUserData, ISSUER_USER_DATA, type EnclaveRequest, type IssuedCredential, type Pace, type ScanOutcome } from "../../contracts/frame-service";
import { fromBase64url, toBase64url } from "../../common/base64url";
import { didKey, encryptContent, faceSignPublicNotes, idosIssuerSignatures, issueCredential } from "../../common/credential";
import type { DevSigner, EnclaveSettings, FaceModels, IdentityBoot, OpResult, SealedRecord } from "../../contracts/parent-enclave";
import { userSigningAndBoxKeys } from "../../common/user-keys";
import { createDevAttestor, type Attestor } from "./attestation-document";
import { drawChallenge, drawLight } from "./challenge";
import { FaceEngine } from "./face/engine";
import { FaceError } from "./face/errors";
import { Registry, type Identity, type NamedAccount, type TemplateSource } from "./identity/registry";
import { passkeyPublicKey, signedAssertion, verifyPasskeySignature } from "./identity/passkey";
import { formatRecoveryCode, parseRecoveryCode, RECOVERY_CODE_BYTES } from "./identity/recovery-code";
import { passkeyChallenge } from "../../common/passkey-challenge";
import { SealError, Sealer, unwrapKey, wrapKey } from "./identity/sealing";
import { LiveChallenge, STEP_MS_MAX, type Refusal, type StreamFrame } from "./liveness";
import { SessionTable } from "./sessions";

/** Set by esbuild for `FACESIGN_BUILD=production` builds (see esbuild.config.mjs). */
declare const __FACESIGN_PRODUCTION__: boolean | undefined;
const PRODUCTION_BUILD = typeof __FACESIGN_PRODUCTION__ !== "undefined" && __FACESIGN_PRODUCTION__;

/** A stored record that fails its checks, as the API names it. */
const templateError = (error: unknown) => (error instanceof SealError ? new ApiError("template_invalid") : error);
type Rejected = Extract<ScanOutcome, { status: "rejected" }>;
const rethrowTemplateError = (error: unknown): never => {
  throw templateError(error);
};

export class EnclaveCore {
  private readonly keys = nacl.box.keyPair();
  private readonly sessions: SessionTable;
  /** The enclave's monotonic clock, ms: what the camera stream is timed by. */
  private readonly clock = () => performance.now();

  private constructor(
    private readonly attestor: Attestor,
    private readonly engine: FaceEngine,
    private readonly registry: Registry,
    private readonly settings: EnclaveSettings,
    /** The credential issuer's ed25519 key pair (its secret sealed at rest like the templates). */
    private readonly issuerKey: nacl.SignKeyPair,
    /** What hashes recovery codes (the templates' sealer). */
    private readonly sealer: Sealer,
  ) {
    this.sessions = new SessionTable(this.keys.secretKey, settings);
  }

  static async boot(signer: DevSigner, settings: EnclaveSettings, models: FaceModels, identity: IdentityBoot, templates: TemplateSource): Promise<{ core: EnclaveCore; result: OpResult<"boot"> }> {
    if (settings.testChallenge && PRODUCTION_BUILD) throw new ApiError("test_mode_refused");
    const fresh = identity.wrappedKey === undefined;
    const sealingKey = fresh ? nacl.randomBytes(32) : unwrapKey(identity.wrappedKey!, identity.kek);
    const sealer = new Sealer(sealingKey);
    const registry = await Registry.create({ sealer, source: templates });
    const wrappedKey = fresh ? wrapKey(sealingKey, identity.kek) : undefined;
    identity.kek.fill(0);
    const issuerKey = identity.wrappedIssuerKey ? nacl.sign.keyPair.fromSecretKey(unwrapKey(identity.wrappedIssuerKey, sealingKey)) : nacl.sign.keyPair();
    const wrappedIssuerKey = identity.wrappedIssuerKey ? undefined : wrapKey(issuerKey.secretKey, sealingKey);
    const core = new EnclaveCore(await createDevAttestor(signer), await FaceEngine.create(models, { backend: "native" }), registry, settings, issuerKey, sealer);
    return {
      core,
      result: { publicKey: core.keys.publicKey, issuer: didKey(issuerKey.publicKey), ...(wrappedKey ? { wrappedKey } : {}), ...(wrappedIssuerKey ? { wrappedIssuerKey } : {}) },
    };
  }

  /** Stored records join the index (at boot, and when another instance enrols someone); returns how many users are enrolled. */
  catchUp(): Promise<number> {
    return this.registry.catchUp().catch(rethrowTemplateError);
  }

  /** An attestation document whose public_key is the issuer key: what a consumer checks credentials against. */
  async attestIssuer(nonce: Uint8Array, now: number): Promise<OpResult<"attestIssuer">> {
    if (nonce.length !== 32) throw new ApiError("malformed_request");
    const attestation = await this.attestor.attest({ publicKey: this.issuerKey.publicKey, userData: new TextEncoder().encode(ISSUER_USER_DATA), nonce, now });
    return { issuer: didKey(this.issuerKey.publicKey), attestation };
  }

  /** A session and its challenge: with the light challenge unless the user declined it (`light` false), then more steps. */
  async openSession(nonce: Uint8Array, clientPublicKey: Uint8Array, wantsLight: boolean, now: number): Promise<OpResult<"openSession">> {
    if (nonce.length !== 32 || clientPublicKey.length !== 32) throw new ApiError("malformed_request");
    const { testChallenge, testLight } = this.settings;
    const testMode = testChallenge !== undefined;
    const steps = testChallenge ? [...testChallenge] : drawChallenge(wantsLight);
    const colours = !wantsLight ? [] : testMode ? [...(testLight ?? [])] : drawLight();
    const challenge = { id: nacl.randomBytes(16), light: colours.length > 0 };
    const live = new LiveChallenge(steps, Math.min(this.settings.stepTimeoutMs, STEP_MS_MAX), colours);
    const { sessionId, expiresAt } = this.sessions.open(clientPublicKey, { id: challenge.id, live }, now, this.settings.instance);
    const attestation = await this.attestor.attest({ publicKey: this.keys.publicKey, userData: challengeUserData(sessionId, challenge, testMode), nonce, now });
    return { sessionId, attestation, enclavePublicKey: this.keys.publicKey, challengeId: challenge.id, light: challenge.light, testMode, expiresAt };
  }

  async handleRequest(sessionId: Uint8Array, body: Uint8Array, now: number): Promise<OpResult<"sessionRequest">> {
    const receivedAt = this.clock();
    const { request, seal, session } = this.sessions.openRequest(sessionId, body, now);
    const answer = ({ outcome, store }: { outcome: ScanOutcome; store?: SealedRecord | undefined }, passiveLiveness?: number) => ({
      reply: seal({ type: "scan_result", counter: request.counter, ...outcome, ...(passiveLiveness !== undefined ? { passiveLiveness } : {}) }),
      ...(store ? { store } : {}),
    });
    switch (request.type) {
      case "ping":
        return { reply: seal({ type: "pong", counter: request.counter, expiresAt: session.expiresAt }) };
      case "frames": {
        if (session.spent) throw new ApiError("challenge_spent");
        const paced = await this.stream(session.challenge, request.frames, receivedAt);
        if (!("reason" in paced)) return { reply: seal({ type: "pace", counter: request.counter, ...paced }) };
        const passive = session.challenge.passive();
        session.spent = true;
        this.sessions.close(sessionId);
        return answer({ outcome: { status: "rejected", ...paced } }, passive);
      }
      case "scan": {
        // One scan per session: the challenge is spent whatever the outcome, even a failure of the service.
        if (session.spent) throw new ApiError("challenge_spent");
        session.spent = true;
        const named = this.namedAccount(request, passkeyChallenge(sessionId, session.challengeId, request.partner ?? ""));
        if (named && "status" in named) {
          this.sessions.close(sessionId);
          return answer({ outcome: named });
        }
        if (!session.challenge.finished) {
          this.sessions.close(sessionId);
          return answer({ outcome: { status: "rejected", reason: "too_few_frames" } });
        }
        const passive = session.challenge.passive();
        const identity = await this.identify(session.challenge.template(), named, now);
        if (request.forget) {
          this.sessions.close(sessionId);
          return answer(await this.forget(identity, now), passive);
        }
        if (identity.status !== "new") {
          this.sessions.close(sessionId);
          return answer(this.release(identity, now), passive);
        }
        const pending = this.sessions.propose(session, identity.vector, now);
        identity.vector.fill(0);
        return answer({ outcome: { status: "confirm_new", token: toBase64url(pending.token), expiresAt: pending.expiresAt, accountHandle: toBase64url(pending.handle) } }, passive);
      }
      case "enrol": {
        const pending = session.pending;
        if (!pending || !nacl.verify(pending.token, fromBase64url(request.token)!)) throw new ApiError("enrolment_invalid");
        const spki = request.passkey && fromBase64url(request.passkey.publicKey);
        const publicKey = spki && passkeyPublicKey(spki);
        const credentialId = request.passkey && fromBase64url(request.passkey.credentialId);
        if (request.passkey && (!publicKey || !credentialId?.length)) throw new ApiError("passkey_unsupported");
        const code = nacl.randomBytes(RECOVERY_CODE_BYTES);
        try {
          const account = { handle: pending.handle, recovery: this.sealer.recoveryHash(code), ...(publicKey && credentialId ? { passkey: { publicKey, credentialId } } : {}) };
          return answer(this.release(await this.registry.enrol(pending.vector, now, account).catch(rethrowTemplateError), now, formatRecoveryCode(code)));
        } finally {
          code.fill(0);
          this.sessions.close(sessionId);
        }
      }
    }
  }

  /**
   * The account a scan names, if any: by a passkey assertion (with the check of its
   * signature), refused outright when it is not for this session, origin and partner; or
   * by a recovery code, refused when it is not one.
   */
  private namedAccount({ passkey, recovery, partner = "" }: Extract<EnclaveRequest, { type: "scan" }>, challenge: Uint8Array): NamedAccount | Rejected | undefined {
    if (passkey) {
      const signed = signedAssertion(passkey, { challenge, origin: this.settings.widgetOrigin, partner });
      const credentialId = fromBase64url(passkey.credentialId);
      if (!signed || !credentialId) return { status: "rejected", reason: "passkey_invalid" };
      return { by: "passkey", handle: fromBase64url(passkey.userHandle)!, credentialId, verify: (publicKey) => verifyPasskeySignature(publicKey, signed) };
    }
    if (recovery === undefined) return undefined;
    const code = parseRecoveryCode(recovery);
    if (!code) return { status: "rejected", reason: "recovery_unknown" };
    const named = { by: "recovery" as const, codeHash: this.sealer.recoveryHash(code) };
    code.fill(0);
    return named;
  }

  /** What the user gets for an identity: their entropy and credential when known or enrolled, the bare outcome otherwise (and any record to store). */
  private release(identity: Exclude<Identity, { status: "new" }> | Rejected, now: number, recoveryCode = ""): { outcome: ScanOutcome; store?: SealedRecord } {
    switch (identity.status) {
      case "rejected":
      case "ambiguous":
      case "account_needed":
      case "locked":
        return { outcome: identity };
      case "passkey_unknown":
      case "passkey_invalid":
      case "recovery_unknown":
        return { outcome: { status: "rejected", reason: identity.status } };
      case "mismatch":
        return { outcome: { status: "mismatch" }, store: identity.sealed };
      case "known":
      case "enrolled":
        break;
    }
    const { userId, entropy } = identity.record;
    const wallet = { userId: toBase64url(userId), entropy: toBase64url(entropy), credential: this.issue(identity.record, now) };
    const outcome: ScanOutcome = identity.status === "known" ? { status: "known", ...wallet } : { status: "new", ...wallet, recoveryCode };
    entropy.fill(0);
    return { outcome, ...(identity.status === "known" && identity.sealed ? { store: identity.sealed } : {}) };
  }

  /** A `forget` scan's answer: an identified user is deleted; nobody near, nothing; an undecided scan, its usual answer. */
  private async forget(identity: Awaited<ReturnType<EnclaveCore["identify"]>>, now: number): Promise<{ outcome: ScanOutcome; store?: SealedRecord }> {
    if (identity.status === "new") {
      identity.vector.fill(0);
      return { outcome: { status: "not_found" } };
    }
    if (identity.status !== "known") return this.release(identity, now);
    const { record } = identity;
    try {
      const deleted = await this.registry.forget(record).catch(rethrowTemplateError);
      return { outcome: deleted ? { status: "forgotten", userId: toBase64url(record.userId), entropy: toBase64url(record.entropy) } : { status: "not_found" } };
    } finally {
      record.entropy.fill(0);
    }
  }

  /** The user's credential, for the keys the frame derives from this entropy, encrypted to their x25519 key. */
  private issue({ userId, entropy }: { userId: Uint8Array; entropy: Uint8Array }, now: number): IssuedCredential {
    const user = userSigningAndBoxKeys(entropy);
    user.ed25519.secretKey.fill(0);
    user.x25519.secretKey.fill(0);
    const jws = issueCredential(this.issuerKey.secretKey, user.ed25519.publicKey, toBase64url(userId), now);
    const { content, encryptorPublicKey } = encryptContent(new TextEncoder().encode(jws), user.x25519.publicKey);
    const issuer = didKey(this.issuerKey.publicKey);
    const publicNotes = faceSignPublicNotes(issuer);
    const signatures = idosIssuerSignatures(this.issuerKey.secretKey, publicNotes, content);
    return {
      content: toBase64url(content),
      encryptorPublicKey: toBase64url(encryptorPublicKey),
      issuer,
      publicNotes,
      publicNotesSignature: toBase64url(signatures.publicNotesSignature),
      broaderSignature: toBase64url(signatures.broaderSignature),
    };
  }

  /**
   * Checks a batch of the camera stream and feeds its frames, analysed here, to the
   * session's challenge: what the user does next, or the refusal that ends the challenge.
   * Images and face vectors are wiped as soon as each frame is judged.
   */
  private async stream(live: LiveChallenge, frames: readonly { t: number; image: string }[], receivedAt: number): Promise<Pace | Refusal> {
    const late = live.receive(
      frames.map((f) => f.t),
      receivedAt,
    );
    if (late) return late;
    for (const frame of frames) {
      if (live.finished) break;
      const analysed = await this.analyse(frame, live.resting);
      if ("reason" in analysed) return analysed;
      const refusal = live.feed(analysed);
      if ("face" in analysed) analysed.face.vector.fill(0);
      if (refusal) return refusal;
    }
    return live.pace(this.clock());
  }

  private async analyse(frame: { t: number; image: string }, passive: boolean): Promise<StreamFrame | Refusal> {
    const image = fromBase64url(frame.image);
    if (!image) return { reason: "image_invalid" };
    try {
      return { t: frame.t, face: await this.engine.analyze(image, { passive }) };
    } catch (error) {
      if (!(error instanceof FaceError)) throw error;
      return error.code === "no_face" || error.code === "multiple_faces" ? { t: frame.t, missing: error.code } : { reason: error.code };
    } finally {
      image.fill(0);
    }
  }

  /** Identity for a live scan's template (1:1 for an account a passkey named, else 1:N): the decision, or a proposed new user with the vector. */
  private async identify(vector: Float32Array, named: NamedAccount | undefined, now: number): Promise<Exclude<Identity, { status: "new" }> | { status: "new"; vector: Float32Array }> {
    const identity = await (named ? this.registry.identifyNamed(vector, named, now) : this.registry.identify(vector)).catch(rethrowTemplateError);
    if (identity.status === "new") return { status: "new", vector };
    vector.fill(0);
    return identity;
  }
}
