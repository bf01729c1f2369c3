// The partner page's own script: a user signs in with their face, signs a message and
// an order, shares their FaceSign credential, and Acme's server checks each result.
// The timeline shows everything that crossed between this page and FaceSign.
import type { ConnectResult, WireError } from "../contracts/page-frame";
import { DEMO_ORDER, type ConsumerGrantRequest, type ConsumerVerifyRequest, type ConsumerVerifyResponse, type VerifySignatureRequest, type VerifySignatureResponse } from "./demo-api";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const timeline = $("timeline");
const provider = window.FaceSign.provider;
let account: ConnectResult | undefined;
let grant: ConsumerVerifyRequest | undefined;

/** One line of the timeline: ← came from FaceSign, → was asked of it, • happened. */
function log(dir: "←" | "→" | "•", text: string, detail?: unknown, error = false) {
  const item = document.createElement("li");
  if (error) item.className = "error";
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString([], { hour12: false });
  const arrow = Object.assign(document.createElement("span"), { className: "dir", textContent: dir });
  const body = Object.assign(document.createElement("span"), { textContent: `${text} ` });
  if (detail !== undefined) body.append(Object.assign(document.createElement("code"), { textContent: typeof detail === "string" ? detail : JSON.stringify(detail) }));
  item.append(time, arrow, body);
  timeline.append(item);
}

const post = async <T>(path: string, body: unknown): Promise<T> =>
  (await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<T>;
const short = (s: string) => (s.length > 26 ? `${s.slice(0, 14)}…${s.slice(-8)}` : s);
const done = (step: string) => ($(step).dataset.done = "");

function result(id: string, text: string, ok: boolean) {
  const el = $(id);
  el.className = `out ${ok ? "ok" : "bad"}`;
  el.textContent = text;
}

/** Runs one step's action; a failure is shown on the step and in the timeline. */
function action(buttonId: string, resultId: string, run: () => Promise<void>) {
  const button = $<HTMLButtonElement>(buttonId);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await run();
    } catch (error) {
      const e = error as { code?: number | string; message?: string; data?: { code?: string } };
      result(resultId, `✕ ${e.message ?? "failed"}`, false);
      log("←", "error", { code: e.data?.code ?? e.code, message: e.message }, true);
    } finally {
      button.disabled = false;
    }
  });
}

const button = $("facesign");
button.addEventListener("facesign:connected", () => log("•", "FaceSign window opened: the channel is pinned to its origin"));
button.addEventListener("facesign:account", (e) => {
  account = (e as CustomEvent<ConnectResult>).detail;
  log("←", "account", account);
  $("address").textContent = account.address;
  $("ed25519").textContent = short(account.ed25519PublicKey);
  $("account").hidden = false;
  done("step-account");
  for (const id of ["sign-message", "sign-order", "share"]) $<HTMLButtonElement>(id).disabled = false;
});
button.addEventListener("facesign:error", (e) => log("←", "error", (e as CustomEvent<WireError>).detail, true));
button.addEventListener("facesign:disconnected", () => log("•", "FaceSign window closed: its keys are gone; the next request asks for a face scan"));

const utf8Hex = (text: string) => `0x${Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("")}`;

async function checked(request: VerifySignatureRequest, resultId: string) {
  const { valid } = await post<VerifySignatureResponse>("/api/verify-signature", request);
  result(resultId, valid ? `✓ Acme's server verified the signature for ${short(request.address)}` : "✕ the signature does not verify", valid);
}

action("sign-message", "message-result", async () => {
  const message = $<HTMLTextAreaElement>("message").value;
  log("→", "personal_sign", { message });
  const signature = (await provider.request({ method: "personal_sign", params: [utf8Hex(message), account!.address] })) as `0x${string}`;
  log("←", "signature", signature);
  await checked({ kind: "personal_sign", address: account!.address, message, signature }, "message-result");
  done("step-message");
});

action("sign-order", "order-result", async () => {
  log("→", "eth_signTypedData_v4", { primaryType: DEMO_ORDER.primaryType, message: DEMO_ORDER.message });
  const signature = (await provider.request({ method: "eth_signTypedData_v4", params: [account!.address, JSON.stringify(DEMO_ORDER)] })) as `0x${string}`;
  log("←", "signature", signature);
  await checked({ kind: "typed_data", address: account!.address, typedData: DEMO_ORDER, signature }, "order-result");
  done("step-order");
});

action("share", "grant-result", async () => {
  const keys = (await (await fetch("/api/consumer")).json()) as ConsumerGrantRequest;
  log("→", "requestAccessGrant", { consumer: short(keys.consumerEncryptionPublicKey), lockedUntil: 0 });
  grant = { ...(await (await window.FaceSign.connect()).requestAccessGrant({ ...keys, lockedUntil: 0 })), challenge: keys.challenge };
  log("←", "access grant and the holder's presentation", { grantId: grant.grantId, presentation: short(grant.presentation) });
  result("grant-result", `✓ shared through idOS: grant ${short(grant.grantId)}`, true);
  $<HTMLButtonElement>("verify").disabled = false;
  done("step-grant");
});

action("verify", "consumer-result", async () => {
  const answer = await post<ConsumerVerifyResponse>("/api/consumer/verify", grant! satisfies ConsumerVerifyRequest);
  if ("error" in answer) throw new Error(`${answer.error}: ${answer.message}`);
  $("person").textContent = answer.faceSignUserId;
  $("issuer").textContent = short(answer.issuer);
  $("verified").textContent = "✓ decrypted, hash, signature, validity, holder's presentation and enclave attestation checked";
  $("consumer").hidden = false;
  log("•", "Acme's server read the credential", { faceSignUserId: answer.faceSignUserId });
  done("step-consumer");
});
