// Widget benchmarks: loader size (minified, gzipped) and click → hello() resolved
// across the two origins in headless Chromium, median of 20. Last line: JSON.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../test/support/browser";
import { startTestStack } from "../test/support/stack";
import { median } from "./stats";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 20;
const loader = readFileSync("dist/facesign.js");
const gz = gzipSync(loader, { level: 9 }).length;

const stack = await startTestStack();
const browser = await launchChromium();
const times: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    // A fresh context each time: no cache, no warm frame, as a first visit.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    await page.waitForFunction(() => customElements.get("facesign-button") !== undefined);
    const ms = await page.evaluate(async () => {
      const button = document.querySelector("facesign-button")!;
      const done = new Promise((r) => button.addEventListener("facesign:connected", r, { once: true }));
      const t0 = performance.now();
      button.shadowRoot!.querySelector("button")!.click();
      await done;
      return performance.now() - t0;
    });
    times.push(ms);
    await context.close();
  }
} finally {
  await browser.close();
  await stack.stop();
}
const result = { loaderBytes: loader.length, loaderGzipBytes: gz, clickToHelloMedianMs: Math.round(median(times) * 10) / 10, runs };
console.log(`loader: ${(loader.length / 1024).toFixed(1)} KiB minified, ${(gz / 1024).toFixed(1)} KiB gzipped (goal ≤ 12 KiB)`);
console.log(`click → hello() across two origins: median ${result.clickToHelloMedianMs} ms over ${runs} runs (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`);
console.log(JSON.stringify(result));
