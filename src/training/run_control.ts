/** Pause / resume / cancel and on-demand requests, set by worker messages and polled between iterations. */
export class RunControl {
  cancelled = false;
  evaluateRequested = false;
  exportRequested = false;
  private paused = false;
  private wake: (() => void) | null = null;

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
    this.wake = null;
  }

  cancel(): void {
    this.cancelled = true;
    this.resume();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Resolves immediately when running, or when resumed / cancelled. */
  async waitWhilePaused(): Promise<void> {
    while (this.paused && !this.cancelled) await new Promise<void>((resolve) => (this.wake = resolve));
  }
}
