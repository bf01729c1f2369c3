// Configuration of the local stack, from environment variables with development defaults.
import { join, resolve } from "node:path";
import { CHALLENGE_STEPS, LIGHT_COLOURS, type ChallengeStep, type LightColour, type LightSpan } from "../../contracts/frame-service";
import { MAX_INSTANCES } from "../../common/instance-route";
import type { RateLimit, RateLimits } from "./rate-limit";

export interface StackConfig {
  /** Where the widget origin listens, and the origin browsers see for it. */
  widgetHost: string;
  widgetPort: number;
  widgetOrigin: string;
  /** Where the host demo listens, and its origin: a different site from the widget's. */
  hostDemoHost: string;
  hostDemoPort: number;
  hostDemoOrigin: string;
  /** The local idOS-compatible node (its own origin, like the real idOS). */
  idosHost: string;
  idosPort: number;
  idosOrigin: string;
  /** Origins allowed to embed the frame (CSP frame-ancestors and the frame's own check). */
  partnerOrigins: string[];
  /** Built assets (esbuild output). */
  distDir: string;
  /** Where the parent keeps its state (store, dev KMS key). */
  dataDir: string;
  /**
   * The dev attestation CA (the stand-in for AWS's, made by the build, which pins its
   * root in the frame). Its own file, outside dataDir and distDir; unused by a real Nitro parent.
   */
  devCaFile: string;
  /** postgres://… to keep templates in PostgreSQL instead of SQLite under dataDir (required for several instances). */
  databaseUrl?: string;
  /**
   * This instance's number (0–63) among those serving one API: the first character of
   * every session and hand-off id it opens, which a load balancer routes on.
   */
  instance: number;
  /** The ONNX models fetched from npm (scripts/fetch-models.mjs). */
  modelsDir: string;
  /** The built enclave core, run in a worker thread (scan-shard.js beside it); see measurement.ts for what PCR0 covers. */
  enclaveBundle: string;
  sessionTtlMs: number;
  maxSessions: number;
  /** How long the user has for each challenge step in the frame. */
  stepTimeoutMs: number;
  /** After a face scan, how long signatures need only the user's approval before the wallet locks. */
  signWindowMs: number;
  /** How long a phone hand-off waits for its phone and its answer. */
  handoffTtlMs: number;
  /** Token buckets: per client address (sessions, scans, hand-offs), and for all clients together (sessions, scans). */
  rateLimits: RateLimits;
  /** Behind a proxy: express's "trust proxy" setting, so the client address is the one the proxy saw. */
  trustProxy: string | false;
  /** FACESIGN_TEST_MODE=1 with FACESIGN_TEST_CHALLENGE="turn_left,blink" (or "none"): a fixed challenge, for recorded videos. */
  testChallenge?: ChallengeStep[];
  /** With it, FACESIGN_TEST_LIGHT="red:400,green:400" (colour:ms): the light challenge's fixed colours; none when unset. */
  testLight?: LightSpan[];
}

function parseTestLight(env: NodeJS.ProcessEnv): LightSpan[] | undefined {
  const spec = env.FACESIGN_TEST_LIGHT;
  if (spec === undefined || spec === "none") return undefined;
  if (env.FACESIGN_TEST_CHALLENGE === undefined) throw new Error("FACESIGN_TEST_LIGHT needs FACESIGN_TEST_CHALLENGE");
  return spec.split(",").map((item) => {
    const [colour = "", ms = ""] = item.trim().split(":");
    if (!(colour in LIGHT_COLOURS) || !/^\d+$/.test(ms)) throw new Error(`FACESIGN_TEST_LIGHT: "${item}" is not colour:ms (colours: ${Object.keys(LIGHT_COLOURS).join(", ")})`);
    return { colour: colour as LightColour, ms: Number(ms) };
  });
}

function parseTestChallenge(env: NodeJS.ProcessEnv): ChallengeStep[] | undefined {
  const spec = env.FACESIGN_TEST_CHALLENGE;
  if (spec === undefined) return undefined;
  if (env.FACESIGN_TEST_MODE !== "1") throw new Error("FACESIGN_TEST_CHALLENGE needs FACESIGN_TEST_MODE=1");
  if (spec === "none") return [];
  const steps = spec.split(",").map((s) => s.trim());
  const unknown = steps.filter((s) => !(CHALLENGE_STEPS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`Unknown challenge steps: ${unknown.join(", ")} (known: ${CHALLENGE_STEPS.join(", ")})`);
  return steps as ChallengeStep[];
}

const origin = (value: string): string => new URL(value).origin;
function parseInstance(value = "0"): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n >= MAX_INSTANCES) throw new Error(`FACESIGN_INSTANCE must be 0 to ${MAX_INSTANCES - 1}, not ${value}`);
  return n;
}
/** `n` a minute, all at once if need be. */
const perMinute = (value: string | undefined, fallback: number): RateLimit => {
  const n = Number(value || fallback);
  return { burst: n, refillMs: 60_000 / n };
};
/** `n` a second, with two seconds' worth at once. */
const perSecond = (value: string | undefined, fallback: number): RateLimit => {
  const n = Number(value || fallback);
  return { burst: 2 * n, refillMs: 1000 / n };
};

export function readStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const widgetHost = env.FACESIGN_WIDGET_HOST ?? "127.0.0.1";
  const widgetPort = Number(env.FACESIGN_WIDGET_PORT ?? 8787);
  const hostDemoHost = env.FACESIGN_HOST_DEMO_HOST ?? "127.0.0.1";
  const hostDemoPort = Number(env.FACESIGN_HOST_DEMO_PORT ?? 8080);
  // A passkey's relying party must be a domain, not an IP address: locally the widget is
  // http://localhost (served on the loopback address), the partner http://127.0.0.1, another site.
  const widgetOrigin = origin(env.FACESIGN_WIDGET_ORIGIN ?? `http://localhost:${widgetPort}`);
  const hostDemoOrigin = origin(env.FACESIGN_HOST_DEMO_ORIGIN ?? `http://${hostDemoHost}:${hostDemoPort}`);
  const idosHost = env.FACESIGN_IDOS_HOST ?? "127.0.0.1";
  const idosPort = Number(env.FACESIGN_IDOS_PORT ?? 8790);
  const idosOrigin = origin(env.FACESIGN_IDOS_ORIGIN ?? `http://${idosHost}:${idosPort}`);
  const testChallenge = parseTestChallenge(env);
  const testLight = parseTestLight(env);
  const partnerOrigins = (env.FACESIGN_PARTNER_ORIGINS ?? hostDemoOrigin).split(",").map((s) => origin(s.trim()));
  return {
    widgetHost,
    widgetPort,
    widgetOrigin,
    hostDemoHost,
    hostDemoPort,
    hostDemoOrigin,
    idosHost,
    idosPort,
    idosOrigin,
    partnerOrigins,
    distDir: resolve(env.FACESIGN_DIST_DIR ?? "dist"),
    dataDir: resolve(env.FACESIGN_DATA_DIR ?? ".data"),
    devCaFile: resolve(env.FACESIGN_DEV_CA ?? ".dev-ca/ca.json"),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    instance: parseInstance(env.FACESIGN_INSTANCE),
    modelsDir: resolve(env.FACESIGN_MODELS_DIR ?? "models"),
    enclaveBundle: resolve(env.FACESIGN_ENCLAVE_BUNDLE ?? join(env.FACESIGN_DIST_DIR ?? "dist", "service", "enclave.js")),
    sessionTtlMs: Number(env.FACESIGN_SESSION_TTL_MS ?? 10 * 60_000),
    maxSessions: Number(env.FACESIGN_MAX_SESSIONS ?? 10_000),
    stepTimeoutMs: Number(env.FACESIGN_STEP_TIMEOUT_MS ?? 15_000),
    signWindowMs: Number(env.FACESIGN_SIGN_WINDOW_MS ?? 5 * 60_000),
    handoffTtlMs: Number(env.FACESIGN_HANDOFF_TTL_MS ?? 5 * 60_000),
    rateLimits: {
      sessions: perMinute(env.FACESIGN_SESSIONS_PER_MINUTE, 20),
      scans: perMinute(env.FACESIGN_SCANS_PER_MINUTE, 10),
      handoffs: perMinute(env.FACESIGN_HANDOFFS_PER_MINUTE, 10),
      allSessions: perSecond(env.FACESIGN_ALL_SESSIONS_PER_SECOND, 100),
      allScans: perSecond(env.FACESIGN_ALL_SCANS_PER_SECOND, 10),
    },
    trustProxy: env.FACESIGN_TRUST_PROXY ?? false,
    ...(testChallenge ? { testChallenge } : {}),
    ...(testLight ? { testLight } : {}),
  };
}
