// A compact JWS with its payload changed and its header and signature kept: what an
// attacker who edits a credential or presentation in transit sends.
export function tamperedJws(jws: string, change: (payload: any) => void): string {
  const [header, payload, signature] = jws.split(".") as [string, string, string];
  const edited = JSON.parse(Buffer.from(payload, "base64url").toString());
  change(edited);
  return `${header}.${Buffer.from(JSON.stringify(edited)).toString("base64url")}.${signature}`;
}
