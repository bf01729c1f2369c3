// A pictogram for each challenge step: users look before they read.
import { svg, type SVGTemplateResult } from "lit";
import type { ChallengeStep } from "../capture-types";

const head = svg`<ellipse cx="24" cy="24" rx="11" ry="14" fill="none" stroke="currentColor" stroke-width="3"/>`;
const arrow = (d: string) => svg`<path d=${d} fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>`;

export const STEP_ICON: Record<ChallengeStep, SVGTemplateResult> = {
  turn_left: svg`${head}${arrow("M10 24H2m4-4-4 4 4 4")}`,
  turn_right: svg`${head}${arrow("M38 24h8m-4-4 4 4-4 4")}`,
  look_up: svg`${head}${arrow("M24 8V1m-4 4 4-4 4 4")}`,
  look_down: svg`${head}${arrow("M24 40v7m-4-4 4 4 4-4")}`,
  blink: svg`${arrow("M8 24c8-9 24-9 32 0")}${arrow("M8 24c8 7 24 7 32 0")}${arrow("M14 32l-3 4m11-2v5m8-5 3 4")}`,
  move_closer: svg`${head}${arrow("M4 4l8 8m0-6v6H6M44 4l-8 8m0-6v6h6M4 44l8-8m0 6v-6H6m38 8-8-8m0 6v-6h6")}`,
};
