/**
 * tfjs backends inside the training worker. The frozen prefix and the trainable head may run on different
 * backends (wasm is the fastest forward pass on a CPU-only machine but has no conv gradients), so the worker
 * switches between phases; tensors never cross: features go through typed arrays (feature_store.ts).
 * Starting a backend (wasm's bundled binaries and threads included) is src/runtime/select_backend.ts's, shared with
 * the page and the library.
 */
import * as tf from '@tensorflow/tfjs';
import { watchDevice } from '../runtime/device_loss';
import { backendLabel, startBackend } from '../runtime/select_backend';
import { wasmThreadsInUse } from '../runtime/wasm_backend';
import type { TrainBackend } from './protocol';

/** Makes `name` the active backend; throws with the reason when it cannot start. */
export async function useBackend(name: TrainBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  if (tf.findBackendFactory(name) == null) throw new Error(`the ${name} backend is not available in this worker`);
  const error = await startBackend(name);
  if (error !== null) throw new Error(`the ${name} backend failed to initialise: ${error}`);
  await tf.ready();
  watchDevice(); // a lost WebGPU device is then recognised (recovery.ts)
}

/** The active backend in words for logs, with wasm's thread count ("wasm, 2 threads"). */
export function describeBackend(): string {
  const name = tf.getBackend();
  return name === 'wasm' ? backendLabel('wasm', wasmThreadsInUse()) : name;
}
