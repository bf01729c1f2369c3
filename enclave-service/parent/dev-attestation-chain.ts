// The local stand-in for AWS's attestation PKI: a P-384 root and intermediate made
// once by the build (which pins the root in the frame), and a fresh leaf per enclave
// boot (as Nitro issues one per enclave). The root's key is thrown away as soon as the
// intermediate is signed; the intermediate's key lives in its own file (.dev-ca/ by
// default), away from the data and the built assets the widget server reads. It is a
// development root, named so; production pins AWS's Nitro root G1 instead, and the
// NSM holds the leaf key.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const ALG = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" } as const;
const DAY = 86_400_000;

export interface DevChain {
  root: Uint8Array;
  intermediate: Uint8Array;
  leaf: Uint8Array;
  leafKey: Uint8Array;
}

interface StoredCa {
  root: string;
  intermediate: string;
  intermediateKey: string;
}

const b64 = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("base64");
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const generate = () => crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
const serial = () => Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString("hex");

async function createCa(): Promise<StoredCa> {
  const rootKeys = await generate();
  const now = Date.now();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=FaceSign DEVELOPMENT root (not AWS),O=FaceSign dev",
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALG,
    keys: rootKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 2, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const interKeys = await generate();
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=FaceSign DEVELOPMENT intermediate,O=FaceSign dev",
    issuer: root.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 1825 * DAY),
    signingAlgorithm: ALG,
    publicKey: interKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { root: b64(root.rawData), intermediate: b64(intermediate.rawData), intermediateKey: b64(await crypto.subtle.exportKey("pkcs8", interKeys.privateKey)) };
}

/** Loads the dev CA from `file`, or makes it there once. */
async function devCa(file: string): Promise<StoredCa> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as StoredCa;
  const ca = await createCa();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(ca), { mode: 0o600 });
  return ca;
}

/** The dev root's DER, for the build to pin (the CA is made on first use). */
export const devRoot = async (file: string): Promise<Uint8Array> => unb64((await devCa(file)).root);

/** Issues a fresh leaf for this boot under the dev CA in `file`. */
export async function devChain(file: string, now = Date.now()): Promise<DevChain> {
  const ca = await devCa(file);
  const interKey = await crypto.subtle.importKey("pkcs8", unb64(ca.intermediateKey), { name: "ECDSA", namedCurve: "P-384" }, false, ["sign"]);
  const intermediate = new x509.X509Certificate(unb64(ca.intermediate));
  const leafKeys = await generate();
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=FaceSign DEVELOPMENT enclave,O=FaceSign dev",
    issuer: intermediate.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3 * DAY),
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey,
    signingKey: interKey,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return {
    root: unb64(ca.root),
    intermediate: unb64(ca.intermediate),
    leaf: new Uint8Array(leaf.rawData),
    leafKey: new Uint8Array(await crypto.subtle.exportKey("pkcs8", leafKeys.privateKey)),
  };
}
