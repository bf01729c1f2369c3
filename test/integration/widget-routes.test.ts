// The widget origin's HTTP surface: headers that keep the frame where it belongs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readRelease } from "../../enclave-service/parent/release-manifest";
import { startTestStack, type TestStack } from "../support/stack";

describe("widget origin headers", () => {
  let stack: TestStack;
  before(async () => (stack = await startTestStack({ FACESIGN_PARTNER_ORIGINS: "http://localhost:1111,https://partner.example" })));
  after(() => stack.stop());

  it("serves the frame with a strict CSP naming only the partners as ancestors", async () => {
    const res = await fetch(`${stack.config.widgetOrigin}/frame/`);
    assert.equal(res.status, 200);
    const csp = res.headers.get("content-security-policy")!;
    assert.match(csp, /frame-ancestors http:\/\/localhost:1111 https:\/\/partner\.example(;|$)/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    // Its own origin and the user's idOS node: nothing else.
    assert.equal(/connect-src ([^;]*)/.exec(csp)?.[1], `'self' ${stack.config.idosOrigin}`);
    assert.match(csp, /default-src 'none'/);
    assert.equal(res.headers.get("permissions-policy"), "camera=(self), publickey-credentials-get=(self), publickey-credentials-create=(self)");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const html = await res.text();
    assert.doesNotMatch(html, /<script>(?!<)/, "no inline script");
    assert.match(html, /partnerOrigins&quot;:\[&quot;http:\/\/localhost:1111&quot;,&quot;https:\/\/partner\.example&quot;\]/);
    const js = await fetch(`${stack.config.widgetOrigin}/frame/frame.js`);
    assert.equal(js.headers.get("content-security-policy"), csp);
  });

  it("serves the loader to any site, and answers the partner check by Origin", async () => {
    const loader = await fetch(`${stack.config.widgetOrigin}/facesign.js`);
    assert.equal(loader.headers.get("access-control-allow-origin"), "*");
    assert.match(loader.headers.get("content-type")!, /javascript/);
    assert.equal(loader.headers.get("cache-control"), "no-cache");
    const check = async (origin: string) => (await (await fetch(`${stack.config.widgetOrigin}/v1/embed-check`, { headers: { origin } })).json()).allowed;
    assert.equal(await check("https://partner.example"), true);
    assert.equal(await check("https://evil.example"), false);
  });

  it("serves the loader under its versioned, immutable name, whose SRI hash is the build's", async () => {
    const release = readRelease(stack.config.distDir).loader;
    assert.match(release.path, /^\/v1\/facesign-[0-9a-f]{16}\.js$/);
    const pinned = await fetch(`${stack.config.widgetOrigin}${release.path}`);
    assert.equal(pinned.status, 200);
    assert.equal(pinned.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(pinned.headers.get("access-control-allow-origin"), "*");
    const body = Buffer.from(await pinned.arrayBuffer());
    assert.equal(`sha384-${createHash("sha384").update(body).digest("base64")}`, release.integrity);
    assert.equal((await fetch(`${stack.config.widgetOrigin}/v1/facesign-0000000000000000.js`)).status, 404);
  });

  it("host demo admits exactly the widget origin for scripts, frames and API calls", async () => {
    const res = await fetch(`${stack.config.hostDemoOrigin}/`);
    const csp = res.headers.get("content-security-policy")!;
    const w = stack.config.widgetOrigin;
    assert.match(csp, new RegExp(`script-src 'self' ${w}(;|$)`));
    assert.match(csp, new RegExp(`frame-src ${w}(;|$)`));
    assert.match(csp, new RegExp(`connect-src 'self' ${w}(;|$)`));
  });
});
