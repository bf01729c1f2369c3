// What a consent screen shows, all of what is signed: a message as text when it is
// printable UTF-8 (else hex, with its length), and typed data decoded into every field
// (no cut-off: the request's 64 KiB limit bounds it), nested structs as dotted paths,
// arrays with their item count. A domain the signature would not cover as shown is
// refused before any prompt.
import { getTypesForEIP712Domain } from "viem";
import { FaceSignError, PROVIDER_CHAIN_ID, type TypedData } from "../../../contracts/page-frame";
import { hex } from "./encoding";

export function readableMessage(bytes: Uint8Array): { text: string; isHex: boolean } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    // Control characters (other than line breaks and tabs) could hide what is signed.
    // eslint-disable-next-line no-control-regex -- control and bidi characters are exactly what marks bytes as not text
    if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text)) return { text, isHex: false };
  } catch {
    // not UTF-8: shown as hex
  }
  return { text: `0x${hex(bytes)}`, isHex: true };
}

const show = (value: unknown): string => (typeof value === "bigint" ? value.toString() : typeof value === "string" ? value : JSON.stringify(value));

const DOMAIN_FIELDS = ["name", "version", "chainId", "verifyingContract", "salt"];

/**
 * The domain as the signature covers it. EIP-712 hashes the domain with its
 * EIP712Domain type; a custom one could leave out fields the screen would show (or
 * rename them), so it must be exactly the standard type of the fields present, and the
 * domain may carry no other field.
 */
function checkDomain(td: TypedData): void {
  const domain = td.domain ?? {};
  const unknown = Object.keys(domain).filter((k) => !DOMAIN_FIELDS.includes(k));
  if (unknown.length) throw new FaceSignError("invalid_request", `signTypedData: the domain has fields EIP-712 does not define (${unknown.join(", ")})`);
  const declared = td.types.EIP712Domain;
  if (declared === undefined) return;
  const standard = getTypesForEIP712Domain({ domain });
  const same = declared.length === standard.length && declared.every((f, i) => f.name === standard[i]!.name && f.type === standard[i]!.type);
  if (!same) throw new FaceSignError("invalid_request", "signTypedData: the EIP712Domain type and the domain's values disagree");
}

export interface ReadableTypedData {
  /** Chain and verifying contract first, then the other domain fields. */
  domain: [string, string][];
  /** Set when the typed data is for another chain than the provider's. */
  chainWarning?: string;
  /** Every field, in the order the types declare them; an array's row gives its item count. */
  fields: [string, string][];
}

export function readableTypedData(td: TypedData): ReadableTypedData {
  checkDomain(td);
  const domain = Object.entries(td.domain ?? {})
    .sort(([a], [b]) => Number(b === "chainId" || b === "verifyingContract") - Number(a === "chainId" || a === "verifyingContract"))
    .map(([k, v]): [string, string] => [k, show(v)]);
  const chainId = td.domain?.chainId;
  const chainWarning =
    chainId !== undefined && Number(chainId) !== PROVIDER_CHAIN_ID ? `For chain ${show(chainId)}, not Ethereum mainnet (chain ${PROVIDER_CHAIN_ID}): check that you expect this.` : undefined;
  const fields: [string, string][] = [];
  const walk = (type: string, value: unknown, path: string) => {
    const array = /^(.*)\[\d*\]$/.exec(type);
    if (array && Array.isArray(value)) {
      fields.push([path, `${value.length} ${value.length === 1 ? "item" : "items"} (${type})`]);
      return value.forEach((item, i) => walk(array[1]!, item, `${path}[${i}]`));
    }
    const struct = td.types[type];
    if (struct && typeof value === "object" && value !== null) {
      for (const f of struct) walk(f.type, (value as Record<string, unknown>)[f.name], path ? `${path}.${f.name}` : f.name);
      return;
    }
    fields.push([path, show(value)]);
  };
  walk(td.primaryType, td.message, "");
  return { domain, ...(chainWarning ? { chainWarning } : {}), fields };
}
