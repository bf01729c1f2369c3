// EIP-6963: tell dapps that FaceSign is here, now and whenever they ask again.
import type { FaceSignProvider } from "./provider";

const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" rx="12" fill="#3552ff"/><ellipse cx="24" cy="24" rx="13" ry="16" fill="none" stroke="#fff" stroke-width="3.5"/><circle cx="19" cy="22" r="2.3" fill="#fff"/><circle cx="29" cy="22" r="2.3" fill="#fff"/></svg>')}`;

export function announceProvider(provider: FaceSignProvider): void {
  const info = Object.freeze({ uuid: crypto.randomUUID(), name: "FaceSign", icon: ICON, rdns: "org.facesign" });
  const announce = () => dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  addEventListener("eip6963:requestProvider", announce);
  announce();
}
