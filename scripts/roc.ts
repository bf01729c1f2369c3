// ROC helpers shared by the accuracy and anti-spoof benchmarks.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export interface RocPoint {
  threshold: number;
  far: number;
  tar: number;
}

/** Positives should score high, negatives low. */
export function rocReport(positives: number[], negatives: number[]) {
  const thresholds = [...new Set([...positives, ...negatives])].sort((a, b) => b - a);
  const points: RocPoint[] = thresholds.map((t) => ({ threshold: t, far: negatives.filter((s) => s >= t).length / negatives.length, tar: positives.filter((s) => s >= t).length / positives.length }));
  const tarAt = (far: number) => Math.max(0, ...points.filter((p) => p.far <= far).map((p) => p.tar));
  let eer = 1;
  for (const p of points) eer = Math.min(eer, Math.max(p.far, 1 - p.tar));
  return { points, tarAt, eer, positives: positives.length, negatives: negatives.length };
}

export function writeRocSvg(path: string, points: RocPoint[], title: string): void {
  const W = 420;
  const H = 420;
  const x = (far: number) => 50 + (Math.log10(Math.max(far, 1e-4)) + 4) * ((W - 70) / 4);
  const y = (tar: number) => H - 40 - tar * (H - 80);
  const path_ = points.map((p, i) => `${i ? "L" : "M"}${x(p.far).toFixed(1)},${y(p.tar).toFixed(1)}`).join("");
  const ticks = [1e-4, 1e-3, 1e-2, 1e-1, 1].map((f) => `<text x="${x(f)}" y="${H - 20}" font-size="11" text-anchor="middle">${f}</text>`).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="${W / 2}" y="20" font-size="13" text-anchor="middle">${title}</text><path d="${path_}" fill="none" stroke="#3552ff" stroke-width="2"/><line x1="50" y1="${H - 40}" x2="${W - 20}" y2="${H - 40}" stroke="#000"/><line x1="50" y1="40" x2="50" y2="${H - 40}" stroke="#000"/>${ticks}<text x="${W / 2}" y="${H - 4}" font-size="11" text-anchor="middle">false accept rate (log)</text><text x="14" y="${H / 2}" font-size="11" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">true accept rate</text></svg>`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
}
