// Kwil's wire encodings, read on the node's side: action executions (transactions) and
// action calls (views) as kwil-js encodes them, their typed values, and the texts a
// signer signs (a transaction's concatenated message, the gateway's sign-in). Every
// length is checked; anything left over or short is malformed.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { IdosError, type AuthParam, type KwilTx, type KwilType } from "../contracts/idos";

class Reader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): number {
    if (this.at + n > this.bytes.length) throw new IdosError("malformed_request", "The payload is cut short.");
    const at = this.at;
    this.at += n;
    return at;
  }
  u16le = () => this.view.getUint16(this.need(2), true);
  u16be = () => this.view.getUint16(this.need(2), false);
  u32be = () => this.view.getUint32(this.need(4), false);
  take = (n: number) => this.bytes.subarray(this.need(n), this.at);
  /** Kwil's length prefix: uint32, little-endian. */
  prefixed = () => this.take(this.view.getUint32(this.need(4), true));
  text = () => utf8(this.prefixed());
  version(what: string) {
    if (this.u16le() !== 0) throw new IdosError("malformed_request", `Unknown ${what} encoding version.`);
  }
  end() {
    if (this.at !== this.bytes.length) throw new IdosError("malformed_request", "The payload has trailing bytes.");
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });
function utf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new IdosError("malformed_request", "A text is not UTF-8.");
  }
}

/** One argument: its declared type and its datum (null, or the bytes). */
export interface EncodedValue {
  type: string;
  isArray: boolean;
  data: (Uint8Array | null)[];
}

function readValue(bytes: Uint8Array): EncodedValue {
  const r = new Reader(bytes);
  r.version("value");
  const t = new Reader(r.prefixed());
  if (t.u16be() !== 0) throw new IdosError("malformed_request", "Unknown data type version.");
  const type = utf8(t.take(t.u32be()));
  const isArray = t.take(1)[0] === 1;
  t.u16be();
  t.u16be();
  t.end();
  const data: (Uint8Array | null)[] = [];
  for (let n = r.u16le(); n > 0; n--) {
    const d = r.prefixed();
    if (d.length === 0 || d[0]! > 1 || (d[0] === 0 && d.length !== 1)) throw new IdosError("malformed_request", "A datum's null flag is invalid.");
    data.push(d[0] === 0 ? null : d.subarray(1));
  }
  r.end();
  return { type, isArray, data };
}

export interface DecodedAction<Args> {
  namespace: string;
  action: string;
  args: Args;
}

/** An action execution: namespace, action, and one tuple of arguments per call in the batch. */
export function decodeActionExecution(payload: Uint8Array): DecodedAction<EncodedValue[][]> {
  const r = new Reader(payload);
  r.version("action execution");
  const namespace = r.text();
  const action = r.text();
  const args: EncodedValue[][] = [];
  for (let n = r.u16le(); n > 0; n--) {
    const tuple: EncodedValue[] = [];
    for (let k = r.u16le(); k > 0; k--) tuple.push(readValue(r.prefixed()));
    args.push(tuple);
  }
  r.end();
  return { namespace, action, args };
}

/** An action call (a view): namespace, action, its arguments. */
export function decodeActionCall(payload: Uint8Array): DecodedAction<EncodedValue[]> {
  const r = new Reader(payload);
  r.version("action call");
  const namespace = r.text();
  const action = r.text();
  const args: EncodedValue[] = [];
  for (let n = r.u16le(); n > 0; n--) args.push(readValue(r.prefixed()));
  r.end();
  return { namespace, action, args };
}

const hexOf = (b: Uint8Array) => bytesToHex(b);

/** A scalar argument as JavaScript, checked against the parameter's Kwil type. */
export function valueOf(value: EncodedValue, type: KwilType, name: string): string | number | null {
  if (value.isArray || value.data.length !== 1) throw new IdosError("malformed_request", `${name}: one scalar value is expected.`);
  // kwil-js sends a null with the parameter's declared type, or typed "null".
  if (value.type !== type && value.type !== "null") throw new IdosError("malformed_request", `${name}: ${type} is expected, not ${value.type}.`);
  const d = value.data[0]!;
  if (d === null) return null;
  if (value.type === "null") throw new IdosError("malformed_request", `${name}: a null carries no data.`);
  switch (type) {
    case "text":
      return utf8(d);
    case "uuid": {
      if (d.length !== 16) throw new IdosError("malformed_request", `${name}: a uuid is 16 bytes.`);
      const h = hexOf(d);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case "int8": {
      if (d.length !== 8) throw new IdosError("malformed_request", `${name}: an int8 is 8 bytes.`);
      const n = new DataView(d.buffer, d.byteOffset, 8).getBigInt64(0, false);
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) throw new IdosError("malformed_request", `${name}: out of range.`);
      return Number(n);
    }
  }
}

/** What a Kwil transaction's signer signs (the "concat" serialization): the payload enters by its digest. */
export function txSigningMessage(body: KwilTx["body"], payload: Uint8Array): Uint8Array {
  const digest = hexOf(sha256(payload).subarray(0, 20));
  return new TextEncoder().encode(`${body.desc}\n\nPayloadType: ${body.type}\nPayloadDigest: ${digest}\nFee: ${body.fee}\nNonce: ${body.nonce}\n\nKwil Chain ID: ${body.chain_id}\n`);
}

/** The sign-in text a client signs for the gateway, with the node's own domain: a sign-in made for another node does not verify here. */
export function signInMessage(p: AuthParam): Uint8Array {
  return new TextEncoder().encode(
    `${p.domain} wants you to sign in with your account:\n\n${p.statement ? `${p.statement}\n` : ""}\nURI: ${p.uri}\nVersion: ${p.version}\nChain ID: ${p.chain_id}\nNonce: ${p.nonce}\nIssue At: ${p.issue_at}\nExpiration Time: ${p.expiration_time}\n`,
  );
}
