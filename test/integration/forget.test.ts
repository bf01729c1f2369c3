// "Delete my face data" through the real parent and enclave, on both stores: a `forget`
// scan of an enrolled user deletes their sealed record from the store and their row
// from the index, gives their entropy back this last time, and their face is new again,
// also after a restart; a `forget` scan of nobody deletes nothing. Real faces, boxed as
// the frame sends them (the flag is inside the box: the parent cannot add or drop it).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openPostgresStore, openSqliteStore } from "../../enclave-service/parent/store/template-store";
import { startPostgres, type LocalPostgres } from "../../scripts/postgres";
import { apiScan } from "../support/enclave-box";
import { startTestStack } from "../support/stack";
import { videoFrames } from "../support/video-frames";

const forget = { signIn: () => ({ forget: true }) };

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`delete my face data (${backend})`, () => {
    let pgServer: LocalPostgres | undefined;
    after(() => pgServer?.stop());

    it("deletes the record and the index row; the face is new again, also after a restart", async (t) => {
      const dataDir = mkdtempSync(join(tmpdir(), "facesign-forget-"));
      t.after(() => rmSync(dataDir, { recursive: true, force: true }));
      let databaseUrl: string | undefined;
      if (backend === "postgres") {
        pgServer = await startPostgres();
        const admin = new pg.Client({ connectionString: pgServer.url });
        await admin.connect();
        await admin.query("CREATE DATABASE forget_test");
        await admin.end();
        databaseUrl = pgServer.url.replace(/\/postgres$/, "/forget_test");
      }
      const env = { FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none", FACESIGN_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
      const stored = async () => {
        const store = databaseUrl ? await openPostgresStore(databaseUrl) : openSqliteStore(join(dataDir, "templates.sqlite"));
        try {
          return (await store.all()).length;
        } finally {
          await store.close();
        }
      };

      const first = await startTestStack(env);
      let again;
      try {
        const a = await apiScan(first.config.widgetOrigin, videoFrames("cap12_edit", 2, 2));
        const b = await apiScan(first.config.widgetOrigin, videoFrames("franck", 3, 2));
        assert.deepEqual([a.status, b.status], ["new", "new"]);
        assert.equal(await stored(), 2);
        // B deletes their face data; a second request finds nobody to delete.
        const bGone = await apiScan(first.config.widgetOrigin, videoFrames("franck", 3, 2), forget);
        assert.deepEqual([bGone.status, bGone.userId], ["forgotten", b.userId]);
        assert.equal(await stored(), 1);
        assert.equal((await apiScan(first.config.widgetOrigin, videoFrames("franck", 3, 2), forget)).status, "not_found");
        // A on another video: deleted, their entropy given back this last time.
        const gone = await apiScan(first.config.widgetOrigin, videoFrames("cap13_edit2", 2, 2), forget);
        assert.deepEqual([gone.status, gone.userId, gone.entropy], ["forgotten", a.userId, a.entropy]);
        assert.equal(await stored(), 0);
        again = await apiScan(first.config.widgetOrigin, videoFrames("cap12_edit", 2, 2), { confirm: false });
        assert.equal(again.status, "confirm_new");
      } finally {
        await first.stop();
      }
      // The restarted enclave reads the store: neither deleted user comes back.
      const second = await startTestStack(env);
      try {
        assert.equal(second.enclave.enrolled, 0);
        assert.equal((await apiScan(second.config.widgetOrigin, videoFrames("cap13_edit2", 2, 2), { confirm: false })).status, "confirm_new");
      } finally {
        await second.stop();
      }
    });
  });
}
