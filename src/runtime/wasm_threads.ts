/**
 * How many threads tfjs's wasm backend (XNNPACK) may use, and the one lever that sets it.
 *
 * tfjs 4.22's wasm build caps its thread pool at navigator.hardwareConcurrency / 2, assuming two hyperthreads per
 * core (tfjs-backend-wasm/src/cc/backend.cc), and setThreadsCount cannot go above that cap. On a 2-vCPU machine
 * that is one thread: the threaded build loads and then runs on one core. The cap is read from
 * navigator.hardwareConcurrency when the wasm module starts, so reporting twice the wanted count before that lets
 * setThreadsCount choose. Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP + COEP).
 */
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** tfjs's own upper bound: its build pre-creates 8 pthread workers. */
export const WASM_MAX_THREADS = 8;

/** One thread per logical core, within tfjs's limit; 1 where threads cannot run (no cross-origin isolation). */
export function wasmThreadCount(logicalCores: number | undefined, crossOriginIsolated: boolean): number {
  if (!crossOriginIsolated || !logicalCores || logicalCores < 2) return 1;
  return Math.min(Math.floor(logicalCores), WASM_MAX_THREADS);
}

/**
 * Starts the wasm backend (`start`, e.g. tf.setBackend('wasm')) with one thread per core where the page allows it.
 * The doubled core count is only visible while the module starts (when tfjs reads it), then the real one is back.
 */
export async function startWasmWithThreads<T>(
  start: () => Promise<T>,
  scope: { navigator: Navigator | WorkerNavigator; crossOriginIsolated?: boolean } = globalThis as never,
): Promise<T> {
  const threads = wasmThreadCount(scope.navigator?.hardwareConcurrency, scope.crossOriginIsolated === true);
  setThreadsCount(threads);
  if (threads <= 1) return start();
  Object.defineProperty(scope.navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
  try {
    return await start();
  } finally {
    delete (scope.navigator as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
  }
}
