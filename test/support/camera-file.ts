// Turns a real video or photo into a file Chromium plays as its camera (Y4M), with
// Debian's ffmpeg, once per source and segment (cached under .cache/camera/).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";

export interface CameraFileOptions {
  /** Seconds into the source where the segment starts (videos only). */
  start?: number;
  /** Length of the segment, seconds. */
  duration?: number;
  /** Where to write; defaults to the project's .cache/camera. */
  dir?: string;
}

const PHOTO = new Set([".jpg", ".jpeg", ".png", ".webp"]);

export function cameraFile(source: string, { start = 0, duration = 10, dir = ".cache/camera" }: CameraFileOptions = {}): string {
  const src = resolve(source);
  const photo = PHOTO.has(extname(src).toLowerCase());
  const out = resolve(join(dir, `${basename(src, extname(src))}${photo ? "-still" : `-${start}s`}-${duration}s.y4m`));
  if (existsSync(out)) return out;
  mkdirSync(resolve(dir), { recursive: true });
  // 640x480 at 30 fps, padded (never stretched) to the camera's 4:3.
  const vf = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=30,format=yuv420p";
  const input = photo ? ["-loop", "1", "-i", src] : ["-ss", String(start), "-i", src];
  const tmp = `${out}.part.y4m`;
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", ...input, "-t", String(duration), "-vf", vf, "-f", "yuv4mpegpipe", tmp]);
  renameSync(tmp, out);
  return out;
}
