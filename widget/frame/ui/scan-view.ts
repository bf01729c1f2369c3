// <facesign-scan>: the camera screen. A mirrored live preview, an oval guide that
// turns green when the face is placed well, the current challenge step as the enclave
// reveals it (icon, text, progress), and every instruction also announced through an
// aria-live region.
import { LitElement, css, html, nothing, svg } from "lit";
import type { ChallengeStep, Guidance } from "../capture-types";
import { LIGHT_COLOURS, type LightColour } from "../../../contracts/frame-service";
import { BACK_TO_REST, GUIDANCE_TEXT, LIGHT_TEXT, STEP_TEXT } from "./copy";
import { STEP_ICON } from "./step-icon";

export type ScanPhase = "starting" | "guiding" | "challenge" | "analysing";

export class ScanView extends LitElement {
  static override properties = {
    phase: { reflect: true },
    guidance: { reflect: true },
    step: { reflect: true },
    light: { reflect: true },
    stepCount: { type: Number, attribute: "step-count", reflect: true },
    stepIndex: { type: Number, attribute: "step-index", reflect: true },
    progress: { type: Number },
  };

  static override styles = css`
    :host {
      transition: background-color 80ms linear;
      display: grid;
      grid-template-rows: auto 1fr auto;
      gap: 12px;
      height: 100%;
      padding: 16px;
      box-sizing: border-box;
      color: var(--fg);
    }
    .stage {
      position: relative;
      border-radius: 20px;
      overflow: hidden;
      background: #000;
      aspect-ratio: 3 / 4;
      max-height: 100%;
      justify-self: center;
      width: min(100%, 420px);
    }
    video {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      object-fit: cover;
      transform: scaleX(-1);
    }
    svg.guide {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    .oval {
      fill: none;
      stroke: #fff;
      stroke-width: 4;
      stroke-dasharray: 10 8;
      transition: stroke 0.2s;
    }
    :host([guidance="ok"]) .oval,
    :host([phase="challenge"]) .oval {
      stroke: #1fbf6b;
      stroke-dasharray: none;
    }
    .instruction {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: 12px;
      min-height: 56px;
      padding: 0 40px;
      font-size: 1.15rem;
      font-weight: 600;
      text-align: center;
    }
    .instruction svg {
      width: 44px;
      height: 44px;
      flex: none;
      color: var(--accent);
    }
    .steps {
      display: flex;
      gap: 6px;
      justify-content: center;
    }
    .steps span {
      width: 28px;
      height: 6px;
      border-radius: 3px;
      background: var(--muted);
      opacity: 0.35;
    }
    .steps span.done {
      background: #1fbf6b;
      opacity: 1;
    }
    .steps span.current {
      background: var(--accent);
      opacity: 1;
    }
    progress {
      width: 100%;
      height: 8px;
      accent-color: var(--accent);
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    @media (prefers-reduced-motion: reduce) {
      .oval {
        transition: none;
      }
    }
  `;

  phase: ScanPhase = "starting";
  guidance: Guidance = "no_face";
  /** The step the enclave asked for, while it runs; undefined while the face rests. */
  step: ChallengeStep | undefined;
  /** The light challenge's colour on screen now: it fills the window around the oval. */
  light: LightColour | undefined;
  /** The challenge's length, and the steps done. */
  stepCount = 0;
  stepIndex = 0;
  progress = 0;

  /** The element the camera stream plays in (the capture loop reads frames from it). */
  get video(): HTMLVideoElement {
    return this.renderRoot.querySelector("video")!;
  }

  /** What the user should do now, as one sentence. */
  get instruction(): string {
    switch (this.phase) {
      case "starting":
        return "Starting your camera…";
      case "guiding":
        return GUIDANCE_TEXT[this.guidance];
      case "challenge": {
        const step = this.step;
        if (this.light) return LIGHT_TEXT;
        if (step) return this.guidance === "ok" || this.guidance === "hold_still" ? STEP_TEXT[step] : GUIDANCE_TEXT[this.guidance];
        return this.stepIndex > 0 ? BACK_TO_REST : GUIDANCE_TEXT.hold_still;
      }
      case "analysing":
        return "Checking…";
    }
  }

  private get lightColour(): string {
    return this.light ? `rgb(${LIGHT_COLOURS[this.light].join(" ")})` : "";
  }

  /** The whole window takes the colour, not only the stage around the oval. */
  override willUpdate(): void {
    this.style.backgroundColor = this.lightColour;
  }

  override render() {
    const step = this.phase === "challenge" ? this.step : undefined;
    const light = this.lightColour;
    return html`
      <div class="instruction" aria-hidden="true">${step ? svg`<svg viewBox="0 0 48 48">${STEP_ICON[step]}</svg>` : nothing}<span>${this.instruction}</span></div>
      <div class="stage">
        <video muted playsinline autoplay aria-label="Your camera"></video>
        <svg class="guide" viewBox="0 0 300 400" preserveAspectRatio="xMidYMid slice" aria-hidden="true">
          <defs>
            <mask id="m">
              <rect width="300" height="400" fill="#fff" />
              <ellipse cx="150" cy="190" rx="105" ry="140" fill="#000" />
            </mask>
          </defs>
          <rect width="300" height="400" fill=${light || "rgb(0 0 0 / 45%)"} mask="url(#m)" />
          <ellipse class="oval" cx="150" cy="190" rx="105" ry="140" />
        </svg>
      </div>
      <div>
        ${
          this.stepCount
            ? html`<div class="steps" aria-hidden="true">
                ${Array.from(
                  { length: this.stepCount },
                  (_, i) => html`<span class=${i < this.stepIndex || this.phase === "analysing" ? "done" : i === this.stepIndex && this.step ? "current" : ""}></span>`,
                )}
              </div>`
            : nothing
        }
        ${this.phase === "analysing" ? html`<progress max="1" .value=${this.progress} aria-label="Progress"></progress>` : nothing}
      </div>
      <p class="sr" role="status" aria-live="polite">${this.instruction}${this.step && this.phase === "challenge" ? `, step ${this.stepIndex + 1} of ${this.stepCount}` : ""}</p>
    `;
  }
}
