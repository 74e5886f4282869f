/**
 * The one wrapper that survives a lost GPU device around work on the network (the library's detect(), so the app
 * and the widget, and the Train tab's preview). A lost device (a driver reset, the GPU process crashing) takes
 * every weight on it: the backend is restarted (src/runtime/device_loss.ts), the weights uploaded again, and the
 * work run once more. A second loss in a row is a 'backend' error.
 *
 *   before: a loss already noticed -> recover; weights uploaded before someone else's restart -> reload them
 *   run:    the work; a failure that is a device loss -> recover -> the work again
 */
import { restartBackend, currentDeviceLoss, deviceLossOf, type BackendRestart, type DeviceLoss } from '../runtime/device_loss';
import { DetectorError, errorMessage } from './errors';
import type { DetectProgress } from './types';

export interface RecoveryHooks {
  /** True when the backend was restarted since the weights were uploaded (they are gone: reload first). */
  weightsGone(): boolean;
  /** Uploads the weights again onto the current backend. */
  reload(): Promise<void>;
  /** Restarts the backend after a loss; default: WebGPU again, else WebGL, else the CPU (runtime/device_loss.ts). */
  restart?(loss: DeviceLoss): Promise<BackendRestart>;
  /** Stages and notices for the user while recovering. */
  onProgress?(progress: DetectProgress): void;
}

/** Runs `work`, surviving one lost GPU device (see the module comment). */
export async function withDeviceRecovery<T>(work: () => Promise<T>, hooks: RecoveryHooks): Promise<T> {
  await readyForWork(hooks);
  try {
    return await work();
  } catch (error) {
    const loss = deviceLossOf(error);
    if (!loss) throw error;
    await recover(loss, hooks);
    try {
      return await work();
    } catch (again) {
      const second = deviceLossOf(again);
      if (!second) throw again;
      throw new DetectorError('backend', `the GPU device was lost again right after a restart (${second.message}); try again, or use another browser or backend`, { cause: again });
    }
  }
}

/** The "before" step alone: a noticed loss recovered from, or weights from before another's restart reloaded. */
export async function readyForWork(hooks: RecoveryHooks): Promise<void> {
  const before = currentDeviceLoss();
  if (before) await recover(before, hooks);
  else if (hooks.weightsGone()) await reload(hooks);
}

/** A new backend (WebGPU again, or the next that starts) and the weights uploaded to it. */
async function recover(loss: DeviceLoss, hooks: RecoveryHooks): Promise<void> {
  const report = (progress: DetectProgress) => hooks.onProgress?.(progress);
  report({ stage: 'backend', fraction: null, notice: `The GPU device was lost (${loss.message}): restarting the backend…` });
  const restart = await (hooks.restart ?? restartBackend)(loss);
  report({ stage: 'model', fraction: null });
  await reload(hooks);
  report({ stage: 'network', fraction: null, notice: restart.recoveryNotice });
}

async function reload(hooks: RecoveryHooks): Promise<void> {
  try {
    await hooks.reload();
  } catch (error) {
    if (error instanceof DetectorError) throw error;
    throw new DetectorError('backend', `the GPU device was lost and the model could not be loaded again: ${errorMessage(error)}`, { cause: error });
  }
}
