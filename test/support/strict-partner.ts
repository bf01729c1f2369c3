// A stack with a second partner: the host demo served again, on its own origin, with a
// Permissions-Policy header that withholds a feature from every frame it embeds (the
// camera, or passkey creation), as a real partner's page may.
import express from "express";
import { createHostDemoApp } from "../../host-demo/server";
import { listen } from "../../enclave-service/parent/server";
import { freePort } from "./ports";
import { startTestStack, type TestStack } from "./stack";

export interface StrictPartner {
  origin: string;
  stop: () => void;
}

export async function stackWithStrictPartner(policy: string, env: Record<string, string> = {}): Promise<{ stack: TestStack; strictPartner: StrictPartner }> {
  const [demoPort, strictPort] = [await freePort("127.0.0.1"), await freePort("127.0.0.1")];
  const origin = `http://127.0.0.1:${strictPort}`;
  const stack = await startTestStack({ ...env, FACESIGN_HOST_DEMO_PORT: String(demoPort), FACESIGN_PARTNER_ORIGINS: `http://127.0.0.1:${demoPort},${origin}` });
  const strict = express();
  strict.use((_req, res, next) => {
    res.setHeader("Permissions-Policy", policy);
    next();
  });
  strict.use(createHostDemoApp(stack.config));
  const { server } = await listen(strict, "127.0.0.1", strictPort);
  return { stack, strictPartner: { origin, stop: () => server.close() } };
}
