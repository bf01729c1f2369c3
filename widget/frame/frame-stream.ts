// The camera stream to the enclave: frames queue as they are captured and go out in
// order, one boxed request at a time (the session's counter allows no other), each
// carrying every frame captured since the last; each answer says what the user does
// next. A slow answer makes the next batch larger rather than the stream thinner.
import { LIMITS, type Pace } from "../../contracts/frame-service";
import { toBase64url } from "../../common/base64url";

export interface StreamedFrame {
  /** Capture time, epoch ms: a hint the enclave checks against its own clock. */
  t: number;
  jpeg: Blob;
}

/** Sends one batch; resolves with the enclave's pace, or rejects with the refusal that ended the challenge. */
export type SendFrames = (frames: { t: number; image: string }[]) => Promise<Pace>;

export class FrameStream {
  private readonly queue: StreamedFrame[] = [];
  private sending = false;
  /** The enclave's latest answer. */
  pace: Pace | undefined;
  failure: unknown;
  sent = 0;
  bytes = 0;

  constructor(
    private readonly send: SendFrames,
    private readonly onPace: (pace: Pace) => void,
  ) {}

  get done(): boolean {
    return this.pace?.stage === "done";
  }

  push(frame: StreamedFrame): void {
    this.queue.push(frame);
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.sending || this.queue.length === 0 || this.failure !== undefined || this.done) return;
    this.sending = true;
    try {
      const batch = this.queue.splice(0, LIMITS.streamBatch);
      const frames = await Promise.all(batch.map(async (f) => ({ t: f.t, image: toBase64url(new Uint8Array(await f.jpeg.arrayBuffer())) })));
      this.pace = await this.send(frames);
      this.sent += batch.length;
      this.bytes += batch.reduce((n, f) => n + f.jpeg.size, 0);
      this.onPace(this.pace);
    } catch (error) {
      this.failure = error;
      return;
    } finally {
      this.sending = false;
    }
    void this.flush();
  }
}
