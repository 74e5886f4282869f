/**
 * The page's tfjs backend, chosen once. tfjs keeps one engine per page (on globalThis, shared even between two
 * bundled copies of tfjs), so the backend is page state: the first detector picks it according to its
 * BackendPreference and every later detector, and every widget, reuses that choice. 'keep' never calls
 * tf.setBackend, for host pages that manage tfjs themselves.
 */
import * as tf from '@tensorflow/tfjs';
import { restartBackend, watchDevice, type BackendRestart, type DeviceLoss } from '../runtime/device_loss';
import { DEFAULT_BACKEND_ORDER, selectBackend, type BackendChoice, type BackendName } from '../runtime/select_backend';
import { DetectorError, errorMessage } from './errors';
import type { BackendPreference } from './types';

let chosen: Promise<BackendChoice> | null = null;
let chosenPreference: BackendPreference = 'auto';

/** The backend every detector on this page runs on; the first call decides it, later preferences are ignored. */
export function ensureBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  chosen ??= choose((chosenPreference = preference)).catch((error: unknown) => {
    chosen = null; // let a later call try again (e.g. after the host fixed something)
    throw new DetectorError('backend', `no tfjs backend could start: ${errorMessage(error)}`, { cause: error });
  });
  return chosen;
}

async function choose(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'keep') {
    await tf.ready();
    return { name: tf.getBackend() as BackendName, skipped: [], notice: null };
  }
  const choice = await selectBackend(orderOf(preference));
  watchDevice();
  return choice;
}

function orderOf(preference: Exclude<BackendPreference, 'keep'>): readonly BackendName[] {
  if (preference === 'auto') return DEFAULT_BACKEND_ORDER;
  return typeof preference === 'string' ? [preference as BackendName] : preference;
}

/**
 * After the GPU device was lost: a new backend in the page's order (WebGPU again, else the next that starts).
 * With 'keep' the host page owns tfjs, so the library does not touch it and reports the loss instead.
 */
export async function recoverBackend(loss: DeviceLoss): Promise<BackendRestart> {
  if (chosenPreference === 'keep') {
    throw new DetectorError('backend', `the GPU device was lost (${loss.message}); the host page manages tfjs (backend: 'keep'), so it must restart the backend`);
  }
  // a named preference such as 'webgpu' alone still falls back, rather than leave the page with no backend
  const order = [...new Set([...orderOf(chosenPreference), ...DEFAULT_BACKEND_ORDER])];
  try {
    const restart = await restartBackend(loss, order);
    chosen = Promise.resolve(restart);
    return restart;
  } catch (error) {
    throw new DetectorError('backend', `the GPU device was lost (${loss.message}) and no tfjs backend could start again: ${errorMessage(error)}`, { cause: error });
  }
}
