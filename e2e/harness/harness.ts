/**
 * The page that Node commands and browser tests drive. It selects the backend named in `?backend=`, records
 * WebGPU validation errors (tfjs swallows them and returns zeros), and exposes tfjs plus a module loader, so a
 * test can `await window.harness.load('/src/kernels/roi_pool/roi_pool.ts')` and call real code.
 */
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { selectBackend, DEFAULT_BACKEND_ORDER, type BackendName } from '../../src/runtime/select_backend';

const requested = new URLSearchParams(location.search).get('backend') as BackendName | null;
const gpuErrors: string[] = [];

async function start() {
  const choice = await selectBackend(requested ? [requested] : DEFAULT_BACKEND_ORDER);
  const backend = tf.backend();
  if (backend instanceof WebGPUBackend) {
    backend.device.addEventListener('uncapturederror', (event) => {
      gpuErrors.push((event as GPUUncapturedErrorEvent).error.message);
    });
  }
  return choice;
}

const harness = {
  ready: start(),
  tf,
  gpuErrors,
  load: (path: string): Promise<Record<string, unknown>> => import(/* @vite-ignore */ path),
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
