// The light challenge on the enclave's own analysis of real frames, streamed at the
// frame's 10 a second while the colours show. Person A at rest, with the face tinted
// along the colours from the moment the frame would show them (a stand-in for a screen's
// light on a real face: test/support/tinted-frames.ts says what that proves and what it
// cannot), passes; the same tint at the wrong times, A untinted, a phone replaying
// person D and a photo of A filmed by a camera are each refused as light_not_reflected.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import sharp from "sharp";
import type { LightSpan, Pace } from "../../contracts/frame-service";
import { FaceEngine, type FaceAnalysis } from "../../enclave-service/enclave/face/engine";
import { readFaceModels } from "../../enclave-service/parent/model-files";
import { LiveChallenge, type Refusal } from "../../enclave-service/enclave/liveness";
import { videoFrames } from "../support/video-frames";
import { colourAt, tintFace } from "../support/tinted-frames";

const GAP = 100;
const STEP_MS = 15_000;
/** A fixed sequence, as test mode fixes it: every colour, lengths from 350 to 600 ms. */
const COLOURS: LightSpan[] = [
  { colour: "red", ms: 450 },
  { colour: "cyan", ms: 400 },
  { colour: "yellow", ms: 550 },
  { colour: "blue", ms: 350 },
  { colour: "green", ms: 600 },
  { colour: "magenta", ms: 500 },
];
/** From the enclave's answer to the colour on the face: network, screen and camera. */
const DELAY = 250;

/**
 * Streams frames one per batch (arriving 60 ms after capture, answered 35 ms later), each
 * made by `frame(i, msSinceColours)` once the colours are revealed; the last answer.
 */
async function stream(live: LiveChallenge, count: number, frame: (i: number, sinceColours: number | undefined) => Promise<FaceAnalysis | undefined>): Promise<Pace | Refusal> {
  let revealed: number | undefined;
  let answer: Pace | Refusal | undefined;
  for (let i = 0; i < count; i++) {
    const t = 1_800_000_000_000 + i * GAP;
    const capturedAt = 10_000 + i * GAP;
    const face = await frame(i, revealed === undefined ? undefined : capturedAt - revealed);
    const refusal = live.receive([t], capturedAt + 60) ?? live.feed(face ? { t, face } : { t, missing: "no_face" });
    if (refusal) return refusal;
    answer = live.pace(capturedAt + 95);
    if ("reason" in answer || answer.stage === "done") return answer;
    if (answer.stage === "light") revealed ??= capturedAt + 95;
  }
  return answer!;
}

describe("light challenge on a streamed camera", () => {
  let engine: FaceEngine;
  /** cap12_edit from 12.5 s at 10 a second: A faces the camera, at rest, for 7 s. */
  let images: Uint8Array[];
  let personA: FaceAnalysis[];
  const analyse = (image: Uint8Array) => engine.analyze(image, { passive: false });
  before(async () => {
    engine = await FaceEngine.create(readFaceModels());
    images = videoFrames("cap12_edit", 12.5, 60, 1000 / GAP);
    personA = [];
    for (const image of images) personA.push(await analyse(image));
  });

  /** A's frames, the face tinted by the colour on screen `delay` ms before each was taken, along `shown`. */
  const tinted =
    (shown: readonly LightSpan[], delay = DELAY) =>
    async (i: number, since: number | undefined) => {
      const colour = since === undefined ? undefined : colourAt(shown, since - delay);
      return colour ? analyse(await tintFace(images[i]!, personA[i]!.box, colour)) : personA[i]!;
    };

  it("passes A's face lit by the colours in order and time, then runs the steps", async () => {
    const live = new LiveChallenge([], STEP_MS, COLOURS);
    assert.deepEqual(await stream(live, 60, tinted(COLOURS)), { stage: "done", done: 0, of: 0 });
    // The colours are revealed with the enclave's first answer, while the resting face is taken, and the steps wait for them.
    const paced = new LiveChallenge(["turn_right"], STEP_MS, COLOURS);
    const stages: string[] = [];
    await stream(paced, 60, async (i, since) => {
      const face = await tinted(COLOURS)(i, since);
      const pace = paced.pace(10_000 + i * GAP);
      if (!("reason" in pace) && stages.at(-1) !== pace.stage) stages.push(pace.stage);
      return face;
    });
    assert.deepEqual(stages, ["light", "step"]);
  });

  it("refuses the same light at the wrong times: another order, or too late", async () => {
    const shuffled = [COLOURS[3]!, COLOURS[0]!, COLOURS[5]!, COLOURS[1]!, COLOURS[4]!, COLOURS[2]!];
    assert.deepEqual(await stream(new LiveChallenge([], STEP_MS, COLOURS), 60, tinted(shuffled)), { reason: "light_not_reflected" });
    // A replay that follows the colours 1.5 s late: outside the enclave's window.
    assert.deepEqual(await stream(new LiveChallenge([], STEP_MS, COLOURS), 60, tinted(COLOURS, 1500)), { reason: "light_not_reflected" });
  });

  it("refuses A's real, untinted face: no screen lit it", async () => {
    assert.deepEqual(await stream(new LiveChallenge([], STEP_MS, COLOURS), 60, async (i) => personA[i]!), { reason: "light_not_reflected" });
  });

  it("refuses a phone replaying person C, and a photo of A filmed by a camera", async () => {
    const replay = "../shared/data/spoof/apfol-screen-replay.webm";
    assert.ok(existsSync(replay), `${replay} is missing: this test needs ../shared/data beside the checkout`);
    // Past the replay's first seconds, which show the live face too.
    // The replay's face is small and sometimes lost, as a live one at the back of a room would be.
    const phone: (FaceAnalysis | undefined)[] = [];
    for (const jpeg of videoFrames("apfol-screen-replay", 3, 60, 1000 / GAP, replay)) phone.push(await analyse(jpeg).catch(() => undefined));
    assert.deepEqual(await stream(new LiveChallenge([], STEP_MS, COLOURS), phone.length, async (i) => phone[i]!), { reason: "light_not_reflected" });
    // A photo of A, as a camera films it: sensor noise in every frame, so no frame repeats.
    const photo = images[0]!;
    const filmed = async (i: number) => {
      const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
      let seed = i + 1;
      for (let k = 0; k < data.length; k++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        data[k] = Math.max(0, Math.min(255, data[k]! + ((seed >> 16) % 7) - 3));
      }
      return analyse(new Uint8Array(await sharp(data, { raw: info }).jpeg({ quality: 90 }).toBuffer()));
    };
    assert.deepEqual(await stream(new LiveChallenge([], STEP_MS, COLOURS), 60, filmed), { reason: "light_not_reflected" });
  });
});
