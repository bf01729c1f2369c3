// The frame's calls to /v1/handoffs (contracts/frame-service.ts), for both ends: the
// waiting frame (open, wait, cancel) and the phone (claim, answer). The service's
// refusals become the frame's typed errors.
import * as v from "valibot";
import { apiErrorBodySchema, type HandoffAnswer, type HandoffClaimed, type HandoffCreated, type HandoffStatus } from "../../../contracts/frame-service";
import { FaceSignError, type ErrorCode } from "../../../contracts/page-frame";

const PASSED_ON: readonly ErrorCode[] = ["handoff_expired", "handoff_cancelled", "handoff_claimed"];

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${location.origin}/v1/handoffs${path}`, { cache: "no-store", ...init }).catch(() => null);
  if (!res) throw new FaceSignError("service_error", "The FaceSign service could not be reached.");
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const body = v.safeParse(apiErrorBodySchema, await res.json().catch(() => null));
  const code = body.success ? body.output.error.code : undefined;
  if (code === "handoff_unknown" || code === "handoff_token_invalid") throw new FaceSignError("handoff_tampered");
  if (code && (PASSED_ON as readonly string[]).includes(code)) throw new FaceSignError(code as ErrorCode);
  throw new FaceSignError("service_error", body.success ? `${body.output.error.code}: ${body.output.error.message}` : `HTTP ${res.status}`);
}

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const bearer = (waitToken: string): RequestInit => ({ headers: { authorization: `Bearer ${waitToken}` } });

export const handoffApi = {
  open: () => call<HandoffCreated>("", { method: "POST" }),
  /** Resolves when the state is no longer `after` (or with the same state, after a while). */
  status: (id: string, waitToken: string, after: string) => call<HandoffStatus>(`/${id}?after=${after}`, bearer(waitToken)),
  cancel: (id: string, waitToken: string) => call<void>(`/${id}`, { method: "DELETE", ...bearer(waitToken) }),
  claim: (id: string) => call<HandoffClaimed>(`/${id}/claim`, { method: "POST" }),
  answer: (id: string, body: HandoffAnswer) => call<void>(`/${id}/answer`, json(body)),
};
