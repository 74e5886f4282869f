/**
 * tfjs's wasm backend, started the one way every caller needs: its .wasm binaries served by Vite from node_modules
 * (`?url` imports, so no network and no CDN), and one thread per core where the page is cross-origin isolated
 * (wasm_threads.ts). The page, the library, the detection worker and the training worker all start wasm here.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm'; // also registers the 'wasm' backend
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { startWasmWithThreads, wasmThreadCount } from './wasm_threads';

let pathsSet = false;

/** Points tfjs at the bundled .wasm files; must happen before the wasm backend first initialises. Idempotent. */
export function configureWasmPaths(): void {
  if (pathsSet) return;
  setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
  pathsSet = true;
}

/** tf.setBackend('wasm') with the paths set and the threads this page allows; resolves false when it did not start. */
export function setWasmBackend(): Promise<boolean> {
  configureWasmPaths();
  return startWasmWithThreads(() => tf.setBackend('wasm'));
}

/** Threads wasm would start with in this page or worker (no backend is started to find out). */
export function expectedWasmThreads(): number {
  const scope = globalThis as { navigator?: { hardwareConcurrency?: number }; crossOriginIsolated?: boolean };
  return wasmThreadCount(scope.navigator?.hardwareConcurrency, scope.crossOriginIsolated === true);
}

/** Threads of the running wasm backend; null when wasm is not the active backend. */
export function wasmThreadsInUse(): number | null {
  return tf.getBackend() === 'wasm' ? getThreadsCount() : null;
}
