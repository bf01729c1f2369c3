// LFW people (../shared/data/lfw-dev) as the frames of a scan in a test challenge without
// steps: a person's first photo and a re-encoded copy of it. Two distinct pictures,
// because a camera never delivers the same one twice and the enclave refuses a repeat.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";

export const LFW = "../shared/data/lfw-dev/images";

let people: string[] | undefined;

/** Person `i` of LFW (in name order): their first photo, and that photo re-encoded. */
export async function lfwFrames(i: number): Promise<Uint8Array[]> {
  assert.ok(existsSync(LFW), `${LFW} is missing: this needs ../shared/data beside the checkout`);
  people ??= readdirSync(LFW).sort();
  const dir = join(LFW, people[i]!);
  const photo = new Uint8Array(readFileSync(join(dir, readdirSync(dir).sort()[0]!)));
  return [photo, new Uint8Array(await sharp(photo).jpeg({ quality: 80 }).toBuffer())];
}
