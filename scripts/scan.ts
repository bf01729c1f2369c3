// `npm run scan -- --camera FILE [--profile DIR] [--challenge STEPS|none] [--sign TEXT]
// [--grant-to X25519_PUBLIC_KEY,ED25519_PUBLIC_KEY,CHALLENGE]`: one real face scan through the whole stack, from the
// command line; with --sign, the unlocked account then signs TEXT (EIP-191
// personal_sign, approved in the frame); with --grant-to, the user's credential is
// shared with that consumer (its encryption key, and its grantee key in idOS) through an idOS access grant (approved in the frame). FILE (a video or a photo)
// becomes Chromium's camera; the real host demo and frame run in headless Chromium.
// The stack is started here unless one is already running; --challenge needs a stack
// in test mode (started here in test mode when needed). Last line: one JSON object.
import { resolve } from "node:path";
import type { ReadyResponse } from "../contracts/frame-service";
import { readStackConfig } from "../enclave-service/parent/config";
import { cameraFile } from "../test/support/camera-file";
import { driveScan } from "../test/support/scan-driver";
import { arg } from "./roc";
import { startStack } from "./start";

process.chdir(resolve(import.meta.dirname, ".."));
const camera = arg("--camera", "");
if (!camera) {
  console.error("usage: npm run scan -- --camera FILE [--profile DIR] [--challenge turn_left,blink|none] [--sign TEXT] [--grant-to X25519_PUBLIC_KEY,ED25519_PUBLIC_KEY,CHALLENGE]");
  process.exit(2);
}
const challenge = process.argv.includes("--challenge") ? arg("--challenge", "") : undefined;
const profile = process.argv.includes("--profile") ? resolve(arg("--profile", "")) : undefined;
const sign = process.argv.includes("--sign") ? arg("--sign", "") : undefined;
const grantKeys = process.argv.includes("--grant-to") ? arg("--grant-to", "").split(",") : undefined;
if (grantKeys && grantKeys.length !== 3) {
  console.error("--grant-to takes the consumer's two public keys and its challenge: X25519,ED25519,CHALLENGE (base64url)");
  process.exit(2);
}
const grantTo = grantKeys && { encryption: grantKeys[0]!, auth: grantKeys[1]!, challenge: grantKeys[2]! };

const env = { ...process.env, ...(challenge !== undefined ? { FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: challenge } : {}) };
const config = readStackConfig(env);
const running = await fetch(`${config.widgetOrigin}/readyz`).then(
  (r) => r.json() as Promise<ReadyResponse>,
  () => null,
);
let stop = async () => {};
if (running) {
  const want = config.testChallenge?.join(",") ?? null;
  const have = running.testChallenge?.join(",") ?? null;
  if (want !== have) {
    console.error(`The stack running at ${config.widgetOrigin} has challenge ${have ?? "random (production)"}, not ${want ?? "random"}: stop it or drop --challenge.`);
    process.exit(2);
  }
} else {
  process.env.FACESIGN_LOG ??= "silent";
  const stack = await startStack(config);
  stop = () => stack.stop();
}
try {
  const outcome = await driveScan({
    hostDemoOrigin: config.hostDemoOrigin,
    camera: cameraFile(resolve(camera), { duration: 12 }),
    ...(profile ? { profileDir: profile } : {}),
    ...(sign !== undefined ? { sign } : {}),
    ...(grantTo !== undefined ? { grantTo } : {}),
  });
  console.log(JSON.stringify(outcome));
} finally {
  await stop();
}
