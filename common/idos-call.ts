// One call to an idOS-compatible node over HTTP, for the frame's adapter and for
// consumers alike: errors come back as IdosError with the node's code.
import { IdosError, type IdosAction, type IdosAuth, type IdosErrorCode, type IdosParams, type IdosResults } from "../contracts/idos";

export async function idosCall<A extends IdosAction>(nodeUrl: string, action: A, params: IdosParams<A>, auth?: IdosAuth): Promise<IdosResults[A]> {
  let res: Response;
  try {
    res = await fetch(`${nodeUrl}/v1/actions/${action}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ params, ...(auth ? { auth } : {}) }) });
  } catch {
    throw new IdosError("internal_error", "The idOS node could not be reached.");
  }
  const body = (await res.json().catch(() => null)) as { result?: IdosResults[A]; error?: { code: IdosErrorCode; message: string } } | null;
  if (!res.ok || !body || body.result === undefined) throw new IdosError(body?.error?.code ?? "internal_error", body?.error?.message);
  return body.result;
}
