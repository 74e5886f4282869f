/** Entry of the detector page: build the page, start the tfjs backend and say which one runs and why. */
import { ensureBackend } from '../api/backend';
import { errorMessage } from '../api/errors';
import { onBackendRestart } from '../runtime/device_loss';
import { startApp } from './app';
import { backendRequest, readRemembered, showBackendChoice, showBackendNotice, storeRemembered, wireBackendControls } from './backend_choice';
import { byTestId } from './dom';

/**
 * `?backend=wasm|webgpu|webgl|cpu` asks for one backend (the page's tests use it); without it the library chooses
 * (src/runtime/select_backend.ts): by what the GPU APIs report and, where that is not clear-cut, by a short probe.
 * That automatic choice is remembered in this browser (backend_choice.ts); `?measure` (the "Measure again" button)
 * probes afresh. The page's detectors keep this backend and restart it after a lost GPU.
 */
async function startBackend(): Promise<void> {
  const request = backendRequest(location.search);
  try {
    const choice = await ensureBackend(request.preference, { remembered: readRemembered(), measure: request.measure });
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
}

/** A lost GPU device restarted the backend (src/runtime/device_loss.ts): say so, and where the detector runs now. */
onBackendRestart((restart) => {
  byTestId('backend.name').textContent = restart.name;
  document.documentElement.dataset.backend = restart.name;
  showBackendNotice(restart.recoveryNotice);
});

wireBackendControls();
const app = startApp();
void startBackend().then(() => app.backendReady());
