/**
 * Picks the tfjs backend: WebGPU first, then WebGL, then the plain-JS CPU backend.
 * Never throws: the caller always gets a working backend plus a plain-language notice when WebGPU was not usable.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

export interface BackendAttempt {
  readonly name: BackendName;
  readonly error: string;
}

export interface BackendChoice {
  readonly name: BackendName;
  /** Backends tried before the chosen one, with why each failed. */
  readonly skipped: readonly BackendAttempt[];
  /** A sentence for the user when the preferred backend (WebGPU) is not the one running; null otherwise. */
  readonly notice: string | null;
}

const BACKEND_LABEL: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  cpu: 'the CPU (plain JavaScript)',
};

async function tryBackend(name: BackendName): Promise<string | null> {
  // tfjs registers 'webgpu' only when navigator.gpu exists at import time; setBackend would throw otherwise.
  if (tf.findBackendFactory(name) == null) {
    return name === 'webgpu' ? 'this browser has no WebGPU (navigator.gpu is missing)' : `${name} is not available`;
  }
  try {
    // setBackend resolves false (it does not throw) when e.g. requestAdapter() gives no adapter.
    if (!(await tf.setBackend(name))) return name === 'webgpu' ? 'no WebGPU adapter could be obtained' : `${name} failed to initialise`;
    // A probe op: some drivers initialise but fail on first use.
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    const value = (await probe.data())[0];
    probe.dispose();
    return value === 3 ? null : `${name} computed 1 + 2 = ${value}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function backendNotice(name: BackendName, skipped: readonly BackendAttempt[]): string | null {
  if (name === 'webgpu') return null;
  const why = skipped.find((attempt) => attempt.name === 'webgpu')?.error ?? 'WebGPU was not requested';
  return (
    `WebGPU is not available here (${why}), so the detector runs on ${BACKEND_LABEL[name]}. ` +
    'It works the same, only slower. For full speed use a browser with WebGPU enabled, e.g. a recent Chrome or Edge.'
  );
}

/** Selects the first backend in `order` that initialises and runs an op. */
export async function selectBackend(order: readonly BackendName[] = DEFAULT_BACKEND_ORDER): Promise<BackendChoice> {
  const skipped: BackendAttempt[] = [];
  for (const name of order) {
    const error = await tryBackend(name);
    if (error == null) return { name, skipped, notice: backendNotice(name, skipped) };
    skipped.push({ name, error });
  }
  // The CPU backend always exists in @tensorflow/tfjs; reaching here means even it failed.
  throw new Error(`No tfjs backend could start: ${skipped.map((s) => `${s.name}: ${s.error}`).join('; ')}`);
}
