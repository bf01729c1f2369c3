// Consent that needs the user. The frame takes Sign / Share only once what it asks
// about (title, requesting site, what is signed, the button) has been fully on screen,
// unobscured and unaltered, for MIN_VISIBLE_MS: IntersectionObserver v2's isVisible is
// false while anything covers the frame, or the page makes it transparent, filters or
// transforms it, and the intersection ratio falls below 1 when the page shrinks or
// clips it. A click while the screen is hidden or covered is refused; one that comes
// too soon after the screen appeared does nothing.
const MIN_VISIBLE_MS = 600;

type ClickVerdict = "accept" | "too_soon" | "obscured";
/** What the guard knows: not yet reported, hidden or covered, or fully visible. */
export type Visibility = "unknown" | "hidden" | "visible";

export interface ConsentGuard {
  verdict(now: number): ClickVerdict;
  stop(): void;
}

/** Browsers without IntersectionObserver v2 cannot prove visibility: there the guard only waits MIN_VISIBLE_MS, and an embedded frame takes consent in a window of its own (helper-window.ts). */
export const canProveVisibility = typeof IntersectionObserverEntry !== "undefined" && "isVisible" in IntersectionObserverEntry.prototype;

export function guardConsent(targets: Element[], onChange: (visibility: Visibility, ready: boolean) => void): ConsentGuard {
  const shownAt = performance.now();
  const visible = new Map<Element, boolean>();
  let since: number | null = canProveVisibility ? null : shownAt;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const state = (): Visibility => (!canProveVisibility ? "visible" : visible.size < targets.length ? "unknown" : targets.every((t) => visible.get(t)) ? "visible" : "hidden");
  const ready = (now: number) => since !== null && now - since >= MIN_VISIBLE_MS;
  const report = () => {
    clearTimeout(timer);
    const now = performance.now();
    onChange(state(), ready(now));
    if (since !== null && !ready(now)) timer = setTimeout(report, MIN_VISIBLE_MS - (now - since));
  };

  const observer = canProveVisibility
    ? new IntersectionObserver(
        (entries) => {
          for (const entry of entries) visible.set(entry.target, entry.isVisible && entry.intersectionRatio >= 0.999);
          since = state() === "visible" ? (since ?? entries.at(-1)!.time) : null;
          report();
        },
        { trackVisibility: true, delay: 100, threshold: [1] },
      )
    : undefined;
  for (const target of targets) observer?.observe(target);
  report();

  return {
    verdict(now) {
      const visibility = state();
      if (visibility === "hidden") return "obscured";
      return visibility === "visible" && ready(now) ? "accept" : "too_soon";
    },
    stop() {
      observer?.disconnect();
      clearTimeout(timer);
    },
  };
}
