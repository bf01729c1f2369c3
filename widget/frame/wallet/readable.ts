// What a consent screen shows: a message as text when it is printable UTF-8 (else hex),
// and typed data decoded into labelled fields, nested structs as dotted paths.
import type { TypedData } from "../../../contracts/page-frame";
import { hex } from "./encoding";

const MAX_ROWS = 200;

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

/** Domain fields, then the message's fields in the order its type declares them. */
export function readableTypedData(td: TypedData): { domain: [string, string][]; fields: [string, string][] } {
  const domain = Object.entries(td.domain ?? {}).map(([k, v]): [string, string] => [k, show(v)]);
  const fields: [string, string][] = [];
  const walk = (type: string, value: unknown, path: string) => {
    if (fields.length >= MAX_ROWS) return;
    const array = /^(.*)\[\d*\]$/.exec(type);
    if (array && Array.isArray(value)) return value.forEach((item, i) => walk(array[1]!, item, `${path}[${i}]`));
    const struct = td.types[type];
    if (struct && typeof value === "object" && value !== null) {
      for (const f of struct) walk(f.type, (value as Record<string, unknown>)[f.name], path ? `${path}.${f.name}` : f.name);
      return;
    }
    fields.push([path, show(value)]);
  };
  walk(td.primaryType, td.message, "");
  return { domain, fields };
}
