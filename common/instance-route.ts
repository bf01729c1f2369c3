// Where a session or a hand-off lives when several instances serve one API: the first
// base64url character of its id names the instance that opened it (its top six bits),
// so any load balancer that matches a path prefix (HAProxy's path_beg, an ALB path rule,
// nginx's location) sends every later request to that instance. The other 122 bits stay
// random.
import { toBase64url } from "./base64url";

/** Instances one API can route to: one per base64url character. */
export const MAX_INSTANCES = 64;

/** Marks a freshly drawn random id as opened by `instance` (in place). */
export function routedId(id: Uint8Array, instance: number): Uint8Array {
  id[0] = (instance << 2) | (id[0]! & 0b11);
  return id;
}

/** The first character of every id `instance` opens: what a load balancer matches. */
export const routePrefix = (instance: number): string => toBase64url(Uint8Array.of(instance << 2)).charAt(0);
