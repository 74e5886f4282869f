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

  /**
   * Lets queued control messages arrive: a step on wasm or cpu resolves in microtasks only, so without a task
   * boundary the worker's onmessage (pause, cancel) would never run between iterations.
   */
  async poll(): Promise<void> {
    await nextTask();
  }

  /** Resolves immediately when running, or when resumed / cancelled. */
  async waitWhilePaused(): Promise<void> {
    while (this.paused && !this.cancelled) await new Promise<void>((resolve) => (this.wake = resolve));
  }
}

/** Resolves in a new task (a MessageChannel hop: no 4 ms timer clamp). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
