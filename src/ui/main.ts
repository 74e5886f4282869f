/** Entry of the detector page: build the page, start the tfjs backend and say which one runs and why. */
import { errorMessage } from '../api/errors';
import type { BackendPreference } from '../api/types';
import { ensureWorkerBackend, onWorkerBackendRestart } from '../api/worker_detector';
import { startApp } from './app';
import { backendRequest, readRemembered, showBackendChoice, showBackendNotice, storeRemembered, wireBackendControls } from './backend_choice';
import { byTestId } from './dom';

/**
 * `?backend=wasm|webgpu|webgl|cpu` asks for one backend (the page's tests use it); without it the library chooses
 * (src/runtime/select_backend.ts): by what the GPU APIs report and, where that is not clear-cut, by a short probe.
 * That automatic choice is remembered in this browser (backend_choice.ts); `?measure` (the "Measure again" button)
 * probes afresh. The backend runs in the library's detection worker, where the page's detectors run (off the main
 * thread): they keep it and restart it after a lost GPU. Resolves with the preference the detectors are created with.
 */
async function startBackend(): Promise<BackendPreference> {
  const request = backendRequest(location.search);
  try {
    const choice = await ensureWorkerBackend(request.preference, { remembered: readRemembered(), measure: request.measure });
    storeRemembered(choice);
    showBackendChoice(choice, request.preference);
    if (request.measure) {
      // measured once: a reload of this address should not probe again
      const url = new URL(location.href);
      url.searchParams.delete('measure');
      history.replaceState(history.state, '', url);
    }
  } catch (error) {
    byTestId('backend.name').textContent = 'none';
    byTestId('backend.reason').textContent = 'No backend could start (see the notice).';
    showBackendNotice(`The detector cannot run in this browser: ${errorMessage(error)}`);
  }
  return request.preference;
}

/** A lost GPU device restarted the worker's backend (src/runtime/device_loss.ts): say so, and where the detector runs now. */
onWorkerBackendRestart((restart) => {
  byTestId('backend.name').textContent = restart.name;
  document.documentElement.dataset.backend = restart.name;
  showBackendNotice(restart.recoveryNotice);
});

wireBackendControls();
const app = startApp();
void startBackend().then((preference) => app.backendReady(preference));
