// The widget origin defaults to the origin the loader itself was served from.
// Read once at load time: document.currentScript is only set while a classic script runs.
const scriptSrc = (document.currentScript as HTMLScriptElement | null)?.src ?? Array.from(document.scripts).find((s) => /\/facesign\.js(\?|#|$)/.test(s.src))?.src;

export function loaderOrigin(): string {
  return scriptSrc ? new URL(scriptSrc).origin : location.origin;
}
