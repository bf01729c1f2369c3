// IntersectionObserver v2 (https://w3c.github.io/IntersectionObserver/v2/), which
// Chromium ships and TypeScript's DOM library does not yet declare.
interface IntersectionObserverInit {
  trackVisibility?: boolean;
  delay?: number;
}
interface IntersectionObserverEntry {
  readonly isVisible: boolean;
}
