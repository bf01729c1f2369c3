// An enclave restart through the real parent: the parent streams the stored sealed
// templates to the new enclave in batches, the enclave keeps only its index, and a
// returning user is found by reading their sealed record back from the store. Real
// faces (frames of the npm videos), sent boxed as the frame sends them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiScan } from "../support/enclave-box";
import { startTestStack } from "../support/stack";
import { videoFrames } from "../support/video-frames";

describe("enclave restart", () => {
  it("a restarted enclave gets the stored templates from the parent and finds a returning user through the store; a tampered store stops the boot with a typed error", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "facesign-restart-"));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none", FACESIGN_DATA_DIR: dataDir };

    const first = await startTestStack(env);
    const a = await apiScan(first.config.widgetOrigin, videoFrames("cap12_edit", 2, 2));
    const b = await apiScan(first.config.widgetOrigin, videoFrames("franck", 3, 2));
    await first.stop();
    assert.deepEqual([a.status, b.status], ["new", "new"]);

    const second = await startTestStack(env);
    try {
      assert.equal(second.enclave.enrolled, 2);
      const again = await apiScan(second.config.widgetOrigin, videoFrames("cap13_edit2", 2, 2));
      assert.deepEqual([again.status, again.userId, again.entropy], ["known", a.userId, a.entropy]);
    } finally {
      await second.stop();
    }

    // The parent's disk flips a bit in B's sealed record: the enclave refuses it at boot.
    const db = new Database(join(dataDir, "templates.sqlite"));
    const row = db.prepare("SELECT rowid AS id, sealed FROM templates ORDER BY rowid LIMIT 1 OFFSET 1").get() as { id: number; sealed: Buffer };
    row.sealed[40]! ^= 1;
    db.prepare("UPDATE templates SET sealed = ? WHERE rowid = ?").run(row.sealed, row.id);
    db.close();
    await assert.rejects(startTestStack(env), { code: "template_invalid" });
  });
});
