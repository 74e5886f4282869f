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
 * Call before the wasm backend first starts. Returns the thread count asked for (tfjs's getThreadsCount() says
 * what it got once the backend runs).
 */
export function requestWasmThreads(scope: { navigator: Navigator | WorkerNavigator; crossOriginIsolated?: boolean } = globalThis as never): number {
  const threads = wasmThreadCount(scope.navigator?.hardwareConcurrency, scope.crossOriginIsolated === true);
  if (threads > 1) {
    // Only this realm's navigator is changed, and only the value tfjs halves; the real count stays readable above.
    Object.defineProperty(scope.navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
  }
  setThreadsCount(threads);
  return threads;
}
