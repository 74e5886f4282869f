/**
 * Wall-clock time of each detection stage. GPU backends run asynchronously, so a stage's time is taken after
 * waiting for its output to exist: reading back one element of it forces every queued kernel to finish
 * (WebGPU and WebGL both execute in submission order). Costs one tiny readback per stage; off = no waiting.
 */
import * as tf from '@tensorflow/tfjs';

export class StageTimer {
  private readonly start = performance.now();
  private last = this.start;
  readonly times: Record<string, number> = {};

  constructor(private readonly waitForGpu = true) {}

  /** Ends the stage `name` once `output` has been computed. */
  async end(name: string, output?: tf.Tensor): Promise<void> {
    if (output !== undefined && this.waitForGpu) await settle(output);
    this.mark(name);
  }

  /** Ends the stage `name` now (its results are already on the CPU). */
  mark(name: string): void {
    const now = performance.now();
    this.times[name] = (this.times[name] ?? 0) + (now - this.last);
    this.last = now;
  }

  get total(): number {
    return performance.now() - this.start;
  }
}

/** Resolves once `t` has been computed on its backend. */
export async function settle(t: tf.Tensor): Promise<void> {
  if (t.size === 0) return;
  const probe = tf.tidy(() => tf.add(tf.slice(tf.reshape(t, [-1]), 0, 1), 0));
  await probe.data();
  probe.dispose();
}
