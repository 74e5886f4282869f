/**
 * The page's tfjs backend, chosen once. tfjs keeps one engine per page (on globalThis, shared even between two
 * bundled copies of tfjs), so the backend is page state (worker state, inside a worker): the first detector picks
 * it according to its BackendPreference and every later detector, and every widget, reuses that choice. 'auto'
 * chooses by capability and, where that is not clear-cut, by a short timed probe (src/runtime/select_backend.ts);
 * 'keep' never calls tf.setBackend, for host pages that manage tfjs themselves. No DOM and no storage here: this
 * runs in workers too, and a caller that remembers the automatic choice passes it in (`options.remembered`).
 */
import { restartBackend, watchDevice, type BackendRestart, type DeviceLoss } from '../runtime/device_loss';
import {
  BACKEND_NAMES, DEFAULT_BACKEND_ORDER, NoBackendError, chooseBackend, keptBackend, selectBackend,
  type BackendChoice, type BackendName, type ChooseOptions,
} from '../runtime/select_backend';
import { DetectorError, errorMessage } from './errors';
import type { BackendPreference } from './types';

/** Options of the automatic choice; ignored by the other preferences. */
export type BackendOptions = ChooseOptions;

let chosen: Promise<BackendChoice> | null = null;
let chosenPreference: BackendPreference = 'auto';

/** The backend every detector on this page runs on; the first call decides it, later preferences are ignored. */
export function ensureBackend(preference: BackendPreference = 'auto', options: BackendOptions = {}): Promise<BackendChoice> {
  chosen ??= choose((chosenPreference = preference), options).catch((error: unknown) => {
    chosen = null; // let a later call try again (e.g. after the host fixed something)
    if (error instanceof DetectorError) throw error;
    const message = error instanceof NoBackendError ? error.message : `choosing the tfjs backend failed: ${errorMessage(error)}`;
    throw new DetectorError('backend', message, { cause: error });
  });
  return chosen;
}

async function choose(preference: BackendPreference, options: BackendOptions): Promise<BackendChoice> {
  if (preference === 'keep') return keptBackend();
  const choice = preference === 'auto' ? await chooseBackend(options) : await selectBackend(orderOf(preference));
  watchDevice();
  return choice;
}

function orderOf(preference: Exclude<BackendPreference, 'keep' | 'auto'>): readonly BackendName[] {
  const order: readonly string[] = typeof preference === 'string' ? [preference] : preference;
  const unknown = order.filter((name) => !BACKEND_NAMES.includes(name as BackendName));
  if (unknown.length > 0 || order.length === 0) {
    throw new DetectorError('backend', `backend: ${JSON.stringify(preference)} is not a backend; use 'auto', 'keep', one of ${BACKEND_NAMES.join(', ')}, or a list of them`);
  }
  return order as readonly BackendName[];
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
  const preferred = chosenPreference === 'auto' ? [] : orderOf(chosenPreference);
  const order = [...new Set([...preferred, ...DEFAULT_BACKEND_ORDER])];
  try {
    const restart = await restartBackend(loss, order);
    chosen = Promise.resolve(restart);
    return restart;
  } catch (error) {
    throw new DetectorError('backend', `the GPU device was lost (${loss.message}) and no tfjs backend could start again: ${errorMessage(error)}`, { cause: error });
  }
}
