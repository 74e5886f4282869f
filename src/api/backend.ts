/**
 * The page's tfjs backend, chosen once. tfjs keeps one engine per page (on globalThis, shared even between two
 * bundled copies of tfjs), so the backend is page state: the first detector picks it according to its
 * BackendPreference and every later detector, and every widget, reuses that choice. 'keep' never calls
 * tf.setBackend, for host pages that manage tfjs themselves.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice, type BackendName } from '../runtime/select_backend';
import { DetectorError, errorMessage } from './errors';
import type { BackendPreference } from './types';

let chosen: Promise<BackendChoice> | null = null;

/** The backend every detector on this page runs on; the first call decides it, later preferences are ignored. */
export function ensureBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  chosen ??= choose(preference).catch((error: unknown) => {
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
  if (preference === 'auto') return selectBackend();
  return selectBackend(typeof preference === 'string' ? [preference] : preference);
}
