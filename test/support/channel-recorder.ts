// An init script for the host page that records everything crossing the page's
// MessagePorts, both ways, as JSON (bytes as hex, so a key in any form is findable),
// into window.__crossed, before any page script runs.
export function recordPortTraffic(): void {
  const w = window as unknown as { __crossed: string[] };
  w.__crossed = [];
  const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const record = (direction: string, data: unknown) => {
    try {
      w.__crossed.push(
        `${direction} ${JSON.stringify(data, (_, v: unknown) => (v instanceof ArrayBuffer ? toHex(new Uint8Array(v)) : ArrayBuffer.isView(v) ? toHex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) : typeof v === "bigint" ? v.toString() : v))}`,
      );
    } catch {
      w.__crossed.push(`${direction} <unserialisable>`);
    }
  };
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, ...rest: unknown[]) {
    record("out", message);
    return (post as (...a: unknown[]) => void).call(this, message, ...rest);
  } as typeof post;
  // Incoming: one recording listener of our own on each port the page listens on
  // (wrapping the page's listeners would break their removal).
  const listen = MessagePort.prototype.addEventListener;
  const recorded = new WeakSet<MessagePort>();
  MessagePort.prototype.addEventListener = function (this: MessagePort, ...args: unknown[]) {
    if (!recorded.has(this)) {
      recorded.add(this);
      listen.call(this, "message", (e: Event) => record("in", (e as MessageEvent).data));
    }
    return (listen as (...a: unknown[]) => void).apply(this, args);
  } as typeof listen;
}

/** Every global of the host page, walked four levels deep: its strings, numbers and bytes (as hex). */
export function hostGlobals(): string {
  const seen = new WeakSet<object>();
  const out: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || value === undefined) return;
    if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return void out.push(String(value));
    if (ArrayBuffer.isView(value)) return void out.push(Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), (x) => x.toString(16).padStart(2, "0")).join(""));
    if (typeof value !== "object" || seen.has(value) || value instanceof Node || value === window) return;
    seen.add(value);
    for (const k of Object.keys(value)) {
      try {
        walk((value as Record<string, unknown>)[k], depth + 1);
      } catch {
        // a throwing getter hides nothing from this search
      }
    }
  };
  for (const k of Object.getOwnPropertyNames(window)) {
    try {
      walk((window as unknown as Record<string, unknown>)[k], 0);
    } catch {
      // as above
    }
  }
  return out.join("\n");
}
