/**
 * tfjs backends inside the training worker. The frozen prefix and the trainable head may run on different
 * backends (wasm is the fastest forward pass on a CPU-only machine but has no conv gradients), so the worker
 * switches between phases; tensors never cross: features go through typed arrays (feature_store.ts).
 * The wasm binaries are served by Vite from node_modules (no network): setWasmPaths with their asset URLs.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { watchDevice } from '../runtime/device_loss';
import { startWasmWithThreads } from '../runtime/wasm_threads';
import type { TrainBackend } from './protocol';

let wasmConfigured = false;

/** Makes `name` the active backend; throws with the reason when it cannot start. */
export async function useBackend(name: TrainBackend): Promise<void> {
  if (name === 'wasm' && !wasmConfigured) {
    setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
    wasmConfigured = true;
  }
  if (tf.getBackend() === name) return;
  if (tf.findBackendFactory(name) == null) throw new Error(`the ${name} backend is not available in this worker`);
  // wasm: every core when the page is cross-origin isolated, one otherwise
  const started = name === 'wasm' ? await startWasmWithThreads(() => tf.setBackend(name)) : await tf.setBackend(name);
  if (!started) throw new Error(`the ${name} backend failed to initialise`);
  await tf.ready();
  watchDevice(); // a lost WebGPU device is then recognised (recovery.ts)
}

/** The active backend in words for logs, with wasm's thread count ("wasm, 2 threads"). */
export function describeBackend(): string {
  const name = tf.getBackend();
  if (name !== 'wasm') return name;
  const threads = getThreadsCount();
  return `wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
}
