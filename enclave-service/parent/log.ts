// Structured logs, one JSON object per line. Callers pass only operational fields:
// never bodies, keys, frames or face data (nothing here would print them).
export type LogFields = Record<string, string | number | boolean | undefined>;

export function log(level: "info" | "warn" | "error", event: string, fields: LogFields = {}): void {
  if (process.env.FACESIGN_LOG === "silent") return;
  process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), level, event, ...fields })}\n`);
}
