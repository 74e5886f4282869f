/**
 * A lost WebGPU device (driver reset, GPU process crash, or `device.destroy()`): from then on every read of a
 * tensor rejects (Chromium: AbortError "The Device was lost before mapping was resolved") and every weight that
 * lived on the GPU is gone. This module notices the loss (`device.lost`), answers "was this error a loss?", and
 * replaces the dead tfjs backend: the 'webgpu' backend is removed and registered again with the same factory, so
 * the next `setBackend('webgpu')` asks the adapter for a new device. Callers then upload their weights again.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { DEFAULT_BACKEND_ORDER, selectBackend, type BackendChoice, type BackendName } from './select_backend';

export interface DeviceLoss {
  /** GPUDeviceLostInfo.reason: 'destroyed' or 'unknown' (a crash or a driver reset). */
  readonly reason: string;
  readonly message: string;
}

export interface BackendRestart extends BackendChoice {
  /** What happened to the old device. */
  readonly loss: DeviceLoss;
  /** A sentence for the user: the device was lost, and where the detector runs now. */
  readonly recoveryNotice: string;
}

/** tfjs-backend-webgpu registers its factory with this priority (dist/base.js). */
const WEBGPU_PRIORITY = 3;

const losses = new WeakMap<GPUDevice, DeviceLoss>();
const watched = new WeakSet<GPUDevice>();
const listeners = new Set<(restart: BackendRestart) => void>();
let restarting: Promise<BackendRestart> | null = null;
let generation = 0;

/** The GPUDevice of the current tfjs backend, or null when the backend is not WebGPU (or none is set yet). */
export function currentDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: GPUDevice }).device ?? null;
}

/** Starts listening for the loss of the current backend's device (idempotent; a no-op off WebGPU). */
export function watchDevice(): void {
  const device = currentDevice();
  if (device === null || watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => losses.set(device, { reason: info.reason ?? 'unknown', message: info.message }));
}

/** The loss of the current backend's device, or null while it works (or off WebGPU). */
export function currentDeviceLoss(): DeviceLoss | null {
  const device = currentDevice();
  return device === null ? null : (losses.get(device) ?? null);
}

/** True when `error` reads like a lost GPU device (Chromium's and Firefox's wordings). */
export function isDeviceLostMessage(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /device (was |is |has been )?(lost|destroyed)|lost before mapping/i.test(text);
}

/** The loss behind `error`, if the current device is lost or the error says so; null for any other error. */
export function deviceLossOf(error: unknown): DeviceLoss | null {
  watchDevice();
  const known = currentDeviceLoss();
  if (known) return known;
  if (!isDeviceLostMessage(error)) return null;
  return { reason: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

/** Drops the dead 'webgpu' backend (and every tensor on it) and registers a fresh one with the same factory. */
export function resetWebGpuBackend(): void {
  const factory = tf.findBackendFactory('webgpu');
  if (factory == null) return;
  try {
    tf.removeBackend('webgpu');
  } catch {
    // disposing a backend whose device is gone may throw; it is dropped all the same
  }
  tf.registerBackend('webgpu', factory, WEBGPU_PRIORITY);
}

/**
 * After a loss: a fresh WebGPU backend, else the next backend of `order` that starts (WebGL, then the CPU), with a
 * notice for the user. Concurrent callers (several widgets) share one restart. Listeners hear every restart.
 */
export function restartBackend(loss: DeviceLoss, order: readonly BackendName[] = DEFAULT_BACKEND_ORDER): Promise<BackendRestart> {
  restarting ??= (async () => {
    try {
      resetWebGpuBackend();
      const choice = await selectBackend(order);
      generation++;
      watchDevice();
      const restart: BackendRestart = { ...choice, loss, recoveryNotice: recoveryNotice(loss, choice) };
      for (const listener of [...listeners]) listener(restart);
      return restart;
    } finally {
      restarting = null;
    }
  })();
  return restarting;
}

export function recoveryNotice(loss: DeviceLoss, choice: Pick<BackendChoice, 'name' | 'skipped'>): string {
  const lost = `The GPU device was lost (${loss.message.replace(/\.$/, '')})`;
  if (choice.name === 'webgpu') return `${lost}; WebGPU was restarted and the model reloaded.`;
  const why = choice.skipped.find((s) => s.name === 'webgpu')?.error ?? 'WebGPU was not requested';
  return `${lost} and WebGPU could not restart (${why}), so the detector now runs on ${choice.name}: slower, same results.`;
}

/**
 * Counts backend restarts. Weights uploaded under an older generation are gone (and reading them may give zeros
 * rather than an error), so whoever holds weights compares the generation they loaded them at with this.
 */
export function backendGeneration(): number {
  return generation;
}

/** Called after every backend restart (e.g. to show the page's backend line and notice); returns an unsubscribe. */
export function onBackendRestart(listener: (restart: BackendRestart) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Test hook: destroys the current WebGPU device, as a driver reset would. Returns false off WebGPU. */
export function loseDeviceForTesting(): boolean {
  const device = currentDevice();
  device?.destroy();
  return device !== null;
}
